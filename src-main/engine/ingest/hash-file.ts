import { Worker } from 'node:worker_threads';
import { IngestError } from './ingest-error.ts';
import type { HashRequest, HashResponse } from './hash-protocol.ts';
import { LEAN_THREAD, siblingWorker } from '../base/worker-url.ts';

export type FileHashes = { sha256: string; sha1: string; size: number };

/**
 * SHA-256 (our dedup key) and SHA-1 (what Immich checks) from ONE read of the file, opened
 * read-only. Rejects with IngestError 'file-vanished' / 'read-failed', or the signal's reason.
 *
 * The reading and hashing run on a worker thread: at ~1 GB/s hashing is a quarter of what the
 * engine's own thread did during an ingest (measured with --cpu-prof), time it could not spend
 * handing work to sharp, answering the UI or committing to SQLite.
 */
export async function hashFile(absPath: string, signal?: AbortSignal): Promise<FileHashes> {
  const result = await hashOffThread(absPath, true, signal);
  return { sha256: result.sha256, sha1: result.sha1!, size: result.size };
}

/** SHA-256 alone: re-checking a stored copy needs no SHA-1, and it would double the CPU. */
export async function sha256OfFile(absPath: string, signal?: AbortSignal): Promise<string> {
  return (await hashOffThread(absPath, false, signal)).sha256;
}

type Done = Extract<HashResponse, { ok: true }>;
type Waiting = { resolve: (r: Done) => void; reject: (e: Error) => void; path: string };

let worker: Worker | null = null;
const waiting = new Map<number, Waiting>();
let nextId = 1;

function hashOffThread(absPath: string, sha1: boolean, signal?: AbortSignal): Promise<Done> {
  signal?.throwIfAborted();
  return new Promise<Done>((resolve, reject) => {
    const id = nextId++;
    const onAbort = () => {
      // The worker finishes the file anyway; its answer is simply not wanted any more.
      waiting.delete(id);
      holdWhileBusy();
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    waiting.set(id, { path: absPath, resolve: (r) => (done(), resolve(r)), reject: (e) => (done(), reject(e)) });
    const request: HashRequest = { id, path: absPath, sha1 };
    worker ??= startWorker();
    holdWhileBusy();
    worker.postMessage(request);
  });
}

/**
 * Referenced while a hash is awaited (else a CLI run whose only pending work is a hash would just
 * exit), unreferenced when idle so it never keeps a finished run alive. Listeners must be attached
 * before unref(): attaching a 'message' listener references the worker again.
 */
function holdWhileBusy(): void {
  if (waiting.size > 0) worker?.ref();
  else worker?.unref();
}

function startWorker(): Worker {
  const w = new Worker(siblingWorker('hash-worker', import.meta.url), LEAN_THREAD);
  w.on('message', (response: HashResponse) => {
    const job = waiting.get(response.id);
    if (!job) return;
    waiting.delete(response.id);
    holdWhileBusy();
    if (response.ok) job.resolve(response);
    else job.reject(readError(job.path, response.code, response.message));
  });
  const fail = (why: string) => {
    if (worker !== w) return;
    worker = null;
    for (const [id, job] of waiting) {
      waiting.delete(id);
      job.reject(new IngestError('read-failed', `Cannot read "${job.path}": the hashing thread stopped (${why}).`));
    }
  };
  w.on('error', (error) => fail(error.message));
  w.on('exit', (code) => fail(`exit code ${code}`));
  return w;
}

function readError(absPath: string, code: string | null, message: string): IngestError {
  const cause = Object.assign(new Error(message), { code });
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new IngestError('file-vanished', `"${absPath}" disappeared before it could be read.`, { cause });
  }
  return new IngestError('read-failed', `Cannot read "${absPath}": ${message}`, { cause });
}
