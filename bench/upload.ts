// Upload benchmark (not a test): Lightbox's uploader (uploadPair: duplicate check, streamed upload,
// `lightbox` metadata) against the Immich double, next to a plain loop of @immich/sdk uploadAsset
// calls on the same files with the same number in flight, in the same run. Then RSS while ~1 GB is
// uploaded through the streaming path. The double runs in a child process storing to disk, so the
// RSS measured here is the uploader's alone.
// Run: npm run bench -- upload   (or: node bench/upload.ts [--photos 60] [--file-mb 4] [--total-mb 1024] [--rounds 3])
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { uploadAsset } from '@immich/sdk';
import { corpusPath, corpusSkipReason, hasCorpus } from '../test-support/corpus.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { AdaptiveConcurrency, AlbumCache, createImmichClient, uploadPair, type PairFile } from '../src-main/engine/immich/index.ts';
import { printTable, trackPeakRss } from './bench-utils.ts';
import { startDouble } from './double-process.ts';

const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '60' },
    'file-mb': { type: 'string', default: '4' },
    'total-mb': { type: 'string', default: '1024' },
    rounds: { type: 'string', default: '3' },
  },
});
if (!hasCorpus) {
  console.log(`upload benchmark skipped: ${corpusSkipReason}`);
  process.exit(0);
}
const PHOTOS = Number(values.photos);
const FILE_MB = Number(values['file-mb']);
const TOTAL_MB = Number(values['total-mb']);
const ROUNDS = Number(values.rounds);
const KEY = 'bench-key';
const DATES = { fileCreatedAt: '2024-05-01T10:00:00.000Z', fileModifiedAt: '2024-05-01T10:00:00.000Z' };

/** Real JPEG bytes padded with random bytes to the wanted size: every file is new to the server. */
async function makeFiles(dir: string, count: number, sizeMb: number): Promise<PairFile[]> {
  const base = await readFile(corpusPath('jpeg/camera/Canon_EOS_7D.jpg'));
  const files: PairFile[] = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(dir, `bench_${String(i).padStart(4, '0')}.jpg`);
    const bytes = Buffer.concat([base, randomBytes(Math.max(0, sizeMb * 1024 * 1024 - base.length))]);
    await writeFile(file, bytes);
    files.push({ path: file, fileName: path.basename(file), sha1: createHash('sha1').update(bytes).digest('hex'), createdAt: DATES.fileCreatedAt, modifiedAt: DATES.fileModifiedAt });
  }
  return files;
}

async function pool<T>(items: T[], inFlight: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

type Arm = { name: string; inFlight: number; run(url: string, files: PairFile[]): Promise<void> };

const plainLoop = (inFlight: number): Arm => ({
  name: 'plain SDK loop',
  inFlight,
  run: (url, files) =>
    pool(files, inFlight, async (f) => {
      const assetData = new File([await readFile(f.path)], f.fileName, { type: 'image/jpeg' });
      await uploadAsset({ assetMediaCreateDto: { assetData, ...DATES } }, { baseUrl: url, headers: { 'x-api-key': KEY } });
    }),
});

const lightbox = (inFlight: number, adaptive = false): Arm => ({
  name: adaptive ? 'Lightbox uploadPair (adaptive 4..8)' : 'Lightbox uploadPair',
  inFlight,
  async run(url, files) {
    const client = createImmichClient({ baseUrl: url, apiKey: KEY });
    const limit = new AdaptiveConcurrency(adaptive ? { initial: 4, max: 8 } : { initial: inFlight, max: inFlight, min: inFlight });
    const albums = new AlbumCache();
    await Promise.all(
      files.map((f) =>
        limit.run(() =>
          uploadPair(client, { original: f, processed: null, what: 'original', recipeId: 'bench', recipeHash: '', appVersion: 'bench' }, {}, () => {}, { albums }),
        ),
      ),
    );
  },
});

async function measure(arm: Arm, files: PairFile[], storage: string) {
  const double = await startDouble(storage, KEY);
  try {
    const rss = trackPeakRss();
    const before = process.memoryUsage.rss() / 1024 / 1024;
    const started = performance.now();
    await arm.run(double.url, files);
    const seconds = (performance.now() - started) / 1000;
    const mb = (files.length * FILE_MB);
    return { seconds, photosPerS: files.length / seconds, mbPerS: mb / seconds, rssGrowthMb: rss.stop() - before };
  } finally {
    await double.stop();
  }
}

const work = await tempDir('lightbox-bench-upload-');
try {
  const filesDir = path.join(work.path, 'files');
  await mkdir(filesDir);
  const storage = path.join(work.path, 'double');
  const files = await makeFiles(filesDir, PHOTOS, FILE_MB);
  // Warm-up: first connections, JIT, the double's start.
  await measure(plainLoop(4), files.slice(0, 4), storage);

  // RSS while ~1 GB goes through the streaming path, first, so no earlier arm's buffers are in
  // the baseline (only a warm-up of this same path ran before).
  const bigDir = path.join(work.path, 'big');
  await mkdir(bigDir);
  const bigFiles = await makeFiles(bigDir, Math.ceil(TOTAL_MB / 8), 8);
  await measure(lightbox(8), bigFiles.slice(0, 8), storage);
  const bigRun = await measure(lightbox(8), bigFiles, storage);
  printTable('RSS while uploading', [
    { arm: 'Lightbox uploadPair, 8 in flight', files: bigFiles.length, 'total MB': bigFiles.length * 8, 'MB/s': (bigFiles.length * 8) / bigRun.seconds, 'RSS growth MB': bigRun.rssGrowthMb },
  ]);
  await rm(bigDir, { recursive: true, force: true });

  // Each arm runs ROUNDS times, interleaved with the others, and the median is reported: on a
  // shared 2-core machine one 2-second run is mostly noise.
  const arms = [plainLoop(4), lightbox(4), plainLoop(8), lightbox(8), lightbox(8, true)];
  const results = new Map<Arm, Array<Awaited<ReturnType<typeof measure>>>>(arms.map((arm) => [arm, []]));
  for (let round = 0; round < ROUNDS; round++) for (const arm of arms) results.get(arm)!.push(await measure(arm, files, storage));
  const median = (arm: Arm) => {
    const runs = [...results.get(arm)!].sort((a, b) => a.photosPerS - b.photosPerS);
    return runs[Math.floor(runs.length / 2)]!;
  };
  const rows = arms.map((arm, i) => {
    const r = median(arm);
    const adaptive = i === 4;
    const plain = adaptive ? undefined : median(arms[i - (i % 2)]!);
    return {
      arm: arm.name,
      'in flight': adaptive ? '4..8' : arm.inFlight,
      photos: files.length,
      'photos/s': r.photosPerS,
      'MB/s': r.mbPerS,
      'x plain': plain ? r.photosPerS / plain.photosPerS : '-',
      'photos/s per round': results.get(arm)!.map((x) => x.photosPerS.toFixed(1)).join(' '),
      'RSS growth MB': Math.max(...results.get(arm)!.map((x) => x.rssGrowthMb)),
    };
  });
  printTable(`Upload throughput: ${PHOTOS} files of ${FILE_MB} MB, Immich double in a child process on loopback, median of ${ROUNDS}`, rows);
} finally {
  await work.cleanup();
}
