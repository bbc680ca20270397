import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * A real, size-limited filesystem for disk-full tests: a tmpfs of a few megabytes mounted on a
 * temp folder. Needs the right to mount (root on Linux); `canMountSmallDisk` says whether this
 * machine gives it, so a test can skip (and say why) instead of failing.
 */
export const canMountSmallDisk: boolean = (() => {
  if (process.platform !== 'linux') return false;
  const probe = mkdtempSync(path.join(os.tmpdir(), 'lightbox-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();

export type SmallDisk = {
  dir: string;
  /** Writes a filler file so that about `leaveBytes` stay free; returns its path (delete it to free the space). */
  fill(leaveBytes: number): Promise<string>;
  unmount(): void;
};

export function mountSmallDisk(parent: string, megabytes: number): SmallDisk {
  const dir = mkdtempSync(path.join(parent, 'disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir], { stdio: 'ignore' });
  let fillers = 0;
  return {
    dir,
    async fill(leaveBytes) {
      const info = await statfs(dir);
      const free = info.bavail * info.bsize;
      const file = path.join(dir, `filler-${fillers++}`);
      const handle = await open(file, 'w');
      try {
        await handle.write(Buffer.alloc(Math.max(0, free - leaveBytes)));
      } finally {
        await handle.close();
      }
      return file;
    },
    unmount() {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
