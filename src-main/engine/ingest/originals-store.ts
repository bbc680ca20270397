import { randomBytes } from 'node:crypto';
import { chmod, constants, copyFile, lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { failDiskFull } from '../base/disk-space.ts';
import { sha256OfFile } from './hash-file.ts';
import { errnoCode, IngestError } from './ingest-error.ts';
import { sanitizeFileName, splitExtension } from './safe-file-name.ts';

export type StoreOriginalInput = {
  source: string;
  libraryDir: string;
  /** SHA-256 (hex) the caller computed from the source; the stored bytes must hash to it. */
  sha256: string;
  fileName: string;
  /** Capture date: picks `originals/YYYY/MM`. */
  date: Date;
};

export type StoredOriginal = {
  /** Relative to the library folder, always with `/` so a library can move between OSes. */
  relativePath: string;
  /** True when an identical file was already stored under this name (a retry after a crash). */
  reused: boolean;
};

const TEMP_SUFFIX = '.lbtmp';
const MAX_COLLISIONS = 1000;

/**
 * Writes an original once (DESIGN §2): copy to a hidden temp file in the target folder, fsync it,
 * re-hash it against `sha256`, rename into place, fsync the folder. Nothing writes to it afterwards.
 *
 * The folder is `originals/YYYY/MM` from `date`'s LOCAL calendar fields, not UTC: EXIF capture times
 * carry no zone and exifr returns them as local wall-clock Dates, so the local fields are the ones
 * the camera wrote (a photo taken on 31 Dec 23:30 must not land in January). Throws RangeError for an
 * invalid Date: the caller falls back to the file's mtime.
 *
 * The re-hash runs on the temp file, before the rename, rather than on the final name afterwards:
 * same bytes (same inode), but an unverified file then never sits under a final name, so "the
 * target exists" always means "verified once", which is what makes the reuse path below safe after a
 * crash. Caveat: right after writing, the read is usually served from the page cache, so this proves
 * the copy (and that the source did not change since it was hashed), not the disk's media.
 *
 * Name collisions: if `{sha8}_{name}` exists with our hash it is reused; with other content (a
 * different photo with the same 8-hex prefix and name) we try `{sha8}_{stem}-2{ext}`, `-3`, ...
 * Two concurrent stores of the same bytes under the same name may both rename; the loser replaces
 * identical bytes, which is harmless.
 *
 * Errors: IngestError 'hash-mismatch' (nothing is left behind), 'file-vanished' (source gone),
 * 'store-failed' (the library could not be written); DiskFullError when its disk is full (nothing is
 * left behind either: the temp file is removed before the free space is measured).
 */
export async function storeOriginal(input: StoreOriginalInput): Promise<StoredOriginal> {
  const needed = (await lstat(input.source).catch(() => null))?.size ?? null;
  return failDiskFull(path.join(input.libraryDir, 'originals'), needed, () => store(input));
}

async function store(input: StoreOriginalInput): Promise<StoredOriginal> {
  const { source, libraryDir, fileName, date } = input;
  const sha256 = input.sha256.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new TypeError(`storeOriginal: "${input.sha256}" is not a SHA-256 hex digest`);
  if (Number.isNaN(date.getTime())) throw new RangeError('storeOriginal: invalid capture date');

  const year = String(date.getFullYear()).padStart(4, '0');
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const relDir = `originals/${year}/${month}`;
  const dir = path.join(libraryDir, 'originals', year, month);
  const { stem, ext } = splitExtension(sanitizeFileName(fileName));
  const prefix = sha256.slice(0, 8);

  await wrapStoreErrors(() => mkdir(dir, { recursive: true }), dir);
  for (let n = 1; n <= MAX_COLLISIONS; n++) {
    const name = n === 1 ? `${prefix}_${stem}${ext}` : `${prefix}_${stem}-${n}${ext}`;
    const target = path.join(dir, name);
    const relativePath = `${relDir}/${name}`;
    const existing = await lstat(target).catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT') return null;
      throw storeFailed(target, error);
    });
    if (existing) {
      if (existing.isFile() && (await sha256OfFile(target)) === sha256) return { relativePath, reused: true };
      continue;
    }
    await copyVerified(source, target, sha256);
    return { relativePath, reused: false };
  }
  throw new IngestError('store-failed', `Too many different files named "${fileName}" with the same hash prefix in ${dir}.`);
}

/**
 * Copies `source` to `target` so that `target` never holds anything but bytes hashing to `sha256`:
 * a hidden temp file beside it, fsync, re-hash, rename (replacing what was there), fsync the folder.
 * Also what backups and restores copy with (care/). IngestError 'hash-mismatch' (nothing is left
 * behind), 'file-vanished' (source gone), 'store-failed' (the target folder could not be written).
 */
export async function copyVerified(source: string, target: string, sha256: string): Promise<void> {
  const dir = path.dirname(target);
  const name = path.basename(target);
  const temp = path.join(dir, `.${name}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  try {
    try {
      // copyFile opens the source read-only and lets the kernel copy (copy_file_range, clonefile).
      await copyFile(source, temp, constants.COPYFILE_EXCL);
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOENT' && !(await exists(dir))) throw storeFailed(dir, error);
      if (code === 'ENOENT') {
        throw new IngestError('file-vanished', `"${source}" disappeared before it could be copied.`, { cause: error });
      }
      throw storeFailed(target, error);
    }
    // copyFile copies the source's mode; a read-only card file would make the temp unopenable for fsync.
    await wrapStoreErrors(() => chmod(temp, 0o644), temp);
    await wrapStoreErrors(() => fsyncPath(temp, 'r+'), temp);
    const stored = await sha256OfFile(temp);
    if (stored !== sha256) {
      throw new IngestError(
        'hash-mismatch',
        `The copy of "${source}" in ${dir} does not match the file that was read (expected ${sha256.slice(0, 12)}…, got ${stored.slice(0, 12)}…). The source may have changed while it was being copied; nothing was stored.`,
      );
    }
    await wrapStoreErrors(() => rename(temp, target), target);
    await fsyncDirectory(dir);
  } finally {
    await rm(temp, { force: true }).catch(() => undefined);
  }
}

/**
 * Removes `.*.lbtmp` files a crash left anywhere in the library. Call it at start, before any ingest
 * runs: it cannot tell a crashed copy from one in progress. Returns how many were removed.
 */
export async function sweepTempFiles(libraryDir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(libraryDir, { recursive: true, withFileTypes: true });
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 0;
    throw error;
  }
  let removed = 0;
  for (const entry of entries) {
    if (entry.isFile() && entry.name.startsWith('.') && entry.name.endsWith(TEMP_SUFFIX)) {
      await rm(path.join(entry.parentPath, entry.name), { force: true });
      removed++;
    }
  }
  return removed;
}

async function fsyncPath(target: string, flags: string): Promise<void> {
  const handle = await open(target, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes the rename durable. Windows cannot open a directory (EISDIR/EPERM) and NTFS journals the
 * rename itself; some network filesystems refuse fsync on directories (EINVAL/ENOTSUP): skip there.
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  try {
    await fsyncPath(dir, 'r');
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EISDIR' || code === 'EPERM' || code === 'EINVAL' || code === 'ENOTSUP' || code === 'EBADF') return;
    throw storeFailed(dir, error);
  }
}

async function wrapStoreErrors<T>(fn: () => Promise<T>, where: string): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw error instanceof IngestError ? error : storeFailed(where, error);
  }
}

function storeFailed(where: string, error: unknown): IngestError {
  return new IngestError('store-failed', `Cannot write "${where}": ${(error as Error).message}`, { cause: error });
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}
