// Ingest benchmark (not a test): the engine's throughput and latency next to the raw cost of the
// same work done with bare library calls (SHA-256 + one sharp thumbnail per file) in the same run.
// Run: npm run bench -- ingest   (or: node bench/ingest.ts [--seconds 60])
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { corpusPath, hasCorpus, corpusSkipReason } from '../test-support/corpus.ts';
import { tempDir, waitFor } from '../test-support/temp-dir.ts';
import { createEngine } from '../src-main/engine/engine.ts';
import { percentile, printTable, trackEventLoop, trackPeakRss } from './bench-utils.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '60' }, drops: { type: 'string', default: '12' }, only: { type: 'string' } },
});
if (!hasCorpus) {
  console.log(`ingest benchmark skipped: ${corpusSkipReason}`);
  process.exit(0);
}
const CONCURRENCY = 2;
const SOURCE_DIRS = ['jpeg/camera', 'content/people', 'content/near-dup', 'content/quality', 'other/webp', 'other/png'];

async function corpusImages(): Promise<string[]> {
  const files: string[] = [];
  for (const dir of SOURCE_DIRS) {
    for (const name of await readdir(corpusPath(dir))) if (/\.(jpe?g|png|webp)$/i.test(name)) files.push(corpusPath(`${dir}/${name}`));
  }
  return files;
}

/**
 * Makes each copy new content (not a duplicate) the way a camera would: a JPEG comment segment
 * right after SOI, so the file still ends in its EOI marker; other formats get trailing bytes.
 */
function unique(bytes: Buffer, tag: string): Buffer {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return Buffer.concat([bytes, Buffer.from(tag)]);
  const text = Buffer.from(tag);
  const header = Buffer.from([0xff, 0xfe, (text.length + 2) >> 8, (text.length + 2) & 0xff]);
  return Buffer.concat([bytes.subarray(0, 2), header, text, bytes.subarray(2)]);
}

async function makeCopies(files: string[], copies: number, dir: string): Promise<string[]> {
  const out: string[] = [];
  for (let copy = 0; copy < copies; copy += 1) {
    const sub = path.join(dir, `copy${copy}`);
    await mkdir(sub, { recursive: true });
    for (const file of files) {
      const target = path.join(sub, path.basename(file));
      if (copy === 0) await copyFile(file, target);
      else await writeFile(target, unique(await readFile(file), `lightbox-bench-${copy}`));
      out.push(target);
    }
  }
  return out;
}

async function rawCost(files: string[]): Promise<{ seconds: number; cpu: number }> {
  const queue = [...files];
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let file = queue.shift(); file; file = queue.shift()) {
        const hash = createHash('sha256');
        for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
        hash.digest();
        await sharp(file, { failOn: 'none' }).rotate().resize(256, 256, { fit: 'inside' }).jpeg().toBuffer().catch(() => null);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, cpu: cpuSeconds(cpu) };
}

/** CPU time of this process (all threads, user + system) since `since`. */
function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

async function totalBytes(files: string[]): Promise<number> {
  let sum = 0;
  for (const file of files) sum += (await stat(file)).size;
  return sum;
}

const ROUNDS = 2;

/** One engine pass over `inbox` into a fresh library, with its RSS and event-loop figures. */
async function engineCost(inbox: string, library: string) {
  // Analysis is its own pipeline with its own benchmark (bench/analysis): this one measures ingest.
  const engine = await createEngine({ libraryDir: library, watchFolders: false, tuning: { concurrency: { ingest: CONCURRENCY, derive: CONCURRENCY }, analysis: { enabled: false } } });
  const rss = trackPeakRss();
  const loop = trackEventLoop();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const summary = await engine.processOnce([inbox]);
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = cpuSeconds(cpu);
  const loopStats = loop.stop();
  const peak = rss.stop();
  await engine.close();
  return { seconds, cpu: cpuUsed, peak, loopStats, summary };
}

/**
 * Raw and engine alternate for ROUNDS rounds (the files split so the whole takes about --seconds):
 * on a 2-core machine one pass of either moves by 10 % from run to run (page cache, writeback of
 * the previous pass), and alternating gives both the same conditions. The best round of each counts.
 */
async function throughput() {
  const work = await tempDir('lightbox-bench-');
  const files = await corpusImages();
  // One pass of raw work tells how many copies fill the requested time.
  const oneRaw = await rawCost(files);
  const copies = Math.max(1, Math.round(Number(values.seconds) / 2 / ROUNDS / oneRaw.seconds));
  const inbox = path.join(work.path, 'inbox');
  const all = await makeCopies(files, copies, inbox);
  const bytes = await totalBytes(all);
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    const raw = await rawCost(all);
    const engine = await engineCost(inbox, path.join(work.path, `library-${round}`));
    rounds.push({ raw, engine });
  }
  await work.cleanup();
  return { files: all.length, bytes, rounds };
}

async function dropLatency() {
  const work = await tempDir('lightbox-bench-drop-');
  const inbox = path.join(work.path, 'inbox');
  await mkdir(inbox);
  // A 24 MP JPEG (6000x4000) made from a real photo: the corpus has no 24 MP camera file.
  const big = await sharp(corpusPath('jpeg/camera/Kodak_PIXPRO_S-1.jpg')).resize(6000, 4000, { fit: 'fill' }).jpeg({ quality: 92 }).toBuffer();
  const engine = await createEngine({ libraryDir: path.join(work.path, 'library'), watch: [inbox] });
  await engine.start();
  const latencies: number[] = [];
  for (let i = 0; i < Number(values.drops); i += 1) {
    const name = `drop-${i}.jpg`;
    const seen = new Promise<number>((resolve) => {
      const off = engine.api.on('photo.changed', (photo) => {
        // mediaRev turns 1 when the thumbnail is written.
        if (photo.fileName === name && photo.mediaRev > 0) {
          off();
          resolve(performance.now());
        }
      });
    });
    await writeFile(path.join(inbox, name), unique(big, `drop-${i}`));
    const writtenAt = performance.now();
    latencies.push((await seen) - writtenAt);
    await engine.whenIdle();
  }
  await waitFor('idle', async () => (await engine.whenIdle(), true));
  await engine.close();
  await work.cleanup();
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), n: latencies.length, megabytes: big.length / 1e6 };
}

if (values.only !== 'drop') {
  const t = await throughput();
  const rawBest = Math.min(...t.rounds.map((r) => r.raw.seconds));
  const engineBest = Math.min(...t.rounds.map((r) => r.engine.seconds));
  printTable(`Ingest throughput: ${t.files} files, ${(t.bytes / 1e6).toFixed(0)} MB, concurrency ${CONCURRENCY}, ${ROUNDS} alternating rounds`, [
    ...t.rounds.flatMap((r, i) => [
      { pipeline: `round ${i + 1} raw: SHA-256 + sharp 256px thumbnail`, seconds: r.raw.seconds, 'CPU s': r.raw.cpu, 'files/s': t.files / r.raw.seconds, 'MB/s': t.bytes / 1e6 / r.raw.seconds, 'ratio of raw': 1 },
      { pipeline: `round ${i + 1} lightbox process (hash, store, re-hash, metadata, thumbnail, SQLite)`, seconds: r.engine.seconds, 'CPU s': r.engine.cpu, 'files/s': t.files / r.engine.seconds, 'MB/s': t.bytes / 1e6 / r.engine.seconds, 'ratio of raw': r.raw.seconds / r.engine.seconds },
    ]),
    { pipeline: 'best round of each', seconds: engineBest, 'CPU s': '', 'files/s': t.files / engineBest, 'MB/s': t.bytes / 1e6 / engineBest, 'ratio of raw': rawBest / engineBest },
  ]);
  const last = t.rounds.at(-1)!.engine;
  printTable('Engine process during ingest (last round)', [
    { metric: 'peak RSS (MB)', value: Math.max(...t.rounds.map((r) => r.engine.peak)), target: '<= 600' },
    { metric: 'event-loop delay p50 (ms)', value: last.loopStats.p50, target: '' },
    { metric: 'event-loop delay p99 (ms)', value: Math.max(...t.rounds.map((r) => r.engine.loopStats.p99)), target: '<= 50' },
    { metric: 'event-loop delay max (ms)', value: Math.max(...t.rounds.map((r) => r.engine.loopStats.max)), target: '' },
    { metric: 'ingested / duplicates / failed', value: `${last.summary.ingested} / ${last.summary.duplicates} / ${last.summary.failed.length}`, target: '' },
  ]);
}
const d = await dropLatency();
printTable(`Drop -> thumbnail latency, 24 MP JPEG (${d.megabytes.toFixed(1)} MB), ${d.n} drops, watch mode`, [
  { percentile: 'p50 (ms)', value: d.p50, target: '' },
  { percentile: 'p95 (ms)', value: d.p95, target: '<= 1500' },
]);
