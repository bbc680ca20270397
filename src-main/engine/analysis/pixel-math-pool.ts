import os from 'node:os';
import type { ErrorCode } from '../../contract/errors.ts';
import { ThreadPool } from '../base/thread-pool.ts';
import { siblingWorker } from '../base/worker-url.ts';
import { AnalysisError } from './analysis-error.ts';
import type { PixelMath } from './pixel-math.ts';
import type { MathCall, MathReply } from './pixel-math-protocol.ts';

/**
 * Threads by default: one per core beyond the first, at most two (two analyze jobs run side by side).
 * On two cores the engine's thread, the model threads and the render thread already share both, so
 * a second pixel-maths thread added its heap and no speed: bench/pipeline, six alternated pairs,
 * peak RSS 727-745 MB with one against 788-837 MB with two, wall (mean 13.8 against 13.7 s) and CPU
 * (23.2 against 23.6 s) the same within the noise.
 */
export const defaultPixelMathThreads = (cores = os.availableParallelism()): number => Math.min(2, Math.max(1, cores - 1));

export type PixelMathPoolOptions = {
  /** Worker threads (default: defaultPixelMathThreads()). */
  workers?: number;
  /** A worker with nothing to do is ended after this long (its heap goes with it). */
  idleMs?: number;
};

/**
 * PixelMath in worker threads (base/thread-pool.ts): the plain-JS analysis steps (tens of
 * milliseconds each) leave the engine's event loop, which measured p99 delays of 80-110 ms with
 * them on it (bench/pipeline).
 */
export class PixelMathPool implements PixelMath {
  readonly #pool: ThreadPool<MathReply>;

  constructor(options: PixelMathPoolOptions = {}) {
    this.#pool = new ThreadPool<MathReply>({
      script: siblingWorker('pixel-math-worker', import.meta.url),
      maxThreads: Math.max(1, options.workers ?? defaultPixelMathThreads()),
      idleMs: options.idleMs ?? 60_000,
      settle: (reply) => (reply.ok ? { value: reply.result } : { error: new AnalysisError((reply.code as ErrorCode | null) ?? 'job-failed', reply.message) }),
      closed: () => new AnalysisError('job-failed', 'The analysis helpers are closed (the engine is stopping).'),
      stopped: (why) => new AnalysisError('job-failed', `The analysis helper thread stopped (${why}).`),
    });
  }

  readonly quality: PixelMath['quality'] = (rgb) => this.#call({ fn: 'quality', input: rgb }) as ReturnType<PixelMath['quality']>;
  readonly hash: PixelMath['hash'] = (rgb) => this.#call({ fn: 'hash', input: rgb }) as ReturnType<PixelMath['hash']>;
  readonly crops: PixelMath['crops'] = (input) => this.#call({ fn: 'crops', input }) as ReturnType<PixelMath['crops']>;
  readonly enhance: PixelMath['enhance'] = (input) => this.#call({ fn: 'enhance', input }) as ReturnType<PixelMath['enhance']>;

  /** Workers running now (tests). */
  get threads(): number {
    return this.#pool.threads;
  }

  close(): Promise<void> {
    return this.#pool.close();
  }

  // The pixels are copied, not transferred: the caller uses them for the next step too.
  #call(call: MathCall): Promise<unknown> {
    return this.#pool.call({ call });
  }
}
