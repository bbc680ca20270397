import { ThreadPool } from '../base/thread-pool.ts';
import { siblingWorker } from '../base/worker-url.ts';
import { errorFrom, type RenderReply, type RenderRequest } from './render-thread-protocol.ts';
import { DEFAULT_EXPORT_SETTINGS, type RenderedFile, type RenderFile } from './render-to-library.ts';

/**
 * Render jobs on worker threads (render-worker.ts), one render per thread at a time: the job queue
 * already limits how many run at once, so a thread is started whenever every running one is busy.
 * A thread that dies fails only its own render (retried by the queue).
 */
export class RenderThreads {
  readonly #pool: ThreadPool<RenderReply>;

  constructor(options: { idleMs?: number } = {}) {
    this.#pool = new ThreadPool<RenderReply>({
      script: siblingWorker('render-worker', import.meta.url),
      maxThreads: Number.POSITIVE_INFINITY,
      idleMs: options.idleMs ?? 60_000,
      settle: (reply) => (reply.ok ? { value: reply.file } : { error: errorFrom(reply.failure) }),
      closed: () => new Error('The render threads are closed (the engine is stopping).'),
      stopped: (why) => new Error(`The render thread stopped (${why}).`),
    });
  }

  readonly render: RenderFile = (layout, photo, recipe, revision, target, settings = DEFAULT_EXPORT_SETTINGS) =>
    this.#pool.call({ root: layout.root, photo, recipe, revision, target, settings } satisfies Omit<RenderRequest, 'id'>) as Promise<RenderedFile>;

  /**
   * Starts a thread now, if none runs, so the first render does not wait for one to load its
   * modules (0.5-1.5 s): the engine calls it when an analysis starts, since a render follows it.
   */
  warm(): void {
    this.#pool.warm();
  }

  /** Threads running now (tests). */
  get threads(): number {
    return this.#pool.threads;
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
