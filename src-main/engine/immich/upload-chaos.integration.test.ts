import { spawn } from 'node:child_process';
import { copyFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus, projectRoot } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { openLibrary } from '../library/index.ts';
import { libraryLayout } from '../library/library-layout.ts';
import { UploadsRepo } from '../library/uploads-repo.ts';
import { onDouble, startTestServer, type DoubleLike, type TestServer } from './test-server.ts';

/**
 * Crash safety of uploads: `lightbox process --immich-url` (through the harness that adds test
 * renders, so every photo makes a stack) is SIGKILLed at moments tied to its progress lines, with
 * faults injected on the double, again and again. After every run: no asset twice on the server, no
 * original created twice. At the end: every photo exactly one stack of two, all in the album.
 */
const RUNS = 20;
const PHOTOS = 26;
const node = path.join(projectRoot, 'node_modules', '.bin', 'node');
const harness = path.join(projectRoot, 'src-main', 'cli', 'process-test-harness.ts');

const STEP_LINE = /: upload (uploading (original|processed|stack|album|metadata)|uploaded)$/;

type RunResult = { code: number | null; signal: string | null; stdout: string; lines: number };

function runProcess(args: string[], apiKey: string, kill: { afterLines: number; delayMs: number } | null): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(node, [harness, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, IMMICH_API_KEY: apiKey } });
    let stdout = '';
    let lines = 0;
    let timer: NodeJS.Timeout | null = null;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => {
      // Only recorded upload steps count: the kill must land between or inside them, not in ingest.
      lines += d.toString().split('\n').filter((line) => STEP_LINE.test(line)).length;
      if (kill && !timer && lines >= kill.afterLines) timer = setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, lines });
    });
  });
}

/** One random fault per run, so retries, dropped bodies and outages all meet the kills. */
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

function checkServer(double: DoubleLike): void {
  const assets = double.state.assets;
  // No asset twice, and no file ever created twice (a re-send after a crash must come back "duplicate").
  expect(new Set(assets.map((a) => a.checksumHex)).size).toBe(assets.length);
  const created = double.state.uploads.filter((u) => u.result === 'created').map((u) => u.receivedSha1);
  expect(new Set(created).size).toBe(created.length);
  // No asset in two stacks.
  const stacked = double.state.stacks.flatMap((s) => s.assetIds);
  expect(new Set(stacked).size).toBe(stacked.length);
}

describe.skipIf(!hasCorpus || !onDouble)('upload crash safety', () => {
  let server: TestServer;
  let double: DoubleLike;
  let inbox: Awaited<ReturnType<typeof tempDir>>;
  let library: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    server = await startTestServer();
    double = server.double!;
    inbox = await tempDir('lightbox-chaos-in-');
    library = await tempDir('lightbox-chaos-lib-');
    const dir = corpusPath('jpeg/camera');
    const names = (await readdir(dir)).filter((f) => f.endsWith('.jpg'));
    const sized = await Promise.all(names.map(async (name) => ({ name, size: (await stat(path.join(dir, name))).size })));
    for (const { name } of sized.sort((a, b) => a.size - b.size).slice(0, PHOTOS)) await copyFile(path.join(dir, name), path.join(inbox.path, name));
  });
  afterAll(async () => {
    await server.close();
    await inbox.cleanup();
    await library.cleanup();
  });

  it(`survives ${RUNS} SIGKILLs mid-upload with faults injected, then every photo is exactly one stack`, async () => {
    const args = ['process', inbox.path, '--library', library.path, '--json', '--immich-url', server.url, '--album', 'Chaos'];
    let killed = 0;
    let runs = 0;
    const faults: string[] = [];
    while (killed < RUNS && runs < RUNS * 3) {
      faults.push(await injectFault(double, runs));
      runs += 1;
      const result = await runProcess(args, server.apiKey, { afterLines: 1 + Math.floor(Math.random() * 3), delayMs: Math.floor(Math.random() * 60) });
      checkServer(double);
      if (result.signal === 'SIGKILL') killed += 1;
      else break;
    }
    console.log(`[upload chaos] ${killed} SIGKILLs landed in ${runs} runs; faults: ${[...new Set(faults)].join(', ')}; ${double.state.assets.length} assets so far`);
    expect(killed).toBeGreaterThanOrEqual(RUNS);

    await double.faults.reset();
    const final = await runProcess(args, server.apiKey, null);
    expect(final.code).toBe(0);
    console.log(`[upload chaos] final summary ${final.stdout.trim()}`);
    const summary = JSON.parse(final.stdout) as { files: number; failed: unknown[]; immich: { uploaded: number; duplicates: number; stacked: number; failed: unknown[]; waiting: number } };
    expect(summary.files).toBe(PHOTOS);
    // Ingest's own crash safety is cli/process-crash.integration.test.ts; a failure here would hide a photo from the upload counts.
    expect(summary.failed).toEqual([]);
    expect(summary.immich.waiting).toBe(0);
    expect(summary.immich.failed).toEqual([]);
    expect(summary.immich.stacked).toBe(PHOTOS);
    checkServer(double);

    const lib = openLibrary(libraryLayout(library.path).database);
    try {
      const uploads = new UploadsRepo(lib.db);
      const photos = lib.photos.list({ limit: 100 }).photos;
      expect(photos).toHaveLength(PHOTOS);
      const stacks = double.state.stacks;
      expect(stacks).toHaveLength(PHOTOS);
      for (const photo of photos) {
        const { pair } = uploads.get(photo.id)!;
        const stack = stacks.find((s) => s.id === pair.stackId)!;
        expect(stack.primaryAssetId).toBe(pair.processedAssetId);
        expect(stack.assetIds.sort()).toEqual([pair.originalAssetId, pair.processedAssetId].sort());
        expect(double.state.assets.find((a) => a.id === pair.originalAssetId)?.checksumHex).toBe(photo.sha1);
      }
      expect(double.state.assets).toHaveLength(PHOTOS * 2);
      expect(double.state.albums.filter((a) => a.albumName === 'Chaos').map((a) => a.assetIds.length)).toEqual([PHOTOS * 2]);
      expect(lib.jobs.stats().kinds['upload']).toMatchObject({ queued: 0, running: 0, failed: 0, dead: 0 });
    } finally {
      lib.close();
    }
  }, 600_000);
});
