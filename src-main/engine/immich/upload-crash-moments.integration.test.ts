import { spawn } from 'node:child_process';
import { copyFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus, projectRoot } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import type { CrashSpec } from './test-crash-at-event.ts';
import { expectEveryPhotoDone, expectServerConsistent } from './test-stack-checks.ts';
import { onDouble, startTestServer } from './test-server.ts';

/**
 * A SIGKILL at EVERY moment of one photo's way (ingest, derive, analysis, the AI proposals, the
 * render the upload asks for, each upload step), one moment per fresh library: the process kills
 * itself when the engine announces the moment (test-crash-at-event.ts), so it dies between the
 * write that was announced and whatever was to follow it. Then `lightbox process` runs again and
 * must finish the photo. The same for every moment after the photographer approves the AI
 * proposals of an uploaded photo (its new render replaces the uploaded one). The chaos test
 * (upload-chaos) lands kills near these moments by timing; this one lands exactly on each. A kill
 * right after a render ended once left the upload waiting for that render for good (or, after an
 * approval, the old render in Immich for good), and one right after the thumbnail was made left the
 * photo never analysed.
 */
const node = path.join(projectRoot, 'node_modules', '.bin', 'node');
const cli = path.join(projectRoot, 'src-main', 'cli.ts');
const harness = path.join(projectRoot, 'src-main', 'engine', 'immich', 'test-crash-at-event.ts');
/** Two moments at a time: each run spends most of its time starting and loading models. */
const PARALLEL = 2;

type Run = { signal: string | null; code: number | null; stdout: string; stderr: string };

function run(args: string[], apiKey: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(node, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, IMMICH_API_KEY: apiKey } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** `upload:queued` twice -> `upload:queued#1`, `upload:queued#2`; only those after the `approve` line with `afterApproval`. */
function numbered(events: string[], afterApproval: boolean): Array<{ at: string; nth: number }> {
  const seen = new Map<string, number>();
  const marker = events.includes('approve') ? events.indexOf('approve') : events.length;
  return events.flatMap((at, i) => {
    if (at === 'approve') return [];
    const nth = (seen.get(at) ?? 0) + 1;
    seen.set(at, nth);
    return afterApproval === i > marker ? [{ at, nth }] : [];
  });
}

/** Each moment in a scenario of its own, PARALLEL at a time; the first failure stops the rest. */
async function everyMoment(source: string, moments: Array<{ at: string; nth: number }>, approve: boolean): Promise<void> {
  const queue = [...moments];
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      for (let moment = queue.shift(); moment; moment = queue.shift()) {
        await scenario(source, moment, approve).catch((error: unknown) => {
          queue.length = 0;
          throw error;
        });
      }
    }),
  );
}

async function smallestCameraJpeg(): Promise<string> {
  const dir = corpusPath('jpeg/camera');
  const names = (await readdir(dir)).filter((f) => f.endsWith('.jpg'));
  const sized = await Promise.all(names.map(async (name) => ({ name, size: (await stat(path.join(dir, name))).size })));
  return path.join(dir, sized.sort((a, b) => a.size - b.size)[0]!.name);
}

/**
 * One photo, one library, one double: the harness runs (killed at `moment`, or to the end; with
 * `approve`, the photographer then approves the AI proposals), then the CLI finishes.
 */
async function scenario(source: string, moment: { at: string; nth: number } | null, approve = false) {
  const server = await startTestServer();
  const double = server.double!;
  const inbox = await tempDir('lightbox-moment-in-');
  const library = await tempDir('lightbox-moment-lib-');
  try {
    await copyFile(source, path.join(inbox.path, path.basename(source)));
    const spec: CrashSpec = { dir: inbox.path, libraryDir: library.path, serverUrl: server.url, at: moment?.at ?? null, nth: moment?.nth ?? 1, approve };
    const first = await run([harness, JSON.stringify(spec)], server.apiKey);
    const events = first.stderr.split('\n').filter((l) => /^(stage|upload):|^approve$/.test(l));
    if (!moment) return { events, first };
    const label = `${moment.at}#${moment.nth}`;
    expect(first.signal, `${label}: the run died there`).toBe('SIGKILL');
    expect(events.at(-1), label).toBe(moment.at);
    await expectServerConsistent(double, library.path);
    const again = await run([cli, 'process', inbox.path, '--library', library.path, '--json', '--immich-url', server.url, '--album', 'Crash', '--upload', 'both', '--cover', 'original'], server.apiKey);
    expect(again.code, `${label}: ${again.stderr}`).toBe(0);
    const summary = JSON.parse(again.stdout) as { failed: unknown[]; immich: unknown };
    expect(summary.failed, label).toEqual([]);
    expect(summary.immich, label).toMatchObject({ stacked: 1, failed: [], waiting: 0, notices: [] });
    const replaced = await expectEveryPhotoDone(double, library.path, { photos: 1, album: 'Crash', cover: 'original' });
    // After an approval the first upload's render was replaced by the approved one's, unless the kill came before it was sent.
    if (approve) expect(replaced, label).toBeLessThanOrEqual(1);
    return { events, first };
  } finally {
    await server.close();
    await inbox.cleanup();
    await library.cleanup();
  }
}

describe.skipIf(!hasCorpus || !onDouble)('a SIGKILL at any moment of a photo’s way', () => {
  let source: string;
  beforeAll(async () => {
    source = await smallestCameraJpeg();
  });

  it('after a kill at each announced moment, the next `lightbox process` uploads and stacks the photo', async () => {
    // The moments: everything an uninterrupted run announces, in order.
    const { events, first } = await scenario(source, null);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ immich: { stacked: 1, waiting: 0 } });
    // Every hand-on between stages is among them (else this test would not reach them).
    for (const at of ['stage:ingested', 'stage:needs-review', 'upload:waiting-render', 'stage:rendered', 'upload:uploading stack', 'upload:uploaded']) expect(events).toContain(at);
    const moments = numbered(events, false);
    // Ingest, thumbnail, each analysis step, the proposals, the render, each upload step.
    expect(moments.length).toBeGreaterThanOrEqual(18);
    const started = Date.now();
    await everyMoment(source, moments, false);
    console.log(`[crash moments] ${moments.length} moments, each killed and finished in ${Math.round((Date.now() - started) / 1000)} s: ${moments.map((m) => `${m.at}#${m.nth}`).join(', ')}`);
  }, 600_000);

  it('after a kill at each moment that follows an approval, the next run replaces the uploaded render with the approved one', async () => {
    const { events, first } = await scenario(source, null, true);
    expect(first.code).toBe(0);
    const moments = numbered(events, true);
    expect(moments.length).toBeGreaterThanOrEqual(10);
    // Approved, its render ends (announced as the photo's stage, still "uploaded"), then the upload replaces the processed file.
    expect(moments.slice(0, 3).map((m) => m.at)).toEqual(['stage:approved', 'stage:uploaded', 'upload:queued']);
    expect(moments.map((m) => m.at)).toContain('upload:uploading processed');
    const started = Date.now();
    await everyMoment(source, moments, true);
    console.log(`[crash moments] ${moments.length} moments after the approval, each killed and finished in ${Math.round((Date.now() - started) / 1000)} s: ${moments.map((m) => `${m.at}#${m.nth}`).join(', ')}`);
  }, 600_000);
});
