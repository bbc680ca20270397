import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CareError } from '../care-error.ts';
import { readManifest, type Manifest } from './backup-manifest.ts';

/**
 * Opens a backup folder for a run. A folder that is not there is `backup-unavailable` (an unplugged
 * disk, an unmounted share), never created: making it would write the backup onto the computer's own
 * disk under the empty mount point. Only a first backup (`create`) makes the last folder level, and
 * only when its parent exists.
 */
export async function openTarget(dir: string, libraryId: string, options: { create: boolean }): Promise<Manifest | null> {
  const info = await stat(dir).catch(() => null);
  if (!info) {
    const parent = await stat(path.dirname(dir)).catch(() => null);
    if (!options.create || !parent?.isDirectory()) throw unavailable(dir);
    await mkdir(dir).catch((error: unknown) => {
      throw new CareError('backup-failed', `The backup folder ${dir} cannot be created: ${(error as Error).message}`, { cause: error });
    });
  } else if (!info.isDirectory()) {
    throw new CareError('backup-failed', `${dir} is a file, not a folder: choose a folder for the backup.`);
  }
  const manifest = await readManifest(dir);
  if (manifest && manifest.libraryId !== libraryId) {
    throw new CareError('backup-failed', `${dir} holds the backup of another Lightbox library (${manifest.libraryPath}). Choose an empty folder for this library.`);
  }
  if (!manifest && !options.create) {
    throw new CareError('backup-unavailable', `${dir} is there but holds no Lightbox backup any more: if it is where a disk or share is mounted, plug it in or mount it again.`);
  }
  return manifest;
}

export function unavailable(dir: string): CareError {
  return new CareError('backup-unavailable', `The backup folder ${dir} is not there: plug in its disk or mount its share, then back up again.`);
}
