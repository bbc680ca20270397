import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ErrorCode } from '../../contract/errors.ts';
import { LEAN_THREAD, siblingWorker } from '../base/worker-url.ts';
import { AnalysisError } from './analysis-error.ts';
import type { PixelMath } from './pixel-math.ts';
import type { MathCall, MathReply } from './pixel-math-protocol.ts';

type Pending = { resolve: (result: unknown) => void; reject: (error: Error) => void };
type Helper = { worker: Worker; pending: Map<number, Pending>; idle: NodeJS.Timeout | null };

export type PixelMathPoolOptions = {
  /** Worker threads (default: 2, or 1 on a single core: two analyze jobs run side by side). */
  workers?: number;
  /** A worker with nothing to do is ended after this long (its heap goes with it). */
  idleMs?: number;
};

/**
 * PixelMath in worker threads: the plain-JS analysis steps (tens of milliseconds each) leave the
 * engine's event loop, which measured p99 delays of 80-110 ms with them on it (bench/pipeline). Each
 * call goes to the worker with the fewest calls in flight; a worker that dies fails only its own
 * calls and is replaced on the next one. Idle workers never keep the process alive.
 */
export class PixelMathPool implements PixelMath {
  readonly #size: number;
  readonly #idleMs: number;
  readonly #helpers: Helper[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: PixelMathPoolOptions = {}) {
    this.#size = Math.max(1, options.workers ?? Math.min(2, os.availableParallelism()));
    this.#idleMs = options.idleMs ?? 60_000;
  }

  readonly quality: PixelMath['quality'] = (rgb) => this.#call({ fn: 'quality', input: rgb }) as ReturnType<PixelMath['quality']>;
  readonly hash: PixelMath['hash'] = (rgb) => this.#call({ fn: 'hash', input: rgb }) as ReturnType<PixelMath['hash']>;
  readonly crops: PixelMath['crops'] = (input) => this.#call({ fn: 'crops', input }) as ReturnType<PixelMath['crops']>;
  readonly enhance: PixelMath['enhance'] = (input) => this.#call({ fn: 'enhance', input }) as ReturnType<PixelMath['enhance']>;

  /** Workers running now (tests). */
  get threads(): number {
    return this.#helpers.length;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = this.#helpers.splice(0);
    await Promise.all(all.map((h) => h.worker.terminate()));
  }

  #call(call: MathCall): Promise<unknown> {
    if (this.#closed) return Promise.reject(new AnalysisError('job-failed', 'The analysis helpers are closed (the engine is stopping).'));
    const helper = this.#pick();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      helper.pending.set(id, { resolve, reject });
      if (helper.idle) clearTimeout(helper.idle);
      helper.idle = null;
      helper.worker.ref();
      // The pixels are copied, not transferred: the caller uses them for the next step too.
      helper.worker.postMessage({ id, call });
    });
  }

  #pick(): Helper {
    const least = this.#helpers.reduce<Helper | null>((best, h) => (best === null || h.pending.size < best.pending.size ? h : best), null);
    if (least && (least.pending.size === 0 || this.#helpers.length >= this.#size)) return least;
    return this.#start();
  }

  #start(): Helper {
    const worker = new Worker(siblingWorker('pixel-math-worker', import.meta.url), LEAN_THREAD);
    const helper: Helper = { worker, pending: new Map(), idle: null };
    this.#helpers.push(helper);
    worker.on('message', (reply: MathReply) => {
      const p = helper.pending.get(reply.id);
      if (!p) return;
      helper.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.result);
      else p.reject(new AnalysisError((reply.code as ErrorCode | null) ?? 'job-failed', reply.message));
      if (helper.pending.size === 0) this.#rest(helper);
    });
    const gone = (why: string) => {
      const at = this.#helpers.indexOf(helper);
      if (at !== -1) this.#helpers.splice(at, 1);
      if (helper.idle) clearTimeout(helper.idle);
      for (const p of helper.pending.values()) p.reject(new AnalysisError('job-failed', `The analysis helper thread stopped (${why}).`));
      helper.pending.clear();
    };
    worker.on('error', (error) => gone(error.message));
    worker.on('exit', (code) => gone(`exit code ${code}`));
    return helper;
  }

  #rest(helper: Helper): void {
    helper.worker.unref();
    helper.idle = setTimeout(() => void helper.worker.terminate(), this.#idleMs);
    helper.idle.unref();
  }
}
