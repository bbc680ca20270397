import { Worker } from 'node:worker_threads';
import path from 'node:path';
import type { HeicRequest, HeicResponse } from './heic-protocol.ts';
import { MediaError } from './media-error.ts';
import { siblingWorker } from '../base/worker-url.ts';

export type DecodedHeic = Omit<Extract<HeicResponse, { ok: true }>, 'tiff'> & { tiff: Buffer };

/**
 * A pool of one worker for libheif. One is enough: the machine has 2 cores and sharp already uses
 * them; what matters is that a 0.5–2 s wasm decode never blocks the engine's event loop.
 * The worker is ended after a quiet spell because wasm memory only grows (a 48 MP decode leaves
 * a ~250 MB heap behind) and restarted on demand (~100 ms).
 */
const IDLE_MS = 15_000;

type Pending = { request: HeicRequest; resolve: (r: DecodedHeic) => void; reject: (e: MediaError) => void };

let worker: Worker | null = null;
let inFlight: Pending | null = null;
const queue: Pending[] = [];
let nextId = 1;
let idleTimer: NodeJS.Timeout | null = null;

function startWorker(): Worker {
  const w = new Worker(siblingWorker('heic-worker', import.meta.url));
  w.on('message', (response: HeicResponse) => {
    const job = inFlight;
    if (!job || job.request.id !== response.id) return;
    inFlight = null;
    if (response.ok) job.resolve({ ...response, tiff: Buffer.from(response.tiff) });
    else job.reject(new MediaError(response.code, response.message));
    pump();
  });
  const fail = (why: string) => {
    // A worker we ended ourselves (idle stop) has no job; its exit must not touch the new one's.
    if (worker !== w) return;
    worker = null;
    const job = inFlight;
    inFlight = null;
    job?.reject(new MediaError('heic-decode-failed', `The HEIC decoder stopped while reading ${path.basename(job.request.filePath)} (${why}); the file may be damaged or too large for memory.`));
    pump();
  };
  w.on('error', (error) => fail(error.message));
  w.on('exit', (code) => fail(`exit code ${code}`));
  return w;
}

function pump(): void {
  if (inFlight) return;
  const job = queue.shift();
  if (!job) {
    // Idle: never keep a finished CLI run or test process alive. (unref() only after the
    // listeners: attaching a 'message' listener references the worker again.)
    worker?.unref();
    scheduleIdleStop();
    return;
  }
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  worker ??= startWorker();
  // Busy: a run whose only pending work is this decode must not exit under it.
  worker.ref();
  inFlight = job;
  worker.postMessage(job.request);
}

function scheduleIdleStop(): void {
  if (idleTimer || !worker) return;
  idleTimer = setTimeout(() => {
    idleTimer = null;
    const w = worker;
    worker = null;
    if (w && !inFlight) void w.terminate();
  }, IDLE_MS);
  idleTimer.unref();
}

/** Decodes the primary image (or first frame) of a HEIC/HEIF file off the main thread. */
export function decodeHeic(filePath: string, maxPixels: number): Promise<DecodedHeic> {
  return new Promise((resolve, reject) => {
    queue.push({ request: { id: nextId++, filePath, maxPixels }, resolve, reject });
    pump();
  });
}

/** For tests and shutdown: ends the worker now. */
export async function stopHeicWorker(): Promise<void> {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  const w = worker;
  worker = null;
  if (w) await w.terminate();
}
