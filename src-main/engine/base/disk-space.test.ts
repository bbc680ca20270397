import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { DiskFullError, failDiskFull, findDiskFull, formatBytes, freeBytes, isDiskFull } from './disk-space.ts';

/**
 * A full disk at the write call: /dev/full answers every write with a real ENOSPC from the kernel,
 * so the classification is tested on the error Node really raises (the whole path, on a small
 * mounted filesystem, is care/disk-full.integration.test.ts).
 */
describe.skipIf(process.platform !== 'linux')('disk-full at the write call', () => {
  it('turns a real ENOSPC into disk-full naming the folder and its free space', async () => {
    const error = await failDiskFull(os.tmpdir(), 2_500_000, () => writeFile('/dev/full', Buffer.alloc(4096))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiskFullError);
    const full = error as DiskFullError;
    expect(full.code).toBe('disk-full');
    expect(full.folder).toBe(os.tmpdir());
    // The free space of the folder's disk, measured when it failed (other writers may move it a little since).
    expect(Math.abs((await freeBytes(os.tmpdir())) - full.freeBytes!)).toBeLessThan(256 * 1024 * 1024);
    expect(full.message).toContain(os.tmpdir());
    expect(full.message).toMatch(/\d+(\.\d)? (B|kB|MB|GB|TB) free, 2\.5 MB needed/);
    expect((full.cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
    // Found under any wrapper a writer puts around it.
    const wrapped = new Error('store failed', { cause: new Error('copy failed', { cause: full }) });
    expect(findDiskFull(wrapped)).toBe(full);
    expect(isDiskFull(wrapped)).toBe(true);
  });

  it('lets every other failure through untouched', async () => {
    const missing = await failDiskFull(os.tmpdir(), null, () => writeFile('/nonexistent-dir/x', 'x')).catch((e: unknown) => e);
    expect(missing).not.toBeInstanceOf(DiskFullError);
    expect((missing as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(isDiskFull(missing)).toBe(false);
  });

  it('measures free space from the nearest folder that exists, and says sizes the way file managers do', async () => {
    expect(await freeBytes(`${os.tmpdir()}/not/made/yet`)).toBeGreaterThan(0);
    expect([formatBytes(999), formatBytes(338_025), formatBytes(2_500_000), formatBytes(8e9)]).toEqual(['999 B', '338 kB', '2.5 MB', '8.0 GB']);
  });
});
