import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScrubState } from '../../contract/index.ts';
import { hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir, waitFor } from '../../../test-support/temp-dir.ts';
import { openLibrary, type Library } from '../library/index.ts';
import { libraryLayout } from '../library/library-layout.ts';
import { renderToLibrary } from '../render/render-to-library.ts';
import { ScrubScheduler } from './scrub-scheduler.ts';
import { buildCareLibrary } from './test-library.ts';

const DAY = 24 * 60 * 60 * 1000;

/**
 * The scheduled check on a real library: it reports progress, keeps its result, falls due a period
 * after the last one, starts only when the queue is idle and waits while photos are imported. The
 * queue is played by plain state here (`busy`, `idle`), the library and the files are real.
 */
describe.skipIf(!hasCorpus)('the scheduled library check', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  let library: Library;
  let libraryDir: string;

  beforeAll(async () => {
    dir = await tempDir('lightbox-scrub-');
    const built = await buildCareLibrary(dir.path);
    libraryDir = built.libraryDir;
    await built.engine.close();
    library = openLibrary(path.join(libraryDir, 'lightbox.db'));
  }, 120_000);
  afterAll(async () => {
    library?.close();
    await dir?.cleanup();
  });

  function scheduler(options: { now?: () => number; ingestBusy?: () => boolean } = {}) {
    const queue = { idle: true, ingest: false, listeners: new Set<() => void>() };
    const states: ScrubState[] = [];
    const scrub = new ScrubScheduler({
      library,
      layout: libraryLayout(libraryDir),
      backupDirs: () => [],
      renderFile: renderToLibrary,
      queueIdle: () => queue.idle,
      ingestBusy: options.ingestBusy ?? (() => queue.ingest),
      ingestUnfinished: () => queue.ingest,
      onQueueChange: (listener) => {
        queue.listeners.add(listener);
        return () => queue.listeners.delete(listener);
      },
      emit: (state) => states.push(state),
      ...options,
    });
    const change = (update: Partial<Pick<typeof queue, 'idle' | 'ingest'>>) => {
      Object.assign(queue, update);
      for (const listener of [...queue.listeners]) listener();
    };
    return { scrub, states, change };
  }

  it('checks the whole library, shows its progress, and keeps the result for next time', async () => {
    const { scrub, states } = scheduler();
    expect(scrub.state().settings).toEqual({ enabled: true, intervalDays: 7 });
    scrub.runNow();
    const last = await waitFor('the check to finish', () => scrub.state().last);
    expect(last).toMatchObject({ ok: true, errors: 0, warnings: 0, files: 6, interrupted: false });
    expect(last.bytes).toBeGreaterThan(0);
    const phases = states.flatMap((s) => (s.running ? [s.running.phase] : []));
    expect(phases).toEqual(expect.arrayContaining(['database', 'originals', 'processed', 'orphans']));
    const final = states.at(-1)!;
    expect(final.running).toBeNull();
    expect(Date.parse(final.nextAt!) - Date.parse(last.at)).toBe(7 * DAY);
    await scrub.close();
  }, 60_000);

  it('waits while photos are being imported and carries on after', async () => {
    const { scrub, states, change } = scheduler();
    change({ ingest: true });
    scrub.runNow();
    const waiting = await waitFor('the check to wait for ingest', () => states.find((s) => s.running?.waitingFor === 'ingest'));
    expect(waiting.running!.filesDone).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(scrub.state().running).toMatchObject({ waitingFor: 'ingest', filesDone: 0 });
    change({ ingest: false });
    const before = scrub.state().last?.at;
    await waitFor('the check to finish', () => scrub.state().last?.at !== before && scrub.state().running === null);
    expect(scrub.state().last?.ok).toBe(true);
    await scrub.close();
  }, 60_000);

  it('falls due a period after the last check and starts once the queue is idle; off means never', async () => {
    const lastAt = Date.parse(scheduler().scrub.state().last!.at);
    let now = lastAt + 6 * DAY;
    const { scrub, states, change } = scheduler({ now: () => now });
    change({ idle: false });
    scrub.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(states.some((s) => s.running)).toBe(false);
    // Due now (a period has passed), but the queue is busy: still waiting.
    now = lastAt + 7 * DAY + 1;
    scrub.setSettings({ intervalDays: 7 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(states.some((s) => s.running)).toBe(false);
    change({ idle: true });
    await waitFor('the scheduled check to start', () => states.some((s) => s.running));
    await waitFor('it to finish', () => scrub.state().running === null);
    expect(Date.parse(scrub.state().last!.at)).toBeGreaterThan(lastAt);

    const off = scrub.setSettings({ enabled: false });
    expect(off.nextAt).toBeNull();
    scrub.setSettings({ enabled: true });
    await scrub.close();
  }, 60_000);

  it('a stopped check goes on from where it stopped: what it read is not read again', async () => {
    // Ingest "starts" as the third file is due: the check waits there, and is stopped while it waits.
    let asked = 0;
    const first = scheduler({ ingestBusy: () => ++asked > 2 });
    first.scrub.runNow();
    await waitFor('the check to wait after two files', () => first.scrub.state().running?.waitingFor === 'ingest');
    first.scrub.stop();
    await waitFor('the stop to land', () => first.scrub.state().running === null);
    const saved = library.settings.get('care.scrub.resume') as { startedAt: string; originalsUpTo: number; checked: { originals: number } };
    expect(saved.checked.originals).toBe(2);
    expect(saved.originalsUpTo).toBeGreaterThan(0);
    await first.scrub.close();

    const second = scheduler();
    second.scrub.runNow();
    const last = await waitFor('the resumed check to finish', () => (second.scrub.state().running === null ? second.scrub.state().last : null));
    // The first progress of the reading phases already counts the two files read before the stop.
    const reading = second.states.find((s) => s.running?.phase === 'originals')!.running!;
    expect(reading).toMatchObject({ filesDone: 2, startedAt: saved.startedAt });
    expect(last).toMatchObject({ ok: true, files: 6, interrupted: false });
    expect(library.settings.get('care.scrub.resume')).toBeUndefined();
    await second.scrub.close();
  }, 60_000);

  it('a stopped check is kept as interrupted and tried again a day later, not a week', async () => {
    const { scrub } = scheduler();
    scrub.runNow();
    scrub.stop();
    const last = await waitFor('the stop to land', () => (scrub.state().running === null ? scrub.state().last : null));
    expect(last).toMatchObject({ interrupted: true, ok: false });
    expect(Date.parse(scrub.state().nextAt!) - Date.parse(last.at)).toBe(DAY);
    await scrub.close();
  }, 60_000);
});
