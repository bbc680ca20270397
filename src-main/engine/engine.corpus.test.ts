import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Photo } from '../contract/index.ts';
import { corpusDir, corpusPath, hasCorpus, readManifest } from '../../test-support/corpus.ts';
import { tempDir } from '../../test-support/temp-dir.ts';
import { createEngine, type ProcessSummary } from './engine.ts';
import { libraryLayout } from './library/library-layout.ts';

/**
 * The whole corpus through the real engine (one-shot mode): ingest, hash, store, decode, derive.
 * Per-format decoding details are tested in media/; this checks what reaches the library.
 */
const FOLDERS = ['jpeg', 'heic', 'other', 'content', 'raw', 'bad'];

/** What each bad file must end as: a specific error code, or 'ok' where the pixels are fine. */
const BAD_EXPECTED: Record<string, string> = {
  'text-file.jpg': 'not-an-image',
  'zero-byte.jpg': 'empty-file',
  'truncated-iphone5-halfway.jpg': 'truncated',
  'truncated-10000B.jpg': 'truncated',
  'truncated-400B.jpg': 'truncated',
  'corrupt-header.jpg': 'corrupt-image',
  'corrupt.png': 'corrupt-image',
  'bomb-30000x30000-gray.png': 'too-many-pixels',
  'bomb-17000x17000.avif': 'too-many-pixels',
  'bomb-65536-uint32-limit.png': 'too-many-pixels',
  'corrupt-rw2-368B.rw2': 'raw-no-preview',
  'png-named.jpg': 'ok',
  'jpeg-named-nef-Issue_247-1.nef': 'ok',
  'jpeg-named-nef-Issue_247-2.nef': 'ok',
  'big-height.webp': 'ok',
  'corrupt-exif-ifd0.jpg': 'ok',
  'exifr-RangeError_Invalid_typed_array_length.jpg': 'ok',
  'exifr-RangeError_Offset_outside_bounds.jpg': 'ok',
  'exifr-broken1.jpg': 'ok',
  'exifr-issue-exifr-41-Error_Segment_Unreachable.jpg': 'ok',
  'truncated.gif': 'truncated',
};

describe.skipIf(!hasCorpus)('the corpus through the engine', () => {
  let library: { path: string; cleanup(): Promise<void> };
  let summary: ProcessSummary;
  let photos: Photo[];
  const bySource = new Map<string, Photo>();

  beforeAll(async () => {
    library = await tempDir();
    const engine = await createEngine({ libraryDir: library.path, watchFolders: false });
    try {
      summary = await engine.processOnce(FOLDERS.map((f) => corpusPath(f)));
      photos = (await engine.api.call('photos.list', { limit: 10_000 })).photos;
      for (const photo of photos) bySource.set(path.relative(corpusDir, photo.sourcePath), photo);
    } finally {
      await engine.close();
    }
  }, 600_000);

  afterAll(() => library?.cleanup());

  it('accounts for every file: ingested, duplicate or failed with a reason', () => {
    expect(summary.files).toBe(summary.ingested + summary.duplicates + summary.failed.length);
    expect(summary.alreadyInLibrary).toBe(0);
    for (const failure of summary.failed) expect(failure.message.length).toBeGreaterThan(10);
  });

  it('gives every bad file its specific error, and reads the ones whose pixels are fine', async () => {
    const seen: Array<[string, string]> = [];
    for (const name of Object.keys(BAD_EXPECTED)) {
      // png-named.jpg holds the same bytes as content/skimage/chelsea.png: find photos by content too.
      const bytes = await readFile(corpusPath(`bad/${name}`));
      const sha = createHash('sha256').update(bytes).digest('hex');
      const photo = bySource.get(`bad/${name}`) ?? photos.find((p) => p.sha256 === sha && bytes.length > 0);
      seen.push([name, photo ? (photo.error?.code ?? 'ok') : 'missing']);
    }
    expect(Object.fromEntries(seen)).toEqual(BAD_EXPECTED);
  });

  it('stores readable images with their oriented dimensions and a thumbnail', async () => {
    const rows = readManifest().filter((r) => r.vipsHeader === 'ok' && r.width && !r.path.startsWith('bad/') && !r.path.startsWith('raw/'));
    expect(rows.length).toBeGreaterThan(120);
    const layout = libraryLayout(library.path);
    const wrong: string[] = [];
    for (const row of rows) {
      // Look up by content: a byte-identical copy is stored once, under the first path seen.
      const sha = createHash('sha256').update(await readFile(corpusPath(row.path))).digest('hex');
      const photo = photos.find((p) => p.sha256 === sha);
      if (!photo) {
        wrong.push(`${row.path}: not in the library`);
        continue;
      }
      if (photo.error) {
        wrong.push(`${row.path}: ${photo.error.code} ${photo.error.message}`);
        continue;
      }
      // Manifest sizes are as stored; orientations 5-8 swap width and height on display.
      const swap = (row.orientation ?? 1) >= 5;
      const expected = swap ? [row.height, row.width] : [row.width, row.height];
      if (photo.width !== expected[0] || photo.height !== expected[1]) {
        wrong.push(`${row.path}: ${photo.width}x${photo.height}, expected ${expected.join('x')}`);
      }
      const thumb = await sharp(layout.thumbPath(photo.id)).metadata();
      const longEdge = Math.max(thumb.width ?? 0, thumb.height ?? 0);
      if (longEdge > 256 || longEdge === 0) wrong.push(`${row.path}: thumbnail ${thumb.width}x${thumb.height}`);
      // The thumbnail has the photo's oriented aspect (orientation applied, not stored raw).
      const aspect = (photo.width ?? 1) / (photo.height ?? 1);
      const thumbAspect = (thumb.width ?? 1) / (thumb.height ?? 1);
      if (Math.min(photo.width ?? 0, photo.height ?? 0) >= 16 && Math.abs(Math.log(aspect / thumbAspect)) > 0.1) {
        wrong.push(`${row.path}: thumbnail aspect ${thumbAspect.toFixed(2)} vs photo ${aspect.toFixed(2)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('reads capture dates and GPS where the files have them', () => {
    // These have a GPS block without a position (empty, or 0/0 written for "no fix").
    const noFix = new Set(['jpeg/camera/Nikon_D5000.jpg', 'jpeg/camera/Leica_T_Typ_701.jpg', 'jpeg/camera/Samsung_GT-I9000_Galaxy_S.jpg']);
    const withGps = readManifest().filter((r) => r.hasGps && r.path.startsWith('jpeg/camera/') && !noFix.has(r.path));
    for (const path of noFix) expect(bySource.get(path)?.gps, path).toBeNull();
    expect(withGps.length).toBeGreaterThan(5);
    const missing = withGps.filter((r) => !bySource.get(r.path)?.gps).map((r) => r.path);
    expect(missing).toEqual([]);
    const iphone = bySource.get('jpeg/camera/Apple_iPhone_4.jpg');
    expect(iphone?.captureDate?.source).toBe('exif');
    expect(iphone?.captureDate?.local).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    expect(iphone?.metadata?.make).toBe('Apple');
  });

  it('keeps byte-identical files once: the copy is a recorded duplicate', () => {
    const original = bySource.get('content/near-dup/canon_hdr_NO.jpg') ?? bySource.get('content/near-dup/canon_hdr_NO-copy.jpg');
    expect(original).toBeDefined();
    expect(original?.duplicates).toBe(1);
    const both = photos.filter((p) => p.sha256 === original?.sha256);
    expect(both).toHaveLength(1);
  });

  it('stores originals whose bytes match their recorded SHA-256 and the source', async () => {
    const layout = libraryLayout(library.path);
    const stored = photos.filter((p) => p.originalPath);
    expect(stored.length).toBeGreaterThan(150);
    for (const photo of stored) {
      const bytes = await readFile(layout.absolute(photo.originalPath ?? ''));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(photo.sha256);
      expect(photo.originalPath).toMatch(new RegExp(`^originals/\\d{4}/\\d{2}/${photo.sha256?.slice(0, 8)}_`));
    }
  });
});
