import { statfs } from 'node:fs/promises';
import path from 'node:path';

/**
 * A write that found its disk full. Every writer that can fill a disk (ingest, render, the preview
 * cache, backups) throws this instead of its own error, so the queue can tell "wait for space" from
 * "this file is bad": the kind is paused, not retried into the wall (jobs/kind-pauses.ts).
 */
export class DiskFullError extends Error {
  readonly code = 'disk-full' as const;
  /** The folder that was being written. */
  readonly folder: string;
  /** Free bytes for us on that filesystem when the write failed (after its partial file was removed). */
  readonly freeBytes: number | null;
  /** What the write needed, when the writer knew. */
  readonly neededBytes: number | null;

  constructor(folder: string, freeBytes: number | null, neededBytes: number | null, options?: { cause?: unknown }) {
    const free = freeBytes === null ? 'its free space could not be read' : `${formatBytes(freeBytes)} free`;
    const needed = neededBytes === null ? '' : `, ${formatBytes(neededBytes)} needed`;
    super(`The disk holding ${folder} is full (${free}${needed}). Lightbox waits and carries on by itself once there is space again.`, options);
    this.name = 'DiskFullError';
    this.folder = folder;
    this.freeBytes = freeBytes;
    this.neededBytes = neededBytes;
  }
}

/** ENOSPC (no space), EDQUOT (over quota), SQLite's SQLITE_FULL: all mean "free space, then it works". */
export function isNoSpaceErrno(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL';
}

/** A DiskFullError, or an error caused (at any depth) by one or by ENOSPC/EDQUOT. */
export function isDiskFull(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DiskFullError || isNoSpaceErrno(e)) return true;
  }
  return false;
}

/** The DiskFullError in `error`'s cause chain, if any. */
export function findDiskFull(error: unknown): DiskFullError | null {
  for (let e: unknown = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DiskFullError) return e;
  }
  return null;
}

/** Bytes an unprivileged writer may still use on the filesystem holding `dir` (the nearest existing parent). */
export async function freeBytes(dir: string): Promise<number> {
  let at = path.resolve(dir);
  for (;;) {
    try {
      const info = await statfs(at);
      return info.bavail * info.bsize;
    } catch (error) {
      const parent = path.dirname(at);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === at) throw error;
      at = parent;
    }
  }
}

/** The filesystem's whole size, for a headroom that scales with the disk. */
export async function totalBytes(dir: string): Promise<number> {
  const info = await statfs(path.resolve(dir));
  return info.blocks * info.bsize;
}

/**
 * Runs a write; if the disk was full, throws a DiskFullError for `folder` (measured after `fn`
 * cleaned up its partial file, so the free space it names is what is really there). Other errors
 * pass through untouched.
 */
export async function failDiskFull<T>(folder: string, neededBytes: number | null, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof DiskFullError || !isDiskFull(error)) throw error;
    throw await diskFullError(folder, neededBytes, error);
  }
}

export async function diskFullError(folder: string, neededBytes: number | null, cause: unknown): Promise<DiskFullError> {
  const free = await freeBytes(folder).catch(() => null);
  return new DiskFullError(folder, free, neededBytes, { cause });
}

/** "3.2 MB" style, decimal units as file managers show them. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e12) return `${(bytes / 1e12).toFixed(1)} TB`;
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} B`;
}
