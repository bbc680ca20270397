import { Worker } from 'node:worker_threads';
import type { Photo, Recipe, RenderTarget } from '../../contract/index.ts';
import { LEAN_THREAD, siblingWorker } from '../base/worker-url.ts';
import type { LibraryLayout } from '../library/library-layout.ts';
import { errorFrom, type RenderReply, type RenderRequest } from './render-thread-protocol.ts';
import type { ExportSettings, RenderedFile } from './render-to-library.ts';

/** renderToLibrary's signature: the render job takes either this module's threads or the function itself. */
export type RenderFile = (
  layout: LibraryLayout,
  photo: Photo & { sha256: string; originalPath: string },
  recipe: Recipe,
  revision: number,
  target: RenderTarget | undefined,
  settings: ExportSettings,
) => Promise<RenderedFile>;

type Pending = { resolve: (file: RenderedFile) => void; reject: (error: Error) => void };
type Thread = { worker: Worker; pending: Map<number, Pending>; idle: NodeJS.Timeout | null };

/**
 * Render jobs on worker threads, one render per thread at a time: the job queue already limits how
 * many run at once, so a thread is started when every running one is busy and ended after `idleMs`
 * without work (its heap goes with it). A thread that dies fails only its own render (retried by the
 * queue) and is replaced on the next one. Idle threads never keep the process alive.
 */
export class RenderThreads {
  readonly #threads: Thread[] = [];
  readonly #idleMs: number;
  #nextId = 1;
  #closed = false;

  constructor(options: { idleMs?: number } = {}) {
    this.#idleMs = options.idleMs ?? 60_000;
  }

  readonly render: RenderFile = (layout, photo, recipe, revision, target, settings) => {
    if (this.#closed) return Promise.reject(new Error('The render threads are closed (the engine is stopping).'));
    const thread = this.#threads.find((t) => t.pending.size === 0) ?? this.#start();
    const id = this.#nextId++;
    return new Promise<RenderedFile>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      if (thread.idle) clearTimeout(thread.idle);
      thread.idle = null;
      thread.worker.ref();
      thread.worker.postMessage({ id, root: layout.root, photo, recipe, revision, target, settings } satisfies RenderRequest);
    });
  };

  /**
   * Starts a thread now, if none runs, so the first render does not wait for one to load its
   * modules (0.5-1.5 s): the engine calls it when an analysis starts, since a render follows it.
   */
  warm(): void {
    if (this.#closed || this.#threads.length > 0) return;
    this.#rest(this.#start());
  }

  /** Threads running now (tests). */
  get threads(): number {
    return this.#threads.length;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#threads.splice(0).map((t) => t.worker.terminate()));
  }

  #start(): Thread {
    const worker = new Worker(siblingWorker('render-worker', import.meta.url), LEAN_THREAD);
    const thread: Thread = { worker, pending: new Map(), idle: null };
    this.#threads.push(thread);
    worker.on('message', (reply: RenderReply) => {
      const p = thread.pending.get(reply.id);
      if (!p) return;
      thread.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.file);
      else p.reject(errorFrom(reply.failure));
      if (thread.pending.size === 0) this.#rest(thread);
    });
    const gone = (why: string) => {
      const at = this.#threads.indexOf(thread);
      if (at !== -1) this.#threads.splice(at, 1);
      if (thread.idle) clearTimeout(thread.idle);
      for (const p of thread.pending.values()) p.reject(new Error(`The render thread stopped (${why}).`));
      thread.pending.clear();
    };
    worker.on('error', (error) => gone(error.message));
    worker.on('exit', (code) => gone(`exit code ${code}`));
    return thread;
  }

  #rest(thread: Thread): void {
    thread.worker.unref();
    thread.idle = setTimeout(() => void thread.worker.terminate(), this.#idleMs);
    thread.idle.unref();
  }
}
