import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from './library.ts';

let dir: string;
let lib: Library;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-repos-'));
  lib = openLibrary(path.join(dir, 'lightbox.db'));
});
afterEach(async () => {
  lib.close();
  await rm(dir, { recursive: true, force: true });
});

describe('FoldersRepo', () => {
  it('adds with defaults, finds, updates a subset and removes', () => {
    const added = lib.folders.add('/photos/hot', { polling: true, exclude: ['*.tmp'] });
    expect(added).toMatchObject({ path: '/photos/hot', recursive: true, polling: true, include: [], exclude: ['*.tmp'], afterIngest: 'keep', enabled: true });
    expect(added.id).toBeGreaterThan(0);
    expect(lib.folders.findByPath('/photos/hot')).toEqual(added);
    expect(lib.folders.findByPath('/nope')).toBeNull();

    const updated = lib.folders.update(added.id, { afterIngest: 'delete', polling: undefined });
    expect(updated).toEqual({ ...added, afterIngest: 'delete' });
    expect(lib.folders.get(added.id)).toEqual(updated);

    lib.folders.add('/photos/other');
    expect(lib.folders.list().map((f) => f.path)).toEqual(['/photos/hot', '/photos/other']);
    expect(lib.folders.remove(added.id)).toBe(true);
    expect(lib.folders.remove(added.id)).toBe(false);
    expect(lib.folders.get(added.id)).toBeNull();
  });

  it('rejects a duplicate path and invalid options', () => {
    lib.folders.add('/hot');
    expect(() => lib.folders.add('/hot')).toThrow(/UNIQUE/);
    expect(() => lib.folders.add('/x', { afterIngest: 'shred' as never })).toThrow();
    expect(() => lib.folders.update(999, { enabled: false })).toThrow(/no hot folder 999/);
  });
});

describe('FilesRepo', () => {
  const sha = 'c'.repeat(64);

  it('finds a file version by path and stat, and records it idempotently', () => {
    const photoId = lib.photos.insert({ folderId: null, sha256: sha, sha1: null, fileName: 'a.jpg', sourcePath: '/hot/a.jpg', bytes: 10, originalPath: 'o/a.jpg', error: null, captureDate: null });
    const mtimeMs = 1716000000123.4567;
    const first = lib.files.record({ folderId: null, path: '/hot/a.jpg', size: 10, mtimeMs, sha256: sha, photoId, outcome: 'ingested', error: null });
    const again = lib.files.record({ folderId: null, path: '/hot/a.jpg', size: 10, mtimeMs, sha256: sha, photoId, outcome: 'ingested', error: null });
    expect(again).toBe(first);
    expect(lib.files.findByPathAndStat('/hot/a.jpg', 10, mtimeMs)).toMatchObject({ id: first, photoId, outcome: 'ingested', sha256: sha, error: null, mtimeMs });
    expect(lib.files.findByPathAndStat('/hot/a.jpg', 11, mtimeMs)).toBeNull();
    expect(lib.files.findByPathAndStat('/hot/a.jpg', 10, mtimeMs + 1)).toBeNull();
  });

  it('lists duplicates and counts outcomes', () => {
    const photoId = lib.photos.insert({ folderId: null, sha256: sha, sha1: null, fileName: 'a.jpg', sourcePath: '/hot/a.jpg', bytes: 10, originalPath: 'o/a.jpg', error: null, captureDate: null });
    const base = { folderId: null, size: 10, mtimeMs: 5, sha256: sha, photoId, error: null };
    lib.files.record({ ...base, path: '/hot/a.jpg', outcome: 'ingested' });
    lib.files.record({ ...base, path: '/hot/b.jpg', outcome: 'duplicate' });
    lib.files.record({ ...base, path: '/hot/c.jpg', outcome: 'duplicate' });
    lib.files.record({ ...base, path: '/hot/bad.jpg', sha256: null, photoId: null, outcome: 'failed', error: { code: 'empty-file', message: 'Empty.' } });

    expect(lib.files.duplicatesOf(photoId).map((d) => d.path)).toEqual(['/hot/b.jpg', '/hot/c.jpg']);
    expect(lib.files.duplicatesOf(photoId)[0]).toMatchObject({ photoId, seenAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(lib.files.countByOutcome()).toEqual({ ingested: 1, duplicate: 2, failed: 1 });
    expect(lib.files.findByPathAndStat('/hot/bad.jpg', 10, 5)!.error).toEqual({ code: 'empty-file', message: 'Empty.' });
  });
});

describe('HashCacheRepo', () => {
  it('returns hashes only for the same size and mtime, and replaces a path on put', () => {
    lib.hashCache.put('/hot/a.jpg', 10, 1.5, 'd'.repeat(64), 'e'.repeat(40));
    expect(lib.hashCache.get('/hot/a.jpg', 10, 1.5)).toEqual({ sha256: 'd'.repeat(64), sha1: 'e'.repeat(40) });
    expect(lib.hashCache.get('/hot/a.jpg', 10, 2.5)).toBeNull();
    lib.hashCache.put('/hot/a.jpg', 12, 2.5, 'f'.repeat(64), '0'.repeat(40));
    expect(lib.hashCache.get('/hot/a.jpg', 10, 1.5)).toBeNull();
    expect(lib.hashCache.get('/hot/a.jpg', 12, 2.5)).toEqual({ sha256: 'f'.repeat(64), sha1: '0'.repeat(40) });
  });
});

describe('SettingsRepo', () => {
  it('round-trips JSON values and survives a reopen', () => {
    expect(lib.settings.get('immich')).toBeUndefined();
    lib.settings.set('immich', { url: 'http://127.0.0.1:2283', albums: ['a'] });
    lib.settings.set('count', 3);
    lib.settings.set('count', 4);
    lib.close();
    lib = openLibrary(path.join(dir, 'lightbox.db'));
    expect(lib.settings.get('immich')).toEqual({ url: 'http://127.0.0.1:2283', albums: ['a'] });
    expect(lib.settings.get('count')).toBe(4);
    lib.settings.delete('count');
    expect(lib.settings.get('count')).toBeUndefined();
  });
});
