import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PhotoMetadata } from '../../contract/index.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { openLibrary, type Library } from './library.ts';
import { migrate } from './migrate.ts';
import { migrations } from './migrations/index.ts';

const sha = (n: number) => n.toString(16).padStart(64, '0');
const NO_METADATA: PhotoMetadata = {
  make: null, model: null, lens: null, iso: null, exposureTime: null, fNumber: null, focalLength: null,
  rating: null, title: null, description: null, keywords: [], iccProfile: null,
};

let dir: Awaited<ReturnType<typeof tempDir>>;
let lib: Library;
beforeEach(async () => {
  dir = await tempDir();
  lib = openLibrary(path.join(dir.path, 'lightbox.db'));
});
afterEach(async () => {
  lib.close();
  await dir.cleanup();
});

function add(n: number, fileName: string, metadata: Partial<PhotoMetadata> | null = null): number {
  const id = lib.photos.insert({ folderId: null, sha256: sha(n), sha1: null, fileName, sourcePath: `/hot/${fileName}`, bytes: 1, originalPath: null, error: null, captureDate: null });
  if (metadata) {
    lib.photos.setMedia(id, { format: 'jpeg', width: 10, height: 10, orientation: 1, captureDate: null, captureInstant: null, gps: null, metadata: { ...NO_METADATA, ...metadata }, warnings: [] });
  }
  return id;
}

function analysed(n: number, task: string, model: string, result: unknown, status: 'completed' | 'failed' = 'completed') {
  lib.analysis.put({ sha256: sha(n), task, model, version: '1', provider: 'local', status, result: status === 'completed' ? result : null, error: status === 'failed' ? { code: 'job-failed', message: 'x' } : null });
}

const found = (text: string, extra: object = {}) => lib.photos.list({ text, sort: 'name', order: 'asc', ...extra }).photos.map((p) => p.fileName);

describe('the search box: file names, metadata and what analysis found', () => {
  it('finds words from the XMP/IPTC title, description and keywords, and the camera, as word prefixes, accents ignored', () => {
    add(1, 'IMG_5910.jpg', { title: 'Squirrel at berkely', keywords: ['Alvin the Squirrel', 'Berkley', 'USA'], make: 'Canon', model: 'Canon EOS 600D' });
    add(2, 'DSC_0001.jpg', { description: 'Morning at the Café de Flore', lens: 'XF 23mm F2' });
    add(3, 'squirrel-notes.jpg');
    expect(found('squirrel')).toEqual(['IMG_5910.jpg', 'squirrel-notes.jpg']);
    expect(found('berk')).toEqual(['IMG_5910.jpg']);
    expect(found('alvin usa')).toEqual(['IMG_5910.jpg']);
    expect(found('usa berk')).toEqual(['IMG_5910.jpg']);
    // Only the word being typed is a prefix: "berk usa" has finished with "berk".
    expect(found('berk usa')).toEqual([]);
    expect(found('eos 600d')).toEqual(['IMG_5910.jpg']);
    expect(found('cafe')).toEqual(['DSC_0001.jpg']);
    expect(found('CAFÉ flore')).toEqual(['DSC_0001.jpg']);
    expect(found('xf23')).toEqual([]);
    // Every word must match somewhere: "squirrel paris" is nobody.
    expect(found('squirrel paris')).toEqual([]);
  });

  it('a word the text has closed matches whole: "j1-" is not "j1k-"', () => {
    add(1, 'j1-obama.jpg');
    add(2, 'j1k-two-people.jpg');
    expect(found('j1-')).toEqual(['j1-obama.jpg']);
    expect(found('j1')).toEqual(['j1-obama.jpg', 'j1k-two-people.jpg']);
  });

  it('keeps the file-name substring match, and reads FTS syntax as plain words', () => {
    add(1, 'IMG_5910.jpg', { keywords: ['NEAR', 'and'] });
    add(2, 'holiday "best" (1).jpg');
    expect(found('MG_59')).toEqual(['IMG_5910.jpg']);
    expect(found('"best"')).toEqual(['holiday "best" (1).jpg']);
    expect(found('near')).toEqual(['IMG_5910.jpg']);
    expect(found('name:img')).toEqual([]);
    expect(found('best" OR "img')).toEqual([]);
    // No word at all: only the file-name substring applies.
    expect(found('(')).toEqual(['holiday "best" (1).jpg']);
    expect(found('---')).toEqual([]);
  });

  it('finds what analysis found: object keywords, CLIP tags and the caption; not a failed run; follows re-analysis', () => {
    add(1, 'a.jpg');
    add(2, 'b.jpg');
    add(3, 'c.jpg');
    analysed(1, 'objects', 'nanodet-plus-m', { objects: [], keywords: ['dog', 'frisbee'] });
    analysed(2, 'embedding', 'clip-vit-b32', { dim: 2, vector: '', tags: [{ label: 'beach', score: 0.3, probability: 0.6 }] });
    analysed(3, 'caption', 'remote-vision', { text: 'A lighthouse at dusk.', provider: 'remote', model: 'm' });
    expect(found('dog')).toEqual(['a.jpg']);
    expect(found('frisb')).toEqual(['a.jpg']);
    expect(found('beach')).toEqual(['b.jpg']);
    expect(found('lighthouse dusk')).toEqual(['c.jpg']);
    // A newer run replaces the row: its words replace the old ones.
    analysed(1, 'objects', 'nanodet-plus-m', { objects: [], keywords: ['cat'] });
    expect(found('dog')).toEqual([]);
    expect(found('cat')).toEqual(['a.jpg']);
    analysed(1, 'objects', 'nanodet-plus-m', null, 'failed');
    expect(found('cat')).toEqual([]);
    // Rows without words do not disturb the index.
    analysed(3, 'quality', 'technical-quality', { score: 0.9 });
    expect(found('lighthouse')).toEqual(['c.jpg']);
  });

  it('counts and select-all use the same match as the page', () => {
    const a = add(1, 'a.jpg', { keywords: ['wedding'] });
    const b = add(2, 'wedding-b.jpg');
    add(3, 'c.jpg');
    expect(lib.photos.counts({ text: 'wedding' }).total).toBe(2);
    expect(lib.photos.ids({ text: 'wedding', sort: 'imported', order: 'asc' })).toEqual([a, b]);
  });

  it('semantic hits match the text too, and relevance sorts them best first, then the word matches', () => {
    const a = add(1, 'a.jpg', { keywords: ['dog'] });
    const b = add(2, 'b.jpg');
    const c = add(3, 'c.jpg');
    add(4, 'd.jpg');
    const similar = [c, b];
    const relevance = (order: 'asc' | 'desc') => lib.photos.list({ text: 'dog', sort: 'relevance', order }, similar).photos.map((p) => p.id);
    expect(relevance('desc')).toEqual([c, b, a]);
    expect(relevance('asc')).toEqual([b, c, a]);
    expect(lib.photos.counts({ text: 'dog' }, similar).total).toBe(3);
    expect(lib.photos.ids({ text: 'dog', sort: 'relevance' }, similar)).toEqual([c, b, a]);
    // Without semantic hits, relevance is the import order, newest first.
    expect(lib.photos.list({ text: 'dog', sort: 'relevance' }).photos.map((p) => p.id)).toEqual([a]);
  });
});

describe('migration 010 builds the index for a library that already has photos', () => {
  it('an old library finds its photos by keyword and by what analysis found, and stays current after', async () => {
    const file = path.join(dir.path, 'old.db');
    const old = new Database(file);
    // Every step before the index (later ones, like the REST API's tables, come after it).
    migrate(old, migrations.slice(0, migrations.findIndex((m) => m.name === 'photo-text')));
    old.prepare(`INSERT INTO photos (id, sha256, file_name, source_path, bytes, metadata_json, created_at, updated_at)
      VALUES (7, '${sha(7)}', 'IMG_1.jpg', '/hot/IMG_1.jpg', 1, ?, '2024-01-01', '2024-01-01')`).run(JSON.stringify({ ...NO_METADATA, keywords: ['Lisbon'] }));
    old.prepare(`INSERT INTO analysis_results (sha256, model, version, task, provider, status, result_json, updated_at)
      VALUES ('${sha(7)}', 'nanodet-plus-m', '1', 'objects', 'local', 'completed', '{"objects":[],"keywords":["tram"]}', '2024-01-01')`).run();
    old.close();
    const upgraded = openLibrary(file);
    try {
      expect(upgraded.photos.list({ text: 'lisbon tram' }).photos.map((p) => p.id)).toEqual([7]);
      upgraded.analysis.put({ sha256: sha(7), task: 'objects', model: 'nanodet-plus-m', version: '2', provider: 'local', status: 'completed', result: { objects: [], keywords: ['bus'] }, error: null });
      expect(upgraded.photos.list({ text: 'bus' }).total).toBe(1);
      expect(upgraded.photos.list({ text: 'tram' }).total).toBe(0);
    } finally {
      upgraded.close();
    }
  });
});
