import { Worker } from 'node:worker_threads';
import { LEAN_THREAD } from './worker-url.ts';

/** Every reply names the call it answers. */
export type ThreadReply = { id: number };

export type ThreadPoolOptions<Reply extends ThreadReply> = {
  /** The worker module (siblingWorker). */
  script: URL;
  /** Threads at most; a call waits in a busy thread's queue once they all run. */
  maxThreads: number;
  /** A thread with nothing to do is ended after this long (its heap goes with it). */
  idleMs: number;
  /** The reply's value, or the error the call fails with. */
  settle: (reply: Reply) => { value: unknown } | { error: Error };
  /** Why calls fail once the pool is closed, and when their thread stopped. */
  closed: () => Error;
  stopped: (why: string) => Error;
};

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type Thread = { worker: Worker; pending: Map<number, Pending>; idle: NodeJS.Timeout | null };

/**
 * Worker threads that answer calls by id: each call goes to an idle thread, else a new one while
 * under `maxThreads`, else the thread with the fewest calls in flight. A thread that dies fails only
 * its own calls and is replaced on the next one; idle threads never keep the process alive.
 */
export class ThreadPool<Reply extends ThreadReply> {
  readonly #options: ThreadPoolOptions<Reply>;
  readonly #threads: Thread[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: ThreadPoolOptions<Reply>) {
    this.#options = options;
  }

  /** Posts `message` with an `id` added; resolves with what settle() makes of the reply. */
  call(message: object): Promise<unknown> {
    if (this.#closed) return Promise.reject(this.#options.closed());
    const thread = this.#pick();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      if (thread.idle) clearTimeout(thread.idle);
      thread.idle = null;
      thread.worker.ref();
      thread.worker.postMessage({ ...message, id });
    });
  }

  /** Starts a thread now if none runs, so a call that is coming does not wait for its modules to load. */
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

  #pick(): Thread {
    const least = this.#threads.reduce<Thread | null>((best, t) => (best === null || t.pending.size < best.pending.size ? t : best), null);
    if (least && (least.pending.size === 0 || this.#threads.length >= this.#options.maxThreads)) return least;
    return this.#start();
  }

  #start(): Thread {
    const worker = new Worker(this.#options.script, LEAN_THREAD);
    const thread: Thread = { worker, pending: new Map(), idle: null };
    this.#threads.push(thread);
    worker.on('message', (reply: Reply) => {
      const p = thread.pending.get(reply.id);
      if (!p) return;
      thread.pending.delete(reply.id);
      const settled = this.#options.settle(reply);
      if ('error' in settled) p.reject(settled.error);
      else p.resolve(settled.value);
      if (thread.pending.size === 0) this.#rest(thread);
    });
    const gone = (why: string) => {
      const at = this.#threads.indexOf(thread);
      if (at !== -1) this.#threads.splice(at, 1);
      if (thread.idle) clearTimeout(thread.idle);
      for (const p of thread.pending.values()) p.reject(this.#options.stopped(why));
      thread.pending.clear();
    };
    worker.on('error', (error) => gone(error.message));
    worker.on('exit', (code) => gone(`exit code ${code}`));
    return thread;
  }

  #rest(thread: Thread): void {
    thread.worker.unref();
    thread.idle = setTimeout(() => this.#retire(thread), this.#options.idleMs);
    thread.idle.unref();
  }

  /**
   * Out of the pool first, then ended: its exit is reported a moment later, and a call picked in
   * between went to the ending thread and failed with stopped() (a render retried for nothing).
   */
  #retire(thread: Thread): void {
    thread.idle = null;
    const at = this.#threads.indexOf(thread);
    if (at !== -1) this.#threads.splice(at, 1);
    void thread.worker.terminate();
  }
}
