import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { failDiskFull } from '../base/disk-space.ts';
import { fsyncDirectory } from '../ingest/originals-store.ts';

/**
 * Writes `data` to `target` so that a reader (or a crash) sees the old file or the new one, never
 * half of one: a hidden temp file in the same folder, fsync, rename, fsync the folder. The temp name
 * follows the originals store's `.name.random.lbtmp` pattern, so the sweep at start removes what a
 * crash leaves behind. A full disk throws DiskFullError naming the folder, with the temp file gone.
 */
export async function writeFileAtomic(target: string, data: Buffer | string): Promise<void> {
  const dir = path.dirname(target);
  await failDiskFull(dir, Buffer.byteLength(data), () => write(dir, target, data));
}

async function write(dir: string, target: string, data: Buffer | string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.lbtmp`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    await fsyncDirectory(dir);
  } finally {
    await rm(temp, { force: true }).catch(() => undefined);
  }
}
