import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from './library.ts';
import type { NewPhoto } from './photos-repo.ts';

let dir: string;
let lib: Library;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-photo-list-'));
  lib = openLibrary(path.join(dir, 'lightbox.db'));
});
afterEach(async () => {
  lib.close();
  await rm(dir, { recursive: true, force: true });
});

const sha = (n: number) => n.toString(16).padStart(64, '0');
function add(n: number, fileName: string, captured: string | null, extra: Partial<NewPhoto> = {}): number {
  return lib.photos.insert({
    folderId: null,
    sha256: sha(n),
    sha1: null,
    fileName,
    sourcePath: `/hot/${fileName}`,
    bytes: 1000,
    originalPath: null,
    error: null,
    captureDate: captured === null ? null : { local: captured, offset: null, source: 'exif' },
    ...extra,
  });
}
const names = (result: { photos: Array<{ fileName: string }> }) => result.photos.map((p) => p.fileName);

describe('PhotosRepo list, ids and counts', () => {
  let ids: Record<string, number>;
  beforeEach(() => {
    const hot = lib.folders.add('/hot');
    const other = lib.folders.add('/other');
    ids = {
      b: add(1, 'b_beach.jpg', '2024-05-01T09:00:00', { folderId: hot.id }),
      a: add(2, 'A_alps.jpg', '2024-05-31T23:59:59', { folderId: hot.id }),
      c: add(3, 'c_city_50%.jpg', null, { folderId: other.id }),
      d: add(4, 'd_dunes.jpg', '2023-12-31T10:00:00', { folderId: other.id, error: { code: 'corrupt-image', message: 'Broken.' } }),
    };
    // A queued derive job makes photo a "processing"; a done one makes b "ingested".
    lib.jobs.enqueue({ kind: 'derive', subject: String(ids.a), data: {}, priority: 0, dedupeKey: null }, Date.now());
    const done = lib.jobs.enqueue({ kind: 'derive', subject: String(ids.b), data: {}, priority: 0, dedupeKey: null }, Date.now());
    lib.db.prepare("UPDATE jobs SET state = 'done' WHERE id = ?").run(done.id);
  });

  it('filters on the moderation flag; photos not moderated (or failed) never match', () => {
    const moderated = (n: number, flag: string | null) =>
      lib.analysis.put({
        sha256: sha(n), task: 'moderation', model: 'nsfwjs-mobilenet-v2-mid', version: '4.4.0', provider: 'local',
        status: flag ? 'completed' : 'failed', result: flag ? { classes: [], flag } : null, error: flag ? null : { code: 'job-failed', message: 'x' },
      });
    moderated(1, 'safe');
    moderated(2, 'suggestive');
    moderated(3, null);
    expect(names(lib.photos.list({ moderation: 'safe' }))).toEqual(['b_beach.jpg']);
    expect(names(lib.photos.list({ moderation: 'suggestive' }))).toEqual(['A_alps.jpg']);
    expect(names(lib.photos.list({ moderation: 'explicit' }))).toEqual([]);
    expect(lib.photos.counts({ moderation: 'safe' }).total).toBe(1);
    expect(names(lib.photos.list({}))).toHaveLength(4);
  });

  it('sorts by import, capture date (undated last both ways) and case-insensitive name', () => {
    expect(names(lib.photos.list({}))).toEqual(['d_dunes.jpg', 'c_city_50%.jpg', 'A_alps.jpg', 'b_beach.jpg']);
    expect(names(lib.photos.list({ sort: 'imported', order: 'asc' }))).toEqual(['b_beach.jpg', 'A_alps.jpg', 'c_city_50%.jpg', 'd_dunes.jpg']);
    expect(names(lib.photos.list({ sort: 'captured', order: 'desc' }))).toEqual(['A_alps.jpg', 'b_beach.jpg', 'd_dunes.jpg', 'c_city_50%.jpg']);
    expect(names(lib.photos.list({ sort: 'captured', order: 'asc' }))).toEqual(['d_dunes.jpg', 'b_beach.jpg', 'A_alps.jpg', 'c_city_50%.jpg']);
    expect(names(lib.photos.list({ sort: 'name', order: 'asc' }))).toEqual(['A_alps.jpg', 'b_beach.jpg', 'c_city_50%.jpg', 'd_dunes.jpg']);
  });

  it('pages with offset and limit and reports the filtered total', () => {
    const page = lib.photos.list({ sort: 'name', order: 'asc', limit: 2, offset: 1 });
    expect(names(page)).toEqual(['b_beach.jpg', 'c_city_50%.jpg']);
    expect(page.total).toBe(4);
    expect(lib.photos.ids({ sort: 'name', order: 'desc' })).toEqual([ids.d, ids.c, ids.b, ids.a]);
  });

  it('filters by stage, folder, inclusive capture-date range and literal file-name text', () => {
    expect(names(lib.photos.list({ stage: 'failed' }))).toEqual(['d_dunes.jpg']);
    expect(names(lib.photos.list({ stage: 'processing' }))).toEqual(['A_alps.jpg']);
    expect(names(lib.photos.list({ stage: 'ingested' }))).toEqual(['b_beach.jpg']);
    const other = lib.folders.list().find((f) => f.path === '/other')!;
    expect(names(lib.photos.list({ folderId: other.id }))).toEqual(['d_dunes.jpg', 'c_city_50%.jpg']);
    // "to" includes the whole last day (23:59:59 on the 31st); undated photos never match a range.
    expect(names(lib.photos.list({ from: '2024-05-01', to: '2024-05-31', sort: 'captured', order: 'asc' }))).toEqual(['b_beach.jpg', 'A_alps.jpg']);
    expect(names(lib.photos.list({ from: '2024-05-02' }))).toEqual(['A_alps.jpg']);
    expect(names(lib.photos.list({ text: 'ALPS' }))).toEqual(['A_alps.jpg']);
    // % and _ are the user's characters, not wildcards.
    expect(names(lib.photos.list({ text: '50%' }))).toEqual(['c_city_50%.jpg']);
    expect(lib.photos.list({ text: '_x' }).total).toBe(0);
    expect(lib.photos.list({ text: '   ' }).total).toBe(4);
    expect(lib.photos.ids({ stage: 'failed' })).toEqual([ids.d]);
  });

  it('stores stars and flags for many photos at once, and filters on them', () => {
    expect(lib.photos.setRating([ids.a!, ids.b!, 999], 4)).toBe(2);
    expect(lib.photos.setRating([ids.b!], 2)).toBe(1);
    expect(lib.photos.setFlag([ids.a!, ids.c!], 'pick')).toBe(2);
    expect(lib.photos.setFlag([ids.d!], 'reject')).toBe(1);
    expect(lib.photos.get(ids.a!)).toMatchObject({ rating: 4, flag: 'pick' });
    expect(lib.photos.get(ids.d!)).toMatchObject({ rating: 0, flag: 'reject' });
    expect(names(lib.photos.list({ minRating: 3 }))).toEqual(['A_alps.jpg']);
    expect(names(lib.photos.list({ minRating: 2, sort: 'name', order: 'asc' }))).toEqual(['A_alps.jpg', 'b_beach.jpg']);
    expect(names(lib.photos.list({ flag: 'pick', sort: 'name', order: 'asc' }))).toEqual(['A_alps.jpg', 'c_city_50%.jpg']);
    expect(names(lib.photos.list({ flag: 'none' }))).toEqual(['b_beach.jpg']);
    expect(lib.photos.counts({ flag: 'pick' }).total).toBe(2);
    lib.photos.setFlag([ids.a!], null);
    lib.photos.setRating([ids.a!], 0);
    expect(lib.photos.get(ids.a!)).toMatchObject({ rating: 0, flag: null });
    // The schema refuses what the contract refuses, as a second lock.
    expect(() => lib.photos.setRating([ids.a!], 6)).toThrow(/CHECK/);
  });

  it('counts per stage under the other filters, with every stage present', () => {
    const all = lib.photos.counts({});
    expect(all.total).toBe(4);
    expect(all.byStage).toMatchObject({ new: 1, processing: 1, ingested: 1, failed: 1, approved: 0, uploaded: 0 });
    const may = lib.photos.counts({ from: '2024-05-01', to: '2024-05-31' });
    expect(may).toEqual({ total: 2, duplicates: 0, byStage: expect.objectContaining({ processing: 1, ingested: 1, new: 0, failed: 0 }) });
  });
});
