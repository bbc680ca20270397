import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { JobKind } from '../../contract/index.ts';
import { openLibrary, type Library } from '../library/index.ts';
import { JobQueue, type JobHandlers, type JobQueueOptions } from './queue.ts';

export type QueueTestKit = {
  /** A fresh library file per test. */
  readonly lib: Library;
  /** A queue on that library; kinds without a handler here get a no-op one. Stopped after the test. */
  makeQueue(handlers: Partial<JobHandlers>, options?: Partial<JobQueueOptions>): JobQueue;
  /** Closes the library and opens the same file again, as a restarted process would. */
  reopen(): void;
};

const noop = async () => {};

/** Registers the per-test library and queue clean-up of the queue's tests (real SQLite files). */
export function useQueueTestKit(prefix: string): QueueTestKit {
  let dir = '';
  let lib: Library | undefined;
  const queues: JobQueue[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), `lightbox-${prefix}-`));
    lib = openLibrary(path.join(dir, 'lightbox.db'));
  });
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.stop({ abort: true })));
    lib?.close();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    get lib() {
      if (!lib) throw new Error('the queue test kit is used outside a test');
      return lib;
    },
    reopen() {
      lib?.close();
      lib = openLibrary(path.join(dir, 'lightbox.db'));
    },
    makeQueue(handlers, options = {}) {
      const all = { ...Object.fromEntries(JobKind.options.map((kind) => [kind, noop])), ...handlers } as JobHandlers;
      const queue = new JobQueue({ repo: this.lib.jobs, handlers: all, ...options });
      queues.push(queue);
      return queue;
    },
  };
}
