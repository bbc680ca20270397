import { isMainThread, Worker } from 'node:worker_threads';
import type { Recipe } from '../../../contract/recipe.ts';
import type { Pixels } from './pixels.ts';
import { RenderError } from './render-error.ts';
import type { PlannedPass } from './render-plan.ts';
import { srgbHighToP3InPlace } from './srgb-to-p3.ts';
import { curveTables, curvesByTable, runTone, toneSteps } from './tone.ts';
import type { ToneStep } from './tone.ts';
import type { PassSize } from '../../recipes/op-module.ts';
import { LEAN_THREAD, siblingWorker } from '../../base/worker-url.ts';

export type ToneJob = {
  id: number;
  recipe: Recipe;
  forPreview: boolean;
  maxLongEdge: number | undefined;
  /** The tone passes are plan.passes[from, to). */
  from: number;
  to: number;
  /** The 16-bit samples (moved); the job's rows are the first `length` of them. */
  samples: ArrayBuffer;
  /** The samples are still sRGB levels in the high byte, to convert to P3 first (see ReadResult). */
  srgbPending: boolean;
  /** In samples. */
  length: number;
  width: number;
};
/** `samples`: the toned samples, moved back. */
export type ToneReply = { id: number; ok: true; samples: ArrayBuffer } | { id: number; ok: false; message: string } | { ready: true };

/**
 * Tone work is plain JavaScript: on the main thread a 24 MP photo's tone pass held the event loop
 * for ~250 ms (bench/pipeline's profile). A big image's pass goes to a helper thread, its samples
 * MOVED there and back (transferred: no copy, no shared memory). Sharp's own output buffers cannot
 * be moved: those are toned in place, a band of rows at a time, each band copied over and back
 * (16 MB pieces, a few ms of the event loop each), so the render never holds two full-size copies.
 * Shared memory was tried: a helper's heap kept every render's buffers alive until its own rare
 * garbage collection (1.3 GB of array buffers after 120 renders). Up to two helpers, so two renders
 * side by side each have one; a render waits when both are busy. The second starts only when two
 * renders meet: an idle helper holds 25-30 MB, and on two cores renders run one at a time unless a
 * loupe preview comes in between. Small images are not worth the
 * hand-off and stay on the main thread, as does everything when the helpers cannot start at all.
 * A render already on a worker thread (a render job: render/render-worker.ts) tones where it is.
 */
const MIN_HELPER_PIXELS = 250_000;
const HELPERS = 2;
const IDLE_MS = 60_000;

type Helper = { worker: Worker; ready: boolean; busy: boolean; pending: { id: number; resolve: (samples: ArrayBuffer) => void; reject: (e: Error) => void } | null };

const helpers: Helper[] = [];
let readyWaiters: Array<() => void> = [];
/** Renders waiting for a helper to be ready and free. */
let freeWaiters: Array<() => void> = [];
/** Helpers that died before they were ready, in a row: after a few, tone runs on the main thread. */
let startFailures = 0;
const MAX_START_FAILURES = 3;
let nextId = 1;
let idleTimer: NodeJS.Timeout | null = null;

function wakeWaiters(): void {
  wakeFree();
  if (helpers.some((h) => !h.ready)) return;
  for (const wake of readyWaiters) wake();
  readyWaiters = [];
}

function wakeFree(): void {
  const waiting = freeWaiters;
  freeWaiters = [];
  for (const wake of waiting) wake();
}

/** A free helper, marked busy; waits while none is. Null when the helpers cannot start. */
async function acquire(): Promise<Helper | null> {
  for (;;) {
    if (startFailures >= MAX_START_FAILURES) return null;
    growHelpers();
    const free = helpers.find((h) => h.ready && !h.busy);
    if (free) {
      free.busy = true;
      return free;
    }
    // Idle helpers never hold the process open, so a render waiting for one must: a one-off
    // `lightbox render` otherwise exited mid-render, with nothing written.
    const hold = setInterval(() => undefined, 60_000);
    try {
      await new Promise<void>((resolve) => freeWaiters.push(resolve));
    } finally {
      clearInterval(hold);
    }
  }
}

function startHelper(): Helper {
  const worker = new Worker(siblingWorker('tone-worker', import.meta.url), LEAN_THREAD);
  const helper: Helper = { worker, ready: false, busy: false, pending: null };
  worker.on('message', (reply: ToneReply) => {
    if ('ready' in reply) {
      helper.ready = true;
      startFailures = 0;
      wakeWaiters();
      return;
    }
    const job = helper.pending;
    if (!job || job.id !== reply.id) return;
    helper.pending = null;
    worker.unref();
    if (reply.ok) job.resolve(reply.samples);
    else job.reject(new RenderError('render-failed', `A tone step failed: ${reply.message}`));
  });
  const fail = (why: string) => {
    const at = helpers.indexOf(helper);
    if (at === -1) return;
    helpers.splice(at, 1);
    if (!helper.ready) startFailures += 1;
    // Whoever waits for readiness goes on without this helper.
    wakeWaiters();
    const job = helper.pending;
    helper.pending = null;
    job?.reject(new RenderError('render-failed', `The render's helper thread stopped (${why}); render the photo again.`));
  };
  worker.on('error', (error) => fail(error.message));
  worker.on('exit', (code) => fail(`exit code ${code}`));
  // Idle helpers must never keep a CLI run or a test process alive; a busy one must (its job is
  // awaited). unref() comes after the listeners: attaching 'message' references the worker again.
  worker.unref();
  return helper;
}

/** A helper more when every one is busy (or there is none yet), up to HELPERS. */
function growHelpers(): void {
  if (helpers.length < HELPERS && helpers.every((h) => h.busy)) helpers.push(startHelper());
  keepAlive();
}

function startHelpers(): void {
  while (helpers.length < HELPERS) helpers.push(startHelper());
  keepAlive();
}

/** The view's buffer when the view spans all of it (only then may it be moved), else null. */
function wholeBuffer(view: Uint8Array | Uint16Array): ArrayBuffer | null {
  const whole = view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer;
  return whole ? (view.buffer as ArrayBuffer) : null;
}

/**
 * Posts the job, moving its pixels; false when they cannot be moved: memory a native module owns
 * (sharp's output buffers) cannot be, and then nothing was sent.
 */
function postMoving(worker: Worker, job: ToneJob): boolean {
  try {
    worker.postMessage(job, [job.samples]);
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'DataCloneError') return false;
    throw error;
  }
}

/** Samples per band when sharp's own buffers are handed over a band at a time (16 MB of 16-bit samples). */
const BAND_SAMPLES = 8 * 1024 * 1024;

export type ToneRun = { recipe: Recipe; forPreview: boolean; maxLongEdge: number | undefined; passes: PlannedPass[]; from: number; to: number };

/**
 * Converts the rows to P3 when they are still sRGB (see ReadResult.srgbPending), then runs the tone
 * steps on them. Curves at the start of the run, when runTone would apply them through tables, are
 * looked up during the conversion instead of in a pass of their own over the samples.
 */
export function convertAndTone(steps: ToneStep[], px: Uint16Array, srgbPending: boolean, size: PassSize): void {
  if (!srgbPending) return runTone(steps, px, size);
  let lead = 0;
  while (lead < steps.length && steps[lead]!.kind === 'curve') lead++;
  if (lead === 0 || !curvesByTable(px.length)) {
    srgbHighToP3InPlace(px);
    return runTone(steps, px, size);
  }
  srgbHighToP3InPlace(px, curveTables(steps.slice(0, lead) as Array<Extract<ToneStep, { kind: 'curve' }>>));
  runTone(steps.slice(lead), px, size);
}

/**
 * Runs plan.passes[from, to) (all tone steps) on px, in place, on a helper thread when it pays.
 * With `srgbPending` (see ReadRequest.deferSrgb), px.data is converted to P3 first, in the same pass.
 */
export async function runToneSplit(px: Pixels, run: ToneRun, srgbPending = false): Promise<Pixels> {
  const steps = toneSteps(run.passes.slice(run.from, run.to));
  const big = px.width * px.height >= MIN_HELPER_PIXELS;
  const helper = big && isMainThread ? await acquire() : null;
  if (!helper) {
    convertAndTone(steps, px.data, srgbPending, px);
    return px;
  }
  keepAlive();
  const rowSamples = px.width * 3;
  const bandSamples = Math.max(1, Math.floor(BAND_SAMPLES / rowSamples)) * rowSamples;
  try {
    const own = wholeBuffer(px.data);
    const moved = own && (await toneOnHelper(helper, run, { samples: own, srgbPending, length: px.data.length, width: px.width }));
    if (moved) return { data: new Uint16Array(moved), width: px.width, height: px.height };
    // Sharp's own buffer, or part of a larger one: a whole copy to move would double the render's
    // largest buffer (6 bytes a pixel, 92 MB for 16 MP) until the garbage collector frees the
    // original. Tone steps are per pixel, so bands of whole rows give the same samples: each is
    // copied over and written back in place. One band's memory carries every band, moved there
    // and back: a fresh 16 MB buffer per band made the engine's garbage collector run several
    // times per render (bench/pipeline's profile: 1.8 s of its main thread on 36 photos).
    let carrier = new ArrayBuffer(Math.min(bandSamples, px.data.length) * Uint16Array.BYTES_PER_ELEMENT);
    for (let start = 0; start < px.data.length; start += bandSamples) {
      const band = px.data.subarray(start, start + bandSamples);
      new Uint16Array(carrier, 0, band.length).set(band);
      carrier = (await toneOnHelper(helper, run, { samples: carrier, srgbPending, length: band.length, width: px.width }))!;
      px.data.set(new Uint16Array(carrier, 0, band.length), start);
    }
    return px;
  } finally {
    helper.busy = false;
    wakeFree();
  }
}

type BandOfWork = Pick<ToneJob, 'samples' | 'srgbPending' | 'length' | 'width'>;

/** One job on the helper; null when its samples could not be moved (nothing was sent). */
function toneOnHelper(helper: Helper, run: ToneRun, work: BandOfWork): Promise<ArrayBuffer | null> {
  const id = nextId++;
  return new Promise<ArrayBuffer | null>((resolve, reject) => {
    helper.pending = { id, resolve, reject };
    const job: ToneJob = { id, recipe: run.recipe, forPreview: run.forPreview, maxLongEdge: run.maxLongEdge, from: run.from, to: run.to, ...work };
    helper.worker.ref();
    if (postMoving(helper.worker, job)) return;
    helper.pending = null;
    helper.worker.unref();
    resolve(null);
  });
}

/** The helpers are ended after a quiet spell (an idle thread still holds ~30 MB) and restarted on demand. */
function keepAlive(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    idleTimer = null;
    if (helpers.some((h) => h.busy)) return keepAlive();
    for (const h of helpers.splice(0)) void h.worker.terminate();
  }, IDLE_MS);
  idleTimer.unref();
}

/**
 * Starts the helpers now and resolves once they can take work (an app can call this at start-up so
 * the first previews are split too; tests call it to exercise the split).
 */
export function warmToneWorker(): Promise<void> {
  startHelpers();
  if (helpers.every((h) => h.ready)) return Promise.resolve();
  return new Promise((resolve) => readyWaiters.push(resolve));
}

/** Helper threads running or starting (for tests). */
export function toneHelperCount(): number {
  return helpers.length;
}

/** For tests and shutdown: ends the helper threads now. */
export async function stopToneWorker(): Promise<void> {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  await Promise.all(helpers.splice(0).map((h) => h.worker.terminate()));
}
