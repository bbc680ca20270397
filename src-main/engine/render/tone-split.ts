import { Worker } from 'node:worker_threads';
import type { Recipe } from '../../contract/recipe.ts';
import type { Pixels } from './pixels.ts';
import { RenderError } from './render-error.ts';
import type { PlannedPass } from './render-plan.ts';
import { srgb8ToP3Into } from './srgb-to-p3.ts';
import { runTone, toneSteps } from './tone.ts';
import type { ToneStep } from './tone.ts';
import type { PassSize } from '../recipes/op-module.ts';

export type ToneJob = {
  id: number;
  recipe: Recipe;
  forPreview: boolean;
  maxLongEdge: number | undefined;
  /** The tone passes are plan.passes[from, to). */
  from: number;
  to: number;
  samples: SharedArrayBuffer;
  /** 8-bit sRGB samples to convert into `samples` first (same offsets), if any. */
  srgb8: SharedArrayBuffer | undefined;
  /** In samples; a whole number of rows. */
  offset: number;
  length: number;
  width: number;
};
export type ToneReply = { id: number; ok: true } | { id: number; ok: false; message: string } | { ready: true };

/**
 * Tone work is plain JavaScript, so it runs on one core while the machine has two (sharp's own
 * stages use both). Every tone step is per pixel, so the image splits by rows: a helper thread
 * takes the bottom half while the main thread does the top, and the result is the same to the bit.
 * One helper, used by one render at a time: when renders overlap they already fill both cores, so
 * a busy helper means "do it all here", never a queue. Small images are not worth the hand-off,
 * and neither is a helper still loading its modules: the first render starts it and does not wait.
 */
const MIN_SPLIT_PIXELS = 250_000;
const IDLE_MS = 60_000;

let worker: Worker | null = null;
let ready = false;
let readyWaiters: Array<() => void> = [];
let busy = false;
let nextId = 1;
let idleTimer: NodeJS.Timeout | null = null;
let pending: { id: number; resolve: () => void; reject: (e: Error) => void } | null = null;

function startWorker(): Worker {
  const w = new Worker(new URL('./tone-worker.ts', import.meta.url));
  // Must never keep a CLI run or a test process alive.
  w.unref();
  w.on('message', (reply: ToneReply) => {
    if ('ready' in reply) {
      if (worker !== w) return;
      ready = true;
      for (const wake of readyWaiters) wake();
      readyWaiters = [];
      return;
    }
    const job = pending;
    if (!job || job.id !== reply.id) return;
    pending = null;
    if (reply.ok) job.resolve();
    else job.reject(new RenderError('render-failed', `A tone step failed: ${reply.message}`));
  });
  const fail = (why: string) => {
    if (worker !== w) return;
    worker = null;
    ready = false;
    // Whoever waits for readiness goes on without the helper.
    for (const wake of readyWaiters) wake();
    readyWaiters = [];
    const job = pending;
    pending = null;
    job?.reject(new RenderError('render-failed', `The render's helper thread stopped (${why}); render the photo again.`));
  };
  w.on('error', (error) => fail(error.message));
  w.on('exit', (code) => fail(`exit code ${code}`));
  return w;
}

function sharedBytes(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  copy.set(bytes);
  return copy;
}

function shared(px: Pixels): Pixels {
  if (px.data.buffer instanceof SharedArrayBuffer) return px;
  const data = new Uint16Array(new SharedArrayBuffer(px.data.byteLength));
  data.set(px.data);
  return { ...px, data };
}

export type ToneRun = { recipe: Recipe; forPreview: boolean; maxLongEdge: number | undefined; passes: PlannedPass[]; from: number; to: number };

/** Converts the rows' 8-bit sRGB samples (if any), then runs the tone steps on them. */
export function convertAndTone(steps: ToneStep[], px: Uint16Array, srgb8: Uint8Array | undefined, size: PassSize): void {
  if (srgb8) srgb8ToP3Into(srgb8, px);
  runTone(steps, px, size);
}

/**
 * Runs plan.passes[from, to) (all tone steps) on px, split across two threads when it pays. With
 * `srgb8` (see ReadRequest.deferSrgb), px.data is filled from it first, in the same split.
 */
export async function runToneSplit(px: Pixels, run: ToneRun, srgb8?: Uint8Array): Promise<Pixels> {
  const steps = toneSteps(run.passes.slice(run.from, run.to));
  const rows = px.height;
  if (busy || px.width * px.height < MIN_SPLIT_PIXELS || rows < 2 || !worker || !ready) {
    if (!busy && px.width * px.height >= MIN_SPLIT_PIXELS) {
      worker ??= startWorker();
      keepAlive();
    }
    convertAndTone(steps, px.data, srgb8, px);
    return px;
  }
  busy = true;
  keepAlive();
  const w = worker;
  try {
    px = shared(px);
    const source = srgb8 && srgb8.buffer instanceof SharedArrayBuffer ? srgb8 : srgb8 && sharedBytes(srgb8);
    const topRows = Math.ceil(rows / 2);
    const offset = topRows * px.width * 3;
    const id = nextId++;
    const done = new Promise<void>((resolve, reject) => {
      pending = { id, resolve, reject };
    });
    const job: ToneJob = {
      id, recipe: run.recipe, forPreview: run.forPreview, maxLongEdge: run.maxLongEdge, from: run.from, to: run.to,
      samples: px.data.buffer as SharedArrayBuffer, srgb8: source?.buffer as SharedArrayBuffer | undefined, offset, length: px.data.length - offset, width: px.width,
    };
    w.postMessage(job);
    convertAndTone(steps, px.data.subarray(0, offset), source?.subarray(0, offset), { width: px.width, height: topRows });
    await done;
    return px;
  } finally {
    busy = false;
  }
}

/** The helper is ended after a quiet spell (an idle thread still holds ~30 MB) and restarted on demand. */
function keepAlive(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    idleTimer = null;
    const w = worker;
    if (!w || busy) return;
    worker = null;
    ready = false;
    void w.terminate();
  }, IDLE_MS);
  idleTimer.unref();
}

/**
 * Starts the helper now and resolves once it can take work (an app can call this at start-up so
 * the first previews are split too; tests call it to exercise the split).
 */
export function warmToneWorker(): Promise<void> {
  worker ??= startWorker();
  keepAlive();
  if (ready) return Promise.resolve();
  return new Promise((resolve) => readyWaiters.push(resolve));
}

/** For tests and shutdown: ends the helper thread now. */
export async function stopToneWorker(): Promise<void> {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  const w = worker;
  worker = null;
  ready = false;
  if (w) await w.terminate();
}
