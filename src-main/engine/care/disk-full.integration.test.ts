import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupTarget, QueueStats } from '../../contract/index.ts';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { canMountSmallDisk, mountSmallDisk, type SmallDisk } from '../../../test-support/small-disk.ts';
import { tempDir, waitFor } from '../../../test-support/temp-dir.ts';
import { dispatch } from '../api/dispatch.ts';
import { createEngine } from '../engine.ts';
import { JobKind } from '../../contract/index.ts';
import { JobQueue, type JobHandlers } from '../jobs/index.ts';
import { openLibrary } from '../library/index.ts';
import { libraryLayout } from '../library/library-layout.ts';
import { BackupService } from './backup/backup-service.ts';
import { buildCareLibrary, type Engine } from './test-library.ts';

async function leftovers(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && /\.(lbtmp|tmp)$/.test(e.name)).map((e) => e.name);
}

const SKIP = canMountSmallDisk
  ? ''
  : ' (skipped: mounting a small tmpfs is not permitted here; disk-full is then covered only at the write call, by base/disk-space.test.ts)';

/**
 * A disk that fills up for real: the library (or a backup target) on a 16 MB tmpfs, a filler file
 * leaving less than the next write needs. Each kind of write fails with disk-full naming the folder
 * and its free space, leaves no partial file, waits (ingest and render as paused kinds, backups per
 * target) and carries on by itself once the filler is deleted.
 */
describe.skipIf(!hasCorpus || !canMountSmallDisk)(`a full disk${SKIP}`, () => {
  let dir: { path: string; cleanup(): Promise<void> };
  let disk: SmallDisk;
  let engine: Engine | undefined;

  beforeAll(async () => {
    dir = await tempDir('lightbox-diskfull-');
    disk = mountSmallDisk(dir.path, 16);
  });

  afterAll(async () => {
    await engine?.close();
    disk?.unmount();
    await dir?.cleanup();
  });

  it('pauses ingest and render with disk-full, leaves nothing partial, and resumes when space is back', async () => {
    const inbox = path.join(dir.path, 'inbox');
    await mkdir(inbox);
    await copyFile(corpusPath('jpeg/camera/Apple_iPhone_5.jpg'), path.join(inbox, 'a.jpg'));
    const libraryDir = path.join(disk.dir, 'lib');
    engine = await createEngine({ libraryDir, watchFolders: false, tuning: { analysis: { enabled: false }, diskCheckMs: 100 } });
    const stats: QueueStats[] = [];
    engine.api.on('queue.stats', (s) => stats.push(s));

    // 2.4 MB to store with 1 MB free (the database's few writes fit).
    let filler = await disk.fill(1_000_000);
    const processing = engine.processOnce([inbox]);
    const paused = await waitFor('ingest paused', () => stats.find((s) => s.paused?.['ingest'])?.paused?.['ingest']);
    expect(paused.code).toBe('disk-full');
    expect(paused.message).toContain(path.join(libraryDir, 'originals'));
    expect(paused.message).toMatch(/\d+ kB free, 2\.4 MB needed/);
    expect(await leftovers(libraryDir)).toEqual([]);
    expect(await readdir(path.join(libraryDir, 'originals'), { recursive: true }).then((n) => n.filter((x) => String(x).endsWith('.jpg')))).toEqual([]);
    // Waiting, not failing: no attempt spent, nothing dead.
    const waiting = engine.api.call('queue.stats', {});
    expect((await waiting).kinds['ingest']).toMatchObject({ dead: 0, done: 0 });

    await rm(filler);
    const summary = await processing;
    expect(summary.ingested).toBe(1);
    expect((await engine.api.call('queue.stats', {})).paused).toBeUndefined();

    // A render with no room: paused the same way, no half-written processed file.
    const [photo] = (await engine.api.call('photos.list', {})).photos;
    // A full-size render of a 3264 × 2448 photo is over a megabyte; 600 kB are left.
    filler = await disk.fill(600_000);
    stats.length = 0;
    await engine.api.call('render.request', { photoId: photo!.id });
    const renderPaused = await waitFor('render paused', () => stats.find((s) => s.paused?.['render'])?.paused?.['render']);
    expect(renderPaused.message).toContain(path.join(libraryDir, 'processed'));
    expect(await leftovers(libraryDir)).toEqual([]);
    expect(await readdir(path.join(libraryDir, 'processed'), { recursive: true }).catch(() => [])).toEqual(expect.not.arrayContaining([expect.stringMatching(/\.(jpg|xmp)$/)]));

    // An edit while the database itself cannot write: the command answers disk-full, not an internal error.
    const full = await disk.fill(0);
    const refused = await dispatch(engine.api, 'recipe.update', { photoId: photo!.id, steps: [] }, () => undefined);
    expect(refused).toMatchObject({ type: 'error', error: { code: 'disk-full' } });
    await rm(full);

    await rm(filler);
    await waitFor('render done', async () => (await engine!.api.call('recipe.get', { photoId: photo!.id })).renderedRevision === 1, 30_000);
    await engine.whenIdle();
    const report = await engine.care.verify({});
    expect(report.problems).toEqual([]);
  }, 120_000);

  it('shows the thumbnail while a preview cannot be written, and the preview once there is room', async () => {
    const [photo] = (await engine!.api.call('photos.list', {})).photos;
    const layout = libraryLayout(path.join(disk.dir, 'lib'));
    await rm(layout.previewPath(photo!.id), { force: true });
    const filler = await disk.fill(150_000);
    const standIn = await engine!.resolveMedia('preview', photo!.id);
    expect(standIn?.path).toBe(layout.thumbPath(photo!.id));
    expect(await leftovers(layout.root)).toEqual([]);
    await rm(filler);
    expect((await engine!.resolveMedia('preview', photo!.id))?.path).toBe(layout.previewPath(photo!.id));
    await engine!.close();
    engine = undefined;
  }, 60_000);

  it('stops a backup whose target disk is full with disk-full, and finishes it by itself once there is room', async () => {
    const built = await buildCareLibrary(path.join(dir.path, 'source'));
    await built.engine.close();
    const library = openLibrary(libraryLayout(built.libraryDir).database);
    const events: BackupTarget[] = [];
    const service = new BackupService({ library, layout: libraryLayout(built.libraryDir), emit: (t) => events.push(t), diskCheckMs: 100 });
    try {
      const target = path.join(disk.dir, 'backup');
      const [added] = await service.add(target, false);
      const filler = await disk.fill(100_000);
      await service.run(added!.id);
      const [full] = await service.list();
      expect(full!.lastError?.code).toBe('disk-full');
      expect(full!.lastError?.message).toContain(target);
      expect(full!.lastError?.message).toMatch(/\d+ kB free, /);
      expect(await leftovers(target)).toEqual([]);

      await rm(filler);
      const done = await waitFor('backup finished after space came back', () => events.find((t) => t.lastVerifiedAt !== null && t.lastError === null && !t.running), 30_000);
      expect(done.files).toBe(7);
    } finally {
      await service.close();
      library.close();
    }
  }, 120_000);

  it('pauses the queue, not the app, when the database itself cannot write, and goes on once it can', async () => {
    const library = openLibrary(path.join(disk.dir, 'queue.db'));
    const ran: number[] = [];
    const handlers = { ...Object.fromEntries(JobKind.options.map((k) => [k, async () => {}])), derive: async (d: { photoId: number }) => void ran.push(d.photoId) } as unknown as JobHandlers;
    const queue = new JobQueue({ repo: library.jobs, handlers, diskCheckMs: 100 });
    const stats: QueueStats[] = [];
    queue.on('stats', (s) => stats.push(s));
    try {
      queue.enqueue('derive', { photoId: 7 });
      // WAL pages already written are reused; what is left is taken by the filler, so the claim's write fails.
      const filler = await disk.fill(0);
      queue.start();
      const paused = await waitFor('derive paused by the database', () => stats.find((s) => s.paused?.['derive'])?.paused?.['derive']);
      expect(paused.message).toContain(`The disk holding ${disk.dir} is full`);
      expect(ran).toEqual([]);
      await rm(filler);
      await waitFor('the job ran once space was back', () => ran.length === 1);
      await queue.onIdle();
      expect(queue.stats().kinds['derive']).toMatchObject({ done: 1, dead: 0 });
    } finally {
      await queue.stop();
      library.close();
    }
  }, 60_000);
});
