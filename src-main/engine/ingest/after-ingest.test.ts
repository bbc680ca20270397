import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { applyAfterIngest, DONE_DIR } from './after-ingest.ts';
import { IngestError } from './ingest-error.ts';

describe('applyAfterIngest', () => {
  let root: Awaited<ReturnType<typeof tempDir>>;
  const put = async (rel: string, bytes: Buffer | string) => {
    const file = path.join(root.path, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
    return file;
  };

  beforeEach(async () => {
    root = await tempDir();
  });
  afterEach(async () => {
    await root.cleanup();
  });

  it('keep leaves the source where it is', async () => {
    const source = await put('a.jpg', 'photo');
    expect(await applyAfterIngest('keep', source, root.path)).toEqual({ action: 'kept' });
    expect(await readFile(source, 'utf8')).toBe('photo');
  });

  it('delete unlinks the source, and a repeat after a crash is not an error', async () => {
    const source = await put('sub/a.jpg', 'photo');
    expect(await applyAfterIngest('delete', source, root.path)).toEqual({ action: 'deleted' });
    expect(existsSync(source)).toBe(false);
    expect(await applyAfterIngest('delete', source, root.path)).toEqual({ action: 'deleted' });
  });

  it('move-to-done keeps the relative path, the bytes and the mtime', async () => {
    const bytes = randomBytes(10_000);
    const source = await put('2024/day1/IMG_1.JPG', bytes);
    const mtime = new Date('2024-05-01T12:00:00Z');
    await utimes(source, mtime, mtime);
    const result = await applyAfterIngest('move-to-done', source, root.path);
    const expected = path.join(root.path, DONE_DIR, '2024/day1/IMG_1.JPG');
    expect(result).toEqual({ action: 'moved', to: expected });
    expect(existsSync(source)).toBe(false);
    expect((await readFile(expected)).equals(bytes)).toBe(true);
    expect((await stat(expected)).mtimeMs).toBe(mtime.getTime());
  });

  it('never overwrites in done/: same names get -2, -3', async () => {
    const existing = await put(`${DONE_DIR}/IMG_1.JPG`, 'older photo');
    const first = await put('IMG_1.JPG', 'second');
    const moved1 = await applyAfterIngest('move-to-done', first, root.path);
    const third = await put('IMG_1.JPG', 'third');
    const moved2 = await applyAfterIngest('move-to-done', third, root.path);
    expect(moved1.to).toBe(path.join(root.path, DONE_DIR, 'IMG_1-2.JPG'));
    expect(moved2.to).toBe(path.join(root.path, DONE_DIR, 'IMG_1-3.JPG'));
    expect(await readFile(existing, 'utf8')).toBe('older photo');
    expect(await readFile(moved1.to as string, 'utf8')).toBe('second');
    expect(await readFile(moved2.to as string, 'utf8')).toBe('third');
  });

  it('refuses to move what is gone, outside the folder, or already in done/', async () => {
    const gone = path.join(root.path, 'gone.jpg');
    const error = await applyAfterIngest('move-to-done', gone, root.path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestError);
    expect((error as IngestError).code).toBe('file-vanished');
    await expect(applyAfterIngest('move-to-done', path.join(path.dirname(root.path), 'x.jpg'), root.path)).rejects.toThrow(TypeError);
    const inDone = await put(`${DONE_DIR}/x.jpg`, 'x');
    await expect(applyAfterIngest('move-to-done', inDone, root.path)).rejects.toThrow(TypeError);
    expect(await readFile(inDone, 'utf8')).toBe('x');
  });

  // done/ on another filesystem (a symlink to tmpfs) forces the EXDEV copy path.
  const otherDevice = '/dev/shm';
  const crossDevice = existsSync(otherDevice) && statSync(otherDevice).dev !== statSync(os.tmpdir()).dev;
  it.runIf(crossDevice)('moves across devices by copy, fsync, size check and unlink', async () => {
    const elsewhere = await mkdtemp(path.join(otherDevice, 'lightbox-done-'));
    try {
      await symlink(elsewhere, path.join(root.path, DONE_DIR));
      expect(statSync(elsewhere).dev).not.toBe(statSync(root.path).dev);
      const bytes = randomBytes(200_000);
      const source = await put('sub/a.jpg', bytes);
      const mtime = new Date('2023-01-02T03:04:05Z');
      await utimes(source, mtime, mtime);
      await put(`${DONE_DIR}/sub/a.jpg`, 'taken');
      const result = await applyAfterIngest('move-to-done', source, root.path);
      expect(result).toEqual({ action: 'moved', to: path.join(root.path, DONE_DIR, 'sub/a-2.jpg') });
      expect(existsSync(source)).toBe(false);
      const target = path.join(elsewhere, 'sub/a-2.jpg');
      expect((await readFile(target)).equals(bytes)).toBe(true);
      expect((await stat(target)).mtimeMs).toBe(mtime.getTime());
      expect(await readFile(path.join(elsewhere, 'sub/a.jpg'), 'utf8')).toBe('taken');
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });
});
