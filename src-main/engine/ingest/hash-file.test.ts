import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus, readManifest } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { hashFile } from './hash-file.ts';

const digest = (algorithm: string, bytes: Buffer) => createHash(algorithm).update(bytes).digest('hex');

describe.skipIf(!hasCorpus)('hashFile on corpus files', () => {
  it('matches sha256 and sha1 of the whole buffer for a camera JPEG and a raw', async () => {
    const rows = readManifest();
    const picks = [rows.find((r) => r.format === 'JPEG'), rows.find((r) => r.path.startsWith('raw/'))].filter((r) => r !== undefined);
    expect(picks.length).toBeGreaterThan(0);
    for (const row of picks) {
      const file = corpusPath(row.path);
      const bytes = await readFile(file);
      const hashes = await hashFile(file);
      expect(hashes).toEqual({ sha256: digest('sha256', bytes), sha1: digest('sha1', bytes), size: bytes.length });
      expect(hashes.size).toBe(row.bytes);
    }
  });
});

describe('hashFile', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.cleanup();
  });

  it('hashes a file spanning several read chunks', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 12_345);
    const file = path.join(dir.path, 'big.bin');
    await writeFile(file, bytes);
    expect(await hashFile(file)).toEqual({ sha256: digest('sha256', bytes), sha1: digest('sha1', bytes), size: bytes.length });
  });

  it('hashes an empty file', async () => {
    const file = path.join(dir.path, 'empty.jpg');
    await writeFile(file, '');
    const hashes = await hashFile(file);
    expect(hashes.sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hashes.sha1).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(hashes.size).toBe(0);
  });

  it('reports a missing file as file-vanished and honours an aborted signal', async () => {
    await expect(hashFile(path.join(dir.path, 'nope.jpg'))).rejects.toMatchObject({ code: 'file-vanished' });
    const file = path.join(dir.path, 'x.bin');
    await writeFile(file, randomBytes(1024));
    const controller = new AbortController();
    const reason = new Error('cancelled');
    controller.abort(reason);
    await expect(hashFile(file, controller.signal)).rejects.toBe(reason);
  });
});
