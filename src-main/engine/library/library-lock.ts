import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * One process owns a library at a time. That is what lets the queue treat every job still marked
 * "running" at start as abandoned by a crash, instead of waiting for its lease to run out.
 */
export type LibraryLock = { release(): Promise<void> };

export async function lockLibrary(libraryDir: string): Promise<LibraryLock> {
  const file = path.join(libraryDir, 'lightbox.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.sync();
      await handle.close();
      return { release: () => rm(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new Error(`The library ${libraryDir} is in use by another Lightbox (process ${owner}). Close it first, or choose another library.`);
      }
      // The owner died without releasing (a crash): the lock is stale.
      await rm(file, { force: true });
    }
  }
  throw new Error(`Could not lock the library ${libraryDir}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
