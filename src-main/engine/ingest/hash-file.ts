import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { errnoCode, IngestError } from './ingest-error.ts';

export type FileHashes = { sha256: string; sha1: string; size: number };

// Large reads: hashing runs at ~1 GB/s here, so 64 KiB chunks would spend their time in stream overhead.
const CHUNK_BYTES = 1024 * 1024;

/**
 * SHA-256 (our dedup key) and SHA-1 (what Immich checks) from ONE read of the file. Opens read-only.
 * Rejects with IngestError 'file-vanished' / 'read-failed', or the signal's reason when aborted.
 */
export async function hashFile(absPath: string, signal?: AbortSignal): Promise<FileHashes> {
  return hashWith(absPath, true, signal) as Promise<FileHashes>;
}

/** SHA-256 alone: re-checking a stored copy needs no SHA-1, and it would double the CPU. */
export async function sha256OfFile(absPath: string, signal?: AbortSignal): Promise<string> {
  return (await hashWith(absPath, false, signal)).sha256;
}

async function hashWith(absPath: string, withSha1: boolean, signal?: AbortSignal): Promise<{ sha256: string; sha1: string | null; size: number }> {
  signal?.throwIfAborted();
  const sha256 = createHash('sha256');
  const sha1 = withSha1 ? createHash('sha1') : null;
  let size = 0;
  try {
    const stream = createReadStream(absPath, { highWaterMark: CHUNK_BYTES, signal });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      sha256.update(chunk);
      sha1?.update(chunk);
      size += chunk.length;
    }
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new IngestError('file-vanished', `"${absPath}" disappeared before it could be read.`, { cause: error });
    }
    throw new IngestError('read-failed', `Cannot read "${absPath}": ${(error as Error).message}`, { cause: error });
  }
  return { sha256: sha256.digest('hex'), sha1: sha1?.digest('hex') ?? null, size };
}
