import { stat } from 'node:fs/promises';
import { errnoCode, IngestError, NotStableError } from './ingest-error.ts';

export type StableOptions = {
  /** How long size and mtime must stay unchanged. */
  quietMs?: number;
  pollMs?: number;
  /** Give up on a file that keeps changing (a log-like writer, a stuck copy). */
  timeoutMs?: number;
  signal?: AbortSignal;
};

export type StableFile = { size: number; mtimeMs: number };

/**
 * Resolves once a file's size and mtime have not changed for `quietMs` (observed by us, not inferred
 * from an old mtime: SMB/NFS clients and some copy tools set mtime late or to the source's value).
 *
 * Why this rule and not "can I open it exclusively": exclusive opens mean different things per OS
 * (Windows share modes; advisory-only locks on POSIX, which cp/rsync/Finder never take), and they do
 * nothing across a network share. A quiet size+mtime is the portable signal; the caller then checks
 * the content (end markers, then a real decode) because a writer may pause longer than `quietMs`.
 *
 * Rejects with IngestError 'file-vanished' when the file disappears, 'read-failed' when it cannot be
 * stat'ed, NotStableError after `timeoutMs`, and the signal's reason when aborted.
 */
export async function waitUntilStable(absPath: string, options: StableOptions = {}): Promise<StableFile> {
  const { quietMs = 1000, pollMs = 250, timeoutMs = 10 * 60_000, signal } = options;
  const started = performance.now();
  let last = await statOrThrow(absPath, signal);
  let quietSince = performance.now();
  for (;;) {
    const now = performance.now();
    if (now - quietSince >= quietMs) return last;
    if (now - started >= timeoutMs) {
      throw new NotStableError(`"${absPath}" was still changing after ${Math.round(timeoutMs / 1000)} s; it was not taken.`);
    }
    await sleep(Math.min(pollMs, quietMs - (now - quietSince)), signal);
    const current = await statOrThrow(absPath, signal);
    if (current.size !== last.size || current.mtimeMs !== last.mtimeMs) {
      last = current;
      quietSince = performance.now();
    }
  }
}

async function statOrThrow(absPath: string, signal: AbortSignal | undefined): Promise<StableFile> {
  signal?.throwIfAborted();
  try {
    const s = await stat(absPath);
    if (!s.isFile()) throw new IngestError('read-failed', `"${absPath}" is not a regular file.`);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch (error) {
    if (error instanceof IngestError) throw error;
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') {
      throw new IngestError('file-vanished', `"${absPath}" disappeared before it finished arriving.`, { cause: error });
    }
    throw new IngestError('read-failed', `Cannot read "${absPath}": ${(error as Error).message}`, { cause: error });
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
