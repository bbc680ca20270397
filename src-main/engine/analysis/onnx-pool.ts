import { AsyncLocalStorage } from 'node:async_hooks';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AnalysisError } from './analysis-error.ts';
import { defaultModelsDir, getModel, verifyModel, weightPath, type ModelEntry } from './model-manifest.ts';
import type { FeedData, RunReply, RunRequest, TensorData, WorkerInit } from './onnx-protocol.ts';
import { LEAN_THREAD, siblingWorker } from '../base/worker-url.ts';
import { convertedModelFile } from './models/converted-model.ts';
import { isConvertible } from './models/tfjs-to-onnx.ts';

export type { FeedData, TensorData } from './onnx-protocol.ts';
export type ModelOutputs = Record<string, TensorData>;

export type PoolOptions = {
  modelsDir?: string;
  /**
   * ORT intra-op threads per session; by default 1 for small models and 2 (capped by the cores) for
   * large ones. Measured on our shared 2-core machine with bench/analysis.ts: BlazeFace 9-11 ms/run with
   * 1 thread vs 18-23 ms with 2 (thread hand-off costs more than the tiny graph); ISNet 9-10 s with 1
   * vs 5.5-5.9 s with 2 at load ~2.4, but 11-15 s vs 29 s at load 5-7. LIGHTBOX_ORT_THREADS overrides.
   */
  intraOpNumThreads?: number;
  /** A model's worker (and its session's memory) is released after this long without requests. */
  idleMs?: number;
};

/** Models below this many bytes run single-threaded (see PoolOptions.intraOpNumThreads). */
const SMALL_MODEL_BYTES = 10_000_000;

function defaultThreads(modelBytes: number | null): number {
  const fromEnv = Number(process.env.LIGHTBOX_ORT_THREADS);
  const cores = os.availableParallelism();
  if (Number.isInteger(fromEnv) && fromEnv > 0) return Math.min(fromEnv, cores);
  return modelBytes !== null && modelBytes < SMALL_MODEL_BYTES ? 1 : Math.max(1, Math.min(2, cores));
}

type Pending = { resolve: (outputs: ModelOutputs) => void; reject: (err: Error) => void };
type Waiting = { req: RunRequest; transfer: ArrayBuffer[]; priority: number } & Pending;

/**
 * The priority of the inferences started inside `inferencePriority.run(p, ...)`: the analysis of
 * the photo open in the loupe passes its job's priority, so its inferences go before those of the
 * background backlog waiting for the same model (each model runs one inference at a time).
 */
export const inferencePriority = new AsyncLocalStorage<number>();

/** Inference time inside the worker (session.run only), for benchmarks and `doctor`. */
export type ModelStats = { runs: number; totalMs: number; lastMs: number };

class ModelWorker {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();
  private readonly waiting: Waiting[] = [];
  readonly stats: ModelStats = { runs: 0, totalMs: 0, lastMs: 0 };
  private readonly idleMs: number;
  private idleTimer: NodeJS.Timeout | null = null;
  private exited = false;
  /**
   * Set when the idle timer ends the worker: its exit is reported a moment later, and a request
   * given to it in between failed with "stopped" (an analysis retried for nothing).
   */
  private retiring = false;
  private nextId = 1;

  constructor(init: WorkerInit, options: { idleMs: number; onGone: () => void }) {
    this.idleMs = options.idleMs;
    const script = init.runtime === 'tfjs' ? 'objects/tfjs-worker' : 'onnx-worker';
    this.worker = new Worker(siblingWorker(script, import.meta.url), { ...LEAN_THREAD, workerData: init });
    this.worker.on('message', (reply: RunReply) => this.settle(reply));
    this.worker.on('error', (err) => this.fail(new AnalysisError('job-failed', `The model worker crashed: ${err.message}`, { cause: err })));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.fail(new AnalysisError('job-failed', `The model worker stopped (exit code ${code}).`));
      options.onGone();
    });
    this.worker.unref();
  }

  get alive(): boolean {
    return !this.exited && !this.retiring;
  }

  run(feeds: Record<string, FeedData>, outputNames: string[]): Promise<ModelOutputs> {
    const id = this.nextId++;
    const req: RunRequest = { id, feeds, outputNames };
    const transfer = Object.values(feeds).map((t) => t.data.buffer as ArrayBuffer);
    const priority = inferencePriority.getStore() ?? 0;
    return new Promise<ModelOutputs>((resolve, reject) => {
      // Highest priority first, then in order of arrival.
      const at = this.waiting.findIndex((w) => w.priority < priority);
      this.waiting.splice(at === -1 ? this.waiting.length : at, 0, { req, transfer, priority, resolve, reject });
      this.busy();
      this.sendNext();
    });
  }

  /**
   * One request in the worker at a time (it runs them one by one anyway): the rest wait here, where
   * a more urgent one can still go ahead of them.
   */
  private sendNext(): void {
    if (this.pending.size > 0 || this.exited) return;
    const next = this.waiting.shift();
    if (!next) return;
    this.pending.set(next.req.id, { resolve: next.resolve, reject: next.reject });
    this.worker.postMessage(next.req, next.transfer);
  }

  private busy(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    // Keep the process alive only while a request is in flight.
    this.worker.ref();
  }

  private settle(reply: RunReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (reply.ok) {
      this.stats.runs++;
      this.stats.totalMs += reply.ms;
      this.stats.lastMs = reply.ms;
      p.resolve(reply.outputs);
    }
    else p.reject(new AnalysisError('job-failed', `Model inference failed: ${reply.message}`));
    this.sendNext();
    if (this.pending.size === 0) {
      this.worker.unref();
      this.idleTimer = setTimeout(() => {
        this.retiring = true;
        void this.worker.terminate();
      }, this.idleMs);
      this.idleTimer.unref();
    }
  }

  private fail(err: Error): void {
    for (const p of [...this.pending.values(), ...this.waiting]) p.reject(err);
    this.pending.clear();
    this.waiting.length = 0;
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (!this.exited) await this.worker.terminate();
  }
}

/** One worker per model, created on first use; each worker runs one inference at a time. */
export class OnnxPool {
  private readonly workers = new Map<string, ModelWorker>();
  private readonly verified = new Map<string, Promise<void>>();
  private readonly loads = new Map<string, Promise<{ runtime: WorkerInit['runtime']; modelPath: string }>>();
  private readonly modelsDir: string;
  private readonly threads: number | undefined;
  private readonly idleMs: number;

  constructor(options: PoolOptions = {}) {
    this.modelsDir = options.modelsDir ?? defaultModelsDir;
    this.threads = options.intraOpNumThreads;
    this.idleMs = options.idleMs ?? 120_000;
  }

  /** Hashing once per process (~50 ms for 44 MB) keeps a damaged or swapped weight file from loading. */
  private verifyOnce(modelId: string): Promise<void> {
    let p = this.verified.get(modelId);
    if (!p) {
      p = verifyModel(modelId, { modelsDir: this.modelsDir }).then((check) => {
        if (!check.ok) throw new AnalysisError(check.code, check.message);
      });
      p.catch(() => this.verified.delete(modelId));
      this.verified.set(modelId, p);
    }
    return p;
  }

  /**
   * A tfjs graph model (a model.json and its shards) runs on onnxruntime once converted, when every
   * op it uses can be: NanoDet in 56 ms per photo against 222 ms on tfjs-wasm, the NSFW classifier
   * in 26 against 74, and no second runtime resident (bench/analysis.ts). Decided once per model;
   * a conversion that fails for any other reason leaves the model on tfjs, and says why.
   */
  private loadOf(model: ModelEntry): Promise<{ runtime: WorkerInit['runtime']; modelPath: string }> {
    let p = this.loads.get(model.id);
    if (!p) {
      const modelPath = weightPath(model, this.modelsDir);
      p = !modelPath.endsWith('.json')
        ? Promise.resolve({ runtime: 'onnx' as const, modelPath })
        : isConvertible(modelPath).then(async (yes) => {
          if (!yes) return { runtime: 'tfjs' as const, modelPath };
          try {
            return { runtime: 'tfjs-converted' as const, modelPath: await convertedModelFile(model, modelPath, this.modelsDir ?? defaultModelsDir) };
          } catch (error) {
            console.error(`[lightbox] ${model.id} stays on tfjs: ${(error as Error).message}`);
            return { runtime: 'tfjs' as const, modelPath };
          }
        });
      p.catch(() => this.loads.delete(model.id));
      this.loads.set(model.id, p);
    }
    return p;
  }

  /**
   * Runs `modelId` on `feeds` in that model's worker. The feeds' buffers are transferred, so the
   * caller's Float32Arrays are detached (empty) afterwards.
   */
  async run(modelId: string, feeds: Record<string, TensorData>, outputNames: string[]): Promise<ModelOutputs> {
    const model = getModel(modelId, this.modelsDir);
    await this.verifyOnce(modelId);
    const { runtime, modelPath } = await this.loadOf(model);
    let w = this.workers.get(modelId);
    if (!w?.alive) {
      const created: ModelWorker = new ModelWorker(
        { modelPath, intraOpNumThreads: this.threads ?? defaultThreads(model.bytes), runtime, optimizedDirs: this.optimizedDirs() },
        { idleMs: this.idleMs, onGone: () => this.workers.get(modelId) === created && this.workers.delete(modelId) },
      );
      w = created;
      this.workers.set(modelId, w);
    }
    return w.run(feeds, outputNames);
  }

  /**
   * Runs an ONNX file that is not in the npm-obtained model list (a model-manager download such as
   * a CLIP encoder pair). The caller verifies the file (the model manager hashes it at install and
   * on `verify`); `key` names the worker so each file keeps one cached session.
   */
  async runFile(key: string, modelPath: string, feeds: Record<string, FeedData>, outputNames: string[], options: { bytes?: number } = {}): Promise<ModelOutputs> {
    let w = this.workers.get(key);
    if (!w?.alive) {
      const created: ModelWorker = new ModelWorker(
        { modelPath, intraOpNumThreads: this.threads ?? defaultThreads(options.bytes ?? null), optimizedDirs: this.optimizedDirs() },
        { idleMs: this.idleMs, onGone: () => this.workers.get(key) === created && this.workers.delete(key) },
      );
      w = created;
      this.workers.set(key, w);
    }
    return w.run(feeds, outputNames);
  }

  /** Beside the models' download cache; where that folder cannot be written (an installed app), the system's temp folder. */
  private optimizedDirs(): string[] {
    return [path.join(this.modelsDir, 'cache', 'optimized'), path.join(os.tmpdir(), 'lightbox-optimized')];
  }

  /** Worker threads currently alive, by model id (for stats and tests). */
  activeWorkers(): Worker[] {
    return [...this.workers.values()].map((w) => w.worker);
  }

  stats(modelId: string): ModelStats | null {
    const w = this.workers.get(modelId);
    return w ? { ...w.stats } : null;
  }

  async close(): Promise<void> {
    const all = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(all.map((w) => w.close()));
  }
}

let shared: OnnxPool | null = null;

export function getPool(): OnnxPool {
  shared ??= new OnnxPool();
  return shared;
}

export function runModel(modelId: string, feeds: Record<string, TensorData>, outputNames: string[]): Promise<ModelOutputs> {
  return getPool().run(modelId, feeds, outputNames);
}

export async function closePool(): Promise<void> {
  const p = shared;
  shared = null;
  await p?.close();
}
