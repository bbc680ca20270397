import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from './library.ts';
import type { NewPhoto } from './photos-repo.ts';

let dir: string;
let lib: Library;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-photos-'));
  lib = openLibrary(path.join(dir, 'lightbox.db'));
});
afterEach(async () => {
  lib.close();
  await rm(dir, { recursive: true, force: true });
});

const sha = (n: number) => n.toString(16).padStart(64, '0');
function newPhoto(n: number, extra: Partial<NewPhoto> = {}): NewPhoto {
  return {
    folderId: null,
    sha256: sha(n),
    sha1: n.toString(16).padStart(40, '0'),
    fileName: `IMG_${n}.jpg`,
    sourcePath: `/hot/IMG_${n}.jpg`,
    bytes: 1000 + n,
    originalPath: `originals/2024/05/${sha(n).slice(0, 8)}_IMG_${n}.jpg`,
    error: null,
    captureDate: null,
    ...extra,
  };
}
const job = (kind: 'ingest' | 'derive', photoId: number) =>
  lib.jobs.enqueue({ kind, subject: String(photoId), data: { photoId }, priority: 0, dedupeKey: null }, Date.now()).id;

describe('PhotosRepo', () => {
  it('inserts and reads back a contract Photo', () => {
    const folder = lib.folders.add('/hot');
    const id = lib.photos.insert(newPhoto(1, { folderId: folder.id, captureDate: { local: '2024-05-01T12:00:00', offset: null, source: 'exif' } }));
    const photo = lib.photos.get(id)!;
    expect(photo).toMatchObject({
      id,
      folderId: folder.id,
      sha256: sha(1),
      fileName: 'IMG_1.jpg',
      bytes: 1001,
      captureDate: { local: '2024-05-01T12:00:00', offset: null, source: 'exif' },
      gps: null,
      metadata: null,
      warnings: [],
      stage: 'new',
      duplicates: 0,
      mediaRev: 0,
      error: null,
    });
    expect(lib.photos.findBySha256(sha(1))).toEqual({ id });
    expect(lib.photos.findBySha256(sha(2))).toBeNull();
    expect(lib.photos.get(id + 100)).toBeNull();
  });

  it('refuses a second photo with the same bytes', () => {
    lib.photos.insert(newPhoto(1));
    expect(() => lib.photos.insert(newPhoto(1, { fileName: 'other.jpg' }))).toThrow(/UNIQUE/);
  });

  it('stores media, errors, revisions and the original path', () => {
    const id = lib.photos.insert(newPhoto(1));
    const metadata = {
      make: 'Canon', model: 'EOS R5', lens: null, iso: 400, exposureTime: 0.005, fNumber: 2.8, focalLength: 50,
      rating: null, title: null, description: null, keywords: ['beach'], iccProfile: 'sRGB',
    };
    lib.photos.setMedia(id, {
      format: 'jpeg', width: 4000, height: 3000, orientation: 6,
      captureDate: { local: '2024-05-01T12:00:00.250', offset: '+02:00', source: 'exif' },
      captureInstant: { instant: '2024-05-01T12:00:00.250+02:00', utc: '2024-05-01T10:00:00.250Z', localDateTime: '2024-05-01T12:00:00.250', zone: 'UTC+2', source: 'offset-tag' },
      gps: { latitude: 48.85, longitude: 2.35, altitude: null },
      metadata,
      warnings: [{ code: 'wrong-extension', message: 'It is a PNG named .jpg.' }],
    });
    lib.photos.bumpMediaRev(id);
    lib.photos.bumpMediaRev(id);
    lib.photos.setOriginalPath(id, 'originals/2024/05/x.jpg');
    let photo = lib.photos.get(id)!;
    expect(photo).toMatchObject({
      format: 'jpeg', width: 4000, height: 3000, orientation: 6,
      captureDate: { local: '2024-05-01T12:00:00.250', offset: '+02:00', source: 'exif' },
      captureInstant: { instant: '2024-05-01T12:00:00.250+02:00', utc: '2024-05-01T10:00:00.250Z', localDateTime: '2024-05-01T12:00:00.250', zone: 'UTC+2', source: 'offset-tag' },
      gps: { latitude: 48.85, longitude: 2.35, altitude: null },
      metadata, mediaRev: 2, originalPath: 'originals/2024/05/x.jpg',
      warnings: [{ code: 'wrong-extension', message: 'It is a PNG named .jpg.' }],
    });

    // A zone read from GPS keeps its IANA name; a capture date read by an older reader stays unresolved.
    lib.photos.setMedia(id, { ...lib.photos.get(id)!, format: 'jpeg', captureInstant: { instant: '2024-05-01T12:00:00.250+02:00', utc: '2024-05-01T10:00:00.250Z', localDateTime: '2024-05-01T12:00:00.250', zone: 'Europe/Paris', source: 'gps' } });
    expect(lib.photos.get(id)!.captureInstant).toMatchObject({ zone: 'Europe/Paris', source: 'gps', utc: '2024-05-01T10:00:00.250Z' });
    lib.photos.setMedia(id, { ...lib.photos.get(id)!, captureInstant: null });
    expect(lib.photos.get(id)!.captureInstant).toBeNull();

    lib.photos.setError(id, { code: 'truncated', message: 'The file ends early.' });
    photo = lib.photos.get(id)!;
    expect(photo.error).toEqual({ code: 'truncated', message: 'The file ends early.' });
    expect(photo.stage).toBe('failed');
    lib.photos.setError(id, null);
    expect(lib.photos.get(id)!.error).toBeNull();
  });

  it('derives the stage from the error and the jobs', () => {
    const id = lib.photos.insert(newPhoto(1));
    const stage = () => lib.photos.get(id)!.stage;
    expect(stage()).toBe('new');

    const derive = job('derive', id);
    expect(stage()).toBe('processing');
    lib.jobs.claim('derive', Date.now(), 60_000);
    expect(stage()).toBe('processing');
    lib.jobs.markFailed(derive, Date.now() + 60_000, 'boom', Date.now());
    expect(stage()).toBe('processing');
    lib.jobs.markDead(derive, 'boom', Date.now());
    expect(stage()).toBe('failed');
    lib.jobs.retry(derive);
    lib.jobs.claim('derive', Date.now(), 60_000);
    lib.jobs.markDone(derive, Date.now());
    expect(stage()).toBe('ingested');

    // A job about another photo, or a done job of another kind, does not count.
    const other = lib.photos.insert(newPhoto(2));
    job('derive', other);
    expect(stage()).toBe('ingested');
    expect(lib.photos.get(other)!.stage).toBe('processing');

    lib.photos.setError(id, { code: 'corrupt-image', message: 'Unreadable.' });
    expect(stage()).toBe('failed');
  });

  it('a done ingest job alone leaves the photo new', () => {
    const id = lib.photos.insert(newPhoto(1));
    const ingest = job('ingest', id);
    lib.jobs.claim('ingest', Date.now(), 60_000);
    lib.jobs.markDone(ingest, Date.now());
    expect(lib.photos.get(id)!.stage).toBe('new');
  });

  it('counts duplicates from the files table', () => {
    const id = lib.photos.insert(newPhoto(1));
    const base = { folderId: null, size: 1001, mtimeMs: 1, sha256: sha(1), photoId: id, error: null };
    lib.files.record({ ...base, path: '/hot/IMG_1.jpg', outcome: 'ingested' });
    lib.files.record({ ...base, path: '/hot/copy1.jpg', outcome: 'duplicate' });
    lib.files.record({ ...base, path: '/hot/copy2.jpg', outcome: 'duplicate' });
    expect(lib.photos.get(id)!.duplicates).toBe(2);
    expect(lib.photos.list({}).photos[0]!.duplicates).toBe(2);
  });

  it('lists newest first, pages, and filters by stage and folder', () => {
    const a = lib.folders.add('/a');
    const b = lib.folders.add('/b');
    const ids = [1, 2, 3, 4, 5].map((n) => lib.photos.insert(newPhoto(n, { folderId: n <= 3 ? a.id : b.id })));
    job('derive', ids[1]!);
    job('derive', ids[3]!);
    lib.photos.setError(ids[4]!, { code: 'not-an-image', message: 'Not a photo.' });

    const all = lib.photos.list({});
    expect(all.total).toBe(5);
    expect(all.photos.map((p) => p.id)).toEqual([...ids].reverse());

    const page = lib.photos.list({ limit: 2, offset: 1 });
    expect(page).toMatchObject({ total: 5 });
    expect(page.photos.map((p) => p.id)).toEqual([ids[3], ids[2]]);

    expect(lib.photos.list({ stage: 'processing' }).photos.map((p) => p.id)).toEqual([ids[3], ids[1]]);
    expect(lib.photos.list({ stage: 'failed' }).photos.map((p) => p.id)).toEqual([ids[4]]);
    expect(lib.photos.list({ stage: 'new' })).toMatchObject({ total: 2 });
    expect(lib.photos.list({ folderId: b.id }).photos.map((p) => p.id)).toEqual([ids[4], ids[3]]);
    expect(lib.photos.list({ folderId: a.id, stage: 'processing' }).photos.map((p) => p.id)).toEqual([ids[1]]);
    expect(lib.photos.list({ folderId: a.id, stage: 'failed' })).toEqual({ photos: [], total: 0 });
  });

  it('keeps photos when their folder is removed', () => {
    const folder = lib.folders.add('/hot');
    const id = lib.photos.insert(newPhoto(1, { folderId: folder.id }));
    expect(lib.folders.remove(folder.id)).toBe(true);
    expect(lib.photos.get(id)!.folderId).toBeNull();
  });
});
