// What the search box costs on a 10,000-photo library, beside the raw SQLite / loop it is built on.
// Run: npm run bench -- search   (or: node bench/search.ts [--photos 10000] [--repeat 30])
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EmbeddingIndex } from '../src-main/engine/analysis/clip/embedding-index.ts';
import { embeddingToBase64 } from '../src-main/engine/analysis/clip/clip-preprocess.ts';
import { rankByCosine } from '../src-main/engine/analysis/clip/clip-search.ts';
import { openLibrary, type Library } from '../src-main/engine/library/index.ts';
import { ftsQuery } from '../src-main/engine/library/search-words.ts';
import { percentile, printTable, trackEventLoop } from './bench-utils.ts';

const { values } = parseArgs({ options: { photos: { type: 'string', default: '10000' }, repeat: { type: 'string', default: '30' } } });
const PHOTOS = Number(values.photos);
const REPEAT = Number(values.repeat);
const DIM = 512;
const CLIP = 'clip-vit-b32';
const PLACES = ['beach', 'alps', 'lisbon', 'kyoto', 'desert', 'forest', 'harbour', 'city'];
const OBJECTS = ['person', 'dog', 'bicycle', 'car', 'boat', 'bird', 'cup', 'bench'];

/** A deterministic unit vector per photo, so runs compare. */
function vector(seed: number): Float32Array {
  const v = new Float32Array(DIM);
  let x = seed * 2654435761;
  for (let i = 0; i < DIM; i += 1) {
    x = (x * 1103515245 + 12345) >>> 0;
    v[i] = x / 2 ** 32 - 0.5;
  }
  const norm = Math.hypot(...v);
  return v.map((c) => c / norm);
}

const sha = (n: number) => n.toString(16).padStart(64, '0');

/** Real rows through the real repos (so the triggers keep the index, as ingest and analysis do); ms per photo. */
function seed(lib: Library, count: number, withEmbeddings: boolean): number {
  const started = performance.now();
  lib.db.transaction(() => {
    for (let n = 0; n < count; n += 1) {
      const id = lib.photos.insert({ folderId: null, sha256: sha(n), sha1: null, fileName: `IMG_${String(n).padStart(5, '0')}.jpg`, sourcePath: `/hot/${n}.jpg`, bytes: 1, originalPath: null, error: null, captureDate: null });
      lib.photos.setMedia(id, {
        format: 'jpeg', width: 6000, height: 4000, orientation: 1, captureDate: null, captureInstant: null, gps: null, warnings: [],
        metadata: { make: 'FUJIFILM', model: 'X-T4', lens: 'XF35mmF1.4 R', iso: 200, exposureTime: 0.004, fNumber: 2, focalLength: 35, rating: null, title: `Day ${n % 365} in ${PLACES[n % PLACES.length]}`, description: null, keywords: [PLACES[n % PLACES.length]!, `trip ${n % 40}`], iccProfile: null },
      });
      const seen = [OBJECTS[n % OBJECTS.length]!, OBJECTS[(n * 7) % OBJECTS.length]!];
      lib.analysis.put({ sha256: sha(n), task: 'objects', model: 'nanodet-m-416', version: '1', provider: 'local', status: 'completed', result: { objects: [], keywords: [...new Set(seen)] }, error: null });
      if (withEmbeddings) lib.analysis.put({ sha256: sha(n), task: 'embedding', model: CLIP, version: '1', provider: 'local', status: 'completed', result: { dim: DIM, vector: embeddingToBase64(vector(n)), tags: [] }, error: null });
    }
  })();
  return (performance.now() - started) / count;
}

async function time(fn: () => unknown): Promise<{ p50: number; p95: number }> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < REPEAT; i += 1) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-bench-search-'));
try {
  // The triggers' cost on the writes ingest and analysis make: the same rows with and without them.
  const plain = openLibrary(path.join(dir, 'plain.db'));
  for (const t of ['insert', 'update', 'delete', 'analysis_insert', 'analysis_update', 'analysis_delete']) plain.db.exec(`DROP TRIGGER photo_text_${t}`);
  const withoutIndex = seed(plain, PHOTOS, false);
  plain.close();
  const lib = openLibrary(path.join(dir, 'lightbox.db'));
  const withIndex = seed(lib, PHOTOS, false);
  printTable(`Writing ${PHOTOS} photos (insert + metadata + objects result), ms per photo`, [
    { '': 'without the index', 'ms/photo': withoutIndex, ratio: 1 },
    { '': 'with the index (triggers)', 'ms/photo': withIndex, ratio: withIndex / withoutIndex },
  ]);

  const page = (text?: string) => () => {
    lib.photos.list({ ...(text ? { text } : {}), limit: 200 });
    lib.photos.counts(text ? { text } : {});
  };
  const rawMatch = lib.db.prepare('SELECT rowid FROM photo_text WHERE photo_text MATCH ?').pluck();
  const rawLike = lib.db.prepare("SELECT id FROM photos WHERE file_name LIKE ? ESCAPE '\\'").pluck();
  const rows = [
    { query: 'no text', ...await time(page()), matches: lib.photos.counts({}).total },
    { query: '"IMG_012" (name)', ...await time(page('IMG_012')), matches: lib.photos.counts({ text: 'IMG_012' }).total },
    { query: '"lisbon" (keyword)', ...await time(page('lisbon')), matches: lib.photos.counts({ text: 'lisbon' }).total },
    { query: '"dog on the beach"', ...await time(page('dog on the beach')), matches: lib.photos.counts({ text: 'dog on the beach' }).total },
    { query: '"x-t4 li" (every photo, typing)', ...await time(page('x-t4 li')), matches: lib.photos.counts({ text: 'x-t4 li' }).total },
    { query: 'raw: FTS5 MATCH "lisbon"', ...await time(() => rawMatch.all(ftsQuery('lisbon'))), matches: rawMatch.all(ftsQuery('lisbon')).length },
    { query: 'raw: LIKE on file names', ...await time(() => rawLike.all('%IMG_012%')), matches: rawLike.all('%IMG_012%').length },
  ];
  printTable(`Grid page (200) + stage counts on ${PHOTOS} photos, ms over ${REPEAT} runs`, rows);

  // Meaning: decoding the stored embeddings once, then ranking per text, beside the bare cosine loop.
  lib.db.transaction(() => {
    for (let n = 0; n < PHOTOS; n += 1) lib.analysis.put({ sha256: sha(n), task: 'embedding', model: CLIP, version: '1', provider: 'local', status: 'completed', result: { dim: DIM, vector: embeddingToBase64(vector(n)), tags: [] }, error: null });
  })();
  const index = new EmbeddingIndex(lib.analysis, CLIP, (r) => r as { dim: number; vector: string });
  const query = vector(123_456);
  // The first search decodes every embedding, a page at a time: how long, and the longest the
  // event loop waited meanwhile.
  const loop = trackEventLoop();
  const t0 = performance.now();
  await index.rank(query);
  const first = performance.now() - t0;
  const firstLoop = loop.stop();
  // While analysis runs, each search finds a few more embeddings than the last one.
  let next = 0;
  const afterOneMore = await time(() => {
    lib.analysis.put({ sha256: sha(next++ % PHOTOS), task: 'embedding', model: CLIP, version: '2', provider: 'local', status: 'completed', result: { dim: DIM, vector: embeddingToBase64(vector(next)), tags: [] }, error: null });
    return index.rank(query);
  });
  const decoded = Array.from({ length: PHOTOS }, (_, n) => ({ item: n + 1, embedding: vector(n) }));
  printTable(`Ranking ${PHOTOS} CLIP embeddings (${DIM}-d) for one text, ms`, [
    { '': `first search (decode from SQLite; event loop max ${firstLoop.max.toFixed(0)} ms)`, p50: first, p95: first },
    { '': 'later searches (cached, generation check)', ...await time(() => index.rank(query)) },
    { '': 'after one more photo was embedded', ...afterOneMore },
    { '': 'raw: cosine over in-memory vectors', ...await time(() => rankByCosine(query, decoded)) },
  ]);
  lib.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
