import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { failDiskFull } from '../../base/disk-space.ts';
import { isIngestError } from '../../ingest/ingest-error.ts';
import { sha256OfFile } from '../../ingest/hash-file.ts';
import { copyVerified } from '../../ingest/originals-store.ts';

/**
 * One file into a backup, or back out of one: the originals store's copy (temp, fsync, re-hash
 * against `sha256`, rename), with its folder made first and a full disk reported as DiskFullError
 * naming that folder. Other failures are the store's IngestErrors ('hash-mismatch', 'file-vanished',
 * 'store-failed').
 */
export async function copyInto(source: string, destination: string, sha256: string, bytes: number | null): Promise<void> {
  const dir = path.dirname(destination);
  await failDiskFull(dir, bytes, async () => {
    await mkdir(dir, { recursive: true });
    await copyVerified(source, destination, sha256);
  });
}

/** The SHA-256 of a file, or null when it is not there. */
export async function hashIfPresent(file: string, signal?: AbortSignal): Promise<string | null> {
  try {
    return await sha256OfFile(file, signal);
  } catch (error) {
    if (isIngestError(error, 'file-vanished')) return null;
    throw error;
  }
}
