import { spawn } from 'node:child_process';
import { appendFile, copyFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus, projectRoot } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { expectEveryPhotoDone, expectServerConsistent } from './test-stack-checks.ts';
import { onDouble, startTestServer, type DoubleLike, type TestServer } from './test-server.ts';

/**
 * Crash safety of `lightbox process --immich-url … --upload both` against the Immich double, which
 * answers duplicates and merges stacks as Immich 3.1 does. The originals come in pairs that differ
 * only in bytes after the JPEG end (same pixels): the case where a render without provenance made
 * Immich answer "duplicate" with the other photo's asset and merge the two photos' stacks. Files
 * keep arriving (one more before each run, as in a hot folder), so every run has a photo going
 * through every phase; each run is SIGKILLed at a moment tied to a phase (ingest, analysis, render,
 * each upload step), with a fault injected on the double. After every run no file is on the server
 * twice and no stack holds two photos' files. At the end: every photo is exactly one stack of its own original and its own
 * render, with the cover as configured, the `lightbox` link on both, all in the album.
 */
const KILLS = 24;
// 16 pairs for 24 kills: a run that finishes before its kill uses up an arrival, and once no file is
// left to arrive a run with nothing to do ends the loop; the spare pairs keep that from ending it early.
const DISTINCT = 16;
const node = path.join(projectRoot, 'node_modules', '.bin', 'node');
const cli = path.join(projectRoot, 'src-main', 'cli.ts');

/** Where a kill is aimed: after the k-th progress line of that phase, plus a few milliseconds. */
const PHASES: Array<[string, RegExp]> = [
  ['ingest', /: ingested$/],
  ['analysis', /: analysing$/],
  ['render', /: (processing|upload waiting-render)$/],
  ['upload', /: upload uploading$/],
  ['original', /: upload uploading original$/],
  ['processed', /: upload uploading processed$/],
  ['stack', /: upload uploading stack$/],
  ['album+metadata', /: upload uploading (album|metadata)$/],
];

type Kill = { phase: number; k: number; fallbackAfter: number; delayMs: number };
/** `last`: the last progress line the run printed (where a kill landed). */
type RunResult = { code: number | null; signal: string | null; stdout: string; aimed: boolean; last: string };

function runProcess(args: string[], apiKey: string, kill: Kill | null): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(node, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, IMMICH_API_KEY: apiKey } });
    let stdout = '';
    let lines = 0;
    let last = '';
    let matched = 0;
    let timer: NodeJS.Timeout | null = null;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n').filter(Boolean)) {
        lines += 1;
        last = line;
        if (!kill || timer) continue;
        if (PHASES[kill.phase]![1].test(line)) matched += 1;
        // A phase already finished in earlier runs never shows: then any line will do.
        const due = matched >= kill.k || (matched === 0 && lines >= kill.fallbackAfter);
        if (due) timer = setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
      }
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, aimed: kill !== null && matched >= kill.k, last });
    });
  });
}

/** One fault per run, so retries, dropped bodies and refused stacks all meet the kills. */
async function injectFault(double: DoubleLike, run: number): Promise<string> {
  await double.faults.reset();
  switch (run % 5) {
    case 0:
      double.faults.failNext(2, 503, { path: '/assets', method: 'POST' });
      return '503 x2 on upload';
    case 1:
      double.faults.rateLimitNext(2, 0);
      return '429 x2';
    case 2:
      double.faults.dropConnectionMidUpload(1);
      return 'connection dropped mid-upload';
    case 3:
      double.faults.failNext(1, 500, { path: /^\/stacks/ });
      return '500 on stack';
    default:
      double.faults.delayMs(30);
      return 'slow server';
  }
}

describe.skipIf(!hasCorpus || !onDouble)('upload crash safety', () => {
  let server: TestServer;
  let double: DoubleLike;
  let inbox: Awaited<ReturnType<typeof tempDir>>;
  let library: Awaited<ReturnType<typeof tempDir>>;

  /** The smallest camera JPEGs, each followed by its twin with other trailing bytes. */
  let arrivals: Array<{ from: string; name: string; trailer: boolean }> = [];
  const arrive = async (count: number) => {
    for (const file of arrivals.splice(0, count)) {
      const target = path.join(inbox.path, file.name);
      await copyFile(file.from, target);
      if (file.trailer) await appendFile(target, Buffer.from('\0same pixels, other bytes'));
    }
  };

  beforeAll(async () => {
    server = await startTestServer();
    double = server.double!;
    inbox = await tempDir('lightbox-chaos-in-');
    library = await tempDir('lightbox-chaos-lib-');
    const dir = corpusPath('jpeg/camera');
    const names = (await readdir(dir)).filter((f) => f.endsWith('.jpg'));
    const sized = await Promise.all(names.map(async (name) => ({ name, size: (await stat(path.join(dir, name))).size })));
    arrivals = sized
      .sort((a, b) => a.size - b.size)
      .slice(0, DISTINCT)
      .flatMap(({ name }) => [
        { from: path.join(dir, name), name, trailer: false },
        { from: path.join(dir, name), name: `${path.basename(name, '.jpg')}-again.jpg`, trailer: true },
      ]);
    await arrive(2);
  });
  afterAll(async () => {
    await server.close();
    await inbox.cleanup();
    await library.cleanup();
  });

  it(`survives ${KILLS} SIGKILLs in every phase with faults injected; then every photo is one stack of its own two files`, async () => {
    const started = Date.now();
    // --verbose: a line per stage and upload step, the moments the kills are aimed at.
    const args = ['process', inbox.path, '--library', library.path, '--json', '--verbose', '--immich-url', server.url, '--album', 'Chaos', '--upload', 'both', '--cover', 'original'];
    const photos = DISTINCT * 2;
    let killed = 0;
    let runs = 0;
    const faults = new Set<string>();
    const hits: Record<string, number> = {};
    // Where each kill landed (the run's last progress line): what to look at when the end is wrong.
    const landed: string[] = [];
    while (killed < KILLS && runs < KILLS * 3) {
      faults.add(await injectFault(double, runs));
      await arrive(1);
      // Aimed at the first or second line of its phase (ingest: the first, as one file arrives per
      // run); a phase with nothing left to do lets the kill land on a later line of any kind instead.
      const phase = runs % PHASES.length;
      const kill: Kill = { phase, k: phase === 0 ? 1 : 1 + Math.floor(Math.random() * 2), fallbackAfter: 40 + Math.floor(Math.random() * 80), delayMs: Math.floor(Math.random() * 80) };
      runs += 1;
      const result = await runProcess(args, server.apiKey, kill);
      await expectServerConsistent(double, library.path);
      if (result.signal !== 'SIGKILL') {
        // Finished before its kill: only fine while files are still to come.
        if (arrivals.length === 0) break;
        continue;
      }
      killed += 1;
      const aimedAt = result.aimed ? PHASES[kill.phase]![0] : 'any line (phase already done)';
      hits[aimedAt] = (hits[aimedAt] ?? 0) + 1;
      landed.push(`run ${runs} (${aimedAt}, +${kill.delayMs} ms): after "${result.last}"`);
    }
    console.log(`[upload chaos] ${killed} SIGKILLs in ${runs} runs, aimed at: ${JSON.stringify(hits)}; faults: ${[...faults].join(', ')}; ${double.state.assets.length} assets so far`);
    expect(killed).toBeGreaterThanOrEqual(KILLS);

    await double.faults.reset();
    await arrive(arrivals.length);
    const final = await runProcess(args, server.apiKey, null);
    console.log(`[upload chaos] final summary ${final.stdout.trim()}; ${Math.round((Date.now() - started) / 1000)} s in all`);
    try {
      expect(final.code).toBe(0);
      const summary = JSON.parse(final.stdout) as { files: number; failed: unknown[]; immich: { stacked: number; failed: unknown[]; waiting: number; notices: unknown[] } };
      expect(summary.files).toBe(photos);
      // Ingest's own crash safety is cli/process-crash.integration.test.ts; a failure here would hide a photo from the upload counts.
      expect(summary.failed).toEqual([]);
      // Per photo first: it names the photo that was left behind.
      const replaced = await expectEveryPhotoDone(double, library.path, { photos, album: 'Chaos', cover: 'original' });
      expect(summary.immich).toMatchObject({ stacked: photos, failed: [], waiting: 0, notices: [] });
      console.log(`[upload chaos] ${replaced} replaced renders in the trash`);
    } catch (error) {
      console.log(`[upload chaos] where the kills landed:\n${landed.join('\n')}`);
      throw error;
    }
  }, 900_000);
});
