// Grid queries benchmark (not a test): the cost of photos.list and photos.counts, which derive every
// photo's stage in SQL, on a library of 10,000 photos in every stage a real library has: jobs done,
// AI crops waiting for review, approved and rendering, rendered, uploaded, failed, and dropped twice.
// Run: npm run bench -- photo-list   (or: node bench/photo-list.ts [--photos 10000] [--runs 30])
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openLibrary, type Library } from '../src-main/engine/library/index.ts';
import { UploadsRepo } from '../src-main/engine/library/uploads-repo.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { percentile, printTable } from './bench-utils.ts';

const { values } = parseArgs({ options: { photos: { type: 'string', default: '10000' }, runs: { type: 'string', default: '30' } } });
const PHOTOS = Number(values.photos);
const RUNS = Number(values.runs);

const crop = (needsReview: boolean) => ({ op: 'crop', v: 1, enabled: true, params: { x: 0.1, y: 0.1, w: 0.8, h: 0.8, angle: 0 }, source: 'ai:crop-proposals@1', confidence: 0.8, needsReview });
const exposure = { op: 'exposure', v: 2, enabled: true, params: { ev: 0.3 }, source: 'user' };

/** Photo n's place in the mix: a tenth each of the stages, so each CASE branch is taken. */
function seed(lib: Library, count: number): void {
  const folder = lib.folders.add('/bench/hot');
  const uploads = new UploadsRepo(lib.db);
  const now = Date.now();
  const job = (kind: string, id: number, state: 'done' | 'queued' | 'dead') => {
    const { id: jobId } = lib.jobs.enqueue({ kind, subject: String(id), data: { photoId: id }, priority: 0, dedupeKey: null }, now);
    if (state === 'done') lib.jobs.markDone(jobId, now);
    if (state === 'dead') lib.jobs.markDead(jobId, 'bench', now);
  };
  const render = (id: number, revision: number) =>
    lib.renders.record({ photoId: id, revision, target: 'main', path: `processed/${id}.jpg`, bytes: 1, sha256: '0'.repeat(64), width: 1, height: 1, createdAt: new Date(now).toISOString() });
  lib.db.transaction(() => {
    for (let n = 0; n < count; n += 1) {
      const sha256 = n.toString(16).padStart(64, '0');
      const id = lib.photos.insert({
        folderId: folder.id, sha256, sha1: null, fileName: `IMG_${String(n).padStart(5, '0')}.jpg`, sourcePath: `/bench/hot/IMG_${n}.jpg`,
        bytes: 4_000_000, originalPath: null, error: null, captureDate: { local: new Date(Date.UTC(2023, 0, 1) + n * 60_000).toISOString().slice(0, 19), offset: null, source: 'exif' },
      });
      lib.files.record({ folderId: folder.id, path: `/bench/hot/IMG_${n}.jpg`, size: 4_000_000, mtimeMs: n, sha256, photoId: id, outcome: 'ingested', error: null });
      for (const kind of ['ingest', 'derive', 'analyze']) job(kind, id, 'done');
      const recipe = (steps: unknown[]) => lib.recipes.save(id, { schema: 1, original: { sha256 }, steps, end: steps.length })!;
      switch (n % 10) {
        case 0: job('analyze', id, 'queued'); break;
        case 1: recipe([crop(true)]); break;
        case 2: job('render', id, 'queued'); recipe([crop(false)]); break;
        case 3: render(id, recipe([crop(false)])); break;
        case 4: render(id, recipe([crop(false), exposure])); uploads.ensure(id); uploads.setState(id, 'uploaded'); break;
        case 5: render(id, recipe([exposure])); break;
        case 6: job('render', id, 'dead'); break;
        default: break;
      }
      // One photo in 25 was dropped again under another name.
      if (n % 25 === 0) lib.files.record({ folderId: folder.id, path: `/bench/hot/copy_${n}.jpg`, size: 4_000_000, mtimeMs: n, sha256, photoId: id, outcome: 'duplicate', error: null });
    }
  })();
}

function time(fn: () => unknown): { p50: number; p95: number } {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

const dir = await tempDir();
const lib = openLibrary(path.join(dir.path, 'lightbox.db'));
try {
  const started = performance.now();
  seed(lib, PHOTOS);
  console.log(`seeded ${PHOTOS} photos in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const counts = lib.photos.counts({});
  console.log('stages:', JSON.stringify(counts));
  // `duplicates` is passed loosely so this runs on a build without the filter too (it is then ignored).
  const withDuplicates = { duplicates: true } as Record<string, unknown>;
  const rows = [
    ['list: first page (150), newest first', () => lib.photos.list({ limit: 150 })],
    ['list: first page, by name', () => lib.photos.list({ limit: 150, sort: 'name', order: 'asc' })],
    ['list: stage = approved', () => lib.photos.list({ limit: 150, stage: 'approved' })],
    ['list: duplicates only', () => lib.photos.list({ limit: 150, ...withDuplicates })],
    ['counts: whole library', () => lib.photos.counts({})],
    ['counts: duplicates only', () => lib.photos.counts(withDuplicates)],
  ] as const;
  // A library grows from empty while the app runs: SQLite has no statistics until the first close
  // (PRAGMA optimize), so the plans chosen without them are the ones a first big import lives with.
  const fresh = rows.map(([name, fn]) => ({ query: name, ...time(fn) }));
  lib.db.exec('ANALYZE');
  const analysed = rows.map(([, fn]) => time(fn));
  printTable(
    `photos.list / photos.counts on ${PHOTOS} photos (ms, ${RUNS} runs): before and after ANALYZE`,
    fresh.map((row, i) => ({ query: row.query, 'p50 fresh': row.p50, 'p95 fresh': row.p95, 'p50 analysed': analysed[i]!.p50, 'p95 analysed': analysed[i]!.p95 })),
  );
} finally {
  lib.close();
  await dir.cleanup();
}
