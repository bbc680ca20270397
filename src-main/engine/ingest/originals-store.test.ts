import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus, readManifest } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { hashFile } from './hash-file.ts';
import { IngestError } from './ingest-error.ts';
import { storeOriginal, sweepTempFiles } from './originals-store.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.skipIf(!hasCorpus)('storeOriginal', () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  let libraryDir: string;
  let source: string;
  let bytes: Buffer;
  let hash: string;
  const date = new Date(2021, 2, 15, 10, 30);

  beforeEach(async () => {
    work = await tempDir();
    libraryDir = path.join(work.path, 'library');
    const row = readManifest().find((r) => r.format === 'JPEG');
    if (!row) throw new Error('corpus has no JPEG');
    source = path.join(work.path, 'hot', 'IMG 0001.JPG');
    await mkdir(path.dirname(source), { recursive: true });
    await copyFile(corpusPath(row.path), source);
    bytes = await readFile(source);
    hash = sha256(bytes);
  });
  afterEach(async () => {
    await work.cleanup();
  });

  it('stores identical bytes at originals/YYYY/MM/{sha8}_{name} and leaves the source untouched', async () => {
    const before = await stat(source);
    const stored = await storeOriginal({ source, libraryDir, sha256: hash, fileName: 'IMG 0001.JPG', date });
    expect(stored).toEqual({ relativePath: `originals/2021/03/${hash.slice(0, 8)}_IMG 0001.JPG`, reused: false });
    expect(sha256(await readFile(path.join(libraryDir, stored.relativePath)))).toBe(hash);
    const after = await stat(source);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.size).toBe(before.size);
    expect((await readFile(source)).equals(bytes)).toBe(true);
    // No temp file left behind beside it.
    expect(await readdir(path.join(libraryDir, 'originals/2021/03'))).toEqual([`${hash.slice(0, 8)}_IMG 0001.JPG`]);
  });

  it('files by the local calendar month, not UTC (New Year\'s Eve in Los Angeles stays in December)', async () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      const newYearsEve = new Date(2020, 11, 31, 23, 30);
      expect(newYearsEve.getUTCMonth()).toBe(0); // proves the test would catch a UTC implementation
      const stored = await storeOriginal({ source, libraryDir, sha256: hash, fileName: 'a.jpg', date: newYearsEve });
      expect(stored.relativePath.startsWith('originals/2020/12/')).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('is idempotent: a second call reuses the stored file', async () => {
    const first = await storeOriginal({ source, libraryDir, sha256: hash, fileName: 'IMG 0001.JPG', date });
    const storedStat = await stat(path.join(libraryDir, first.relativePath));
    const second = await storeOriginal({ source, libraryDir, sha256: hash, fileName: 'IMG 0001.JPG', date });
    expect(second).toEqual({ relativePath: first.relativePath, reused: true });
    expect((await stat(path.join(libraryDir, first.relativePath))).mtimeMs).toBe(storedStat.mtimeMs);
    expect(await readdir(path.join(libraryDir, 'originals/2021/03'))).toHaveLength(1);
  });

  it('picks a new name when a different file already holds the name, and leaves that file alone', async () => {
    const dir = path.join(libraryDir, 'originals/2021/03');
    const squatter = path.join(dir, `${hash.slice(0, 8)}_IMG 0001.JPG`);
    await mkdir(dir, { recursive: true });
    await writeFile(squatter, 'another photo with the same prefix and name');
    const stored = await storeOriginal({ source, libraryDir, sha256: hash, fileName: 'IMG 0001.JPG', date });
    expect(stored).toEqual({ relativePath: `originals/2021/03/${hash.slice(0, 8)}_IMG 0001-2.JPG`, reused: false });
    expect(await readFile(squatter, 'utf8')).toBe('another photo with the same prefix and name');
    expect(sha256(await readFile(path.join(libraryDir, stored.relativePath)))).toBe(hash);
    // And the retry of that store finds its own copy under the suffixed name.
    const again = await storeOriginal({ source, libraryDir, sha256: hash, fileName: 'IMG 0001.JPG', date });
    expect(again).toEqual({ relativePath: stored.relativePath, reused: true });
  });

  it('refuses a copy that does not hash to the expected sha256 and leaves nothing behind', async () => {
    const wrong = sha256(Buffer.from('not these bytes'));
    const error = await storeOriginal({ source, libraryDir, sha256: wrong, fileName: 'IMG 0001.JPG', date }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestError);
    expect((error as IngestError).code).toBe('hash-mismatch');
    expect(await readdir(path.join(libraryDir, 'originals/2021/03'))).toEqual([]);
    expect((await readFile(source)).equals(bytes)).toBe(true);
  });

  it('sanitises the stored name', async () => {
    const stored = await storeOriginal({ source, libraryDir, sha256: hash, fileName: 'a/b:c?.jpg. ', date });
    expect(stored.relativePath).toBe(`originals/2021/03/${hash.slice(0, 8)}_a_b_c_.jpg`);
  });

  it('stores a read-only source (camera cards) with a normal, fsync-able mode', async () => {
    await chmod(source, 0o444);
    const stored = await storeOriginal({ source, libraryDir, sha256: hash, fileName: 'ro.jpg', date });
    const mode = (await stat(path.join(libraryDir, stored.relativePath))).mode & 0o777;
    expect(mode).toBe(0o644);
    expect((await hashFile(path.join(libraryDir, stored.relativePath))).sha256).toBe(hash);
  });

  it('reports a vanished source as file-vanished', async () => {
    const missing = path.join(work.path, 'hot', 'gone.jpg');
    await expect(storeOriginal({ source: missing, libraryDir, sha256: hash, fileName: 'gone.jpg', date })).rejects.toMatchObject({
      code: 'file-vanished',
    });
  });
});

describe('sweepTempFiles', () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    work = await tempDir();
  });
  afterEach(async () => {
    await work.cleanup();
  });

  it('removes crash leftovers anywhere in the library and nothing else', async () => {
    const month = path.join(work.path, 'originals/2020/01');
    await mkdir(month, { recursive: true });
    await writeFile(path.join(month, '.abcd1234_x.jpg.1a2b3c4d5e6f.lbtmp'), 'partial');
    await writeFile(path.join(month, 'abcd1234_x.jpg'), 'kept');
    await writeFile(path.join(month, 'abcd1234_y.lbtmp.jpg'), 'kept too');
    await writeFile(path.join(work.path, '.z.jpg.000000000000.lbtmp'), 'partial');
    expect(await sweepTempFiles(work.path)).toBe(2);
    expect((await readdir(month)).sort()).toEqual(['abcd1234_x.jpg', 'abcd1234_y.lbtmp.jpg']);
    expect(await sweepTempFiles(path.join(work.path, 'does-not-exist'))).toBe(0);
  });
});
