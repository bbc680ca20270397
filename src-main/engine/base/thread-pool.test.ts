import { afterAll, describe, expect, it } from 'vitest';
import { ThreadPool } from './thread-pool.ts';

type Reply = { id: number; ok: boolean; value: number; thread: number };

/** A worker that doubles a number after `ms`, says which thread it is, and exits when asked to. */
const script = new URL(`data:text/javascript,${encodeURIComponent(`
import { parentPort, threadId } from 'node:worker_threads';
parentPort.on('message', ({ id, n, ms, exit }) => {
  if (exit) process.exit(3);
  setTimeout(() => parentPort.postMessage({ id, ok: n >= 0, value: n * 2, thread: threadId }), ms ?? 0);
});
`)}`);

function pool(maxThreads: number, idleMs = 10_000) {
  return new ThreadPool<Reply>({
    script, maxThreads, idleMs,
    settle: (reply) => (reply.ok ? { value: reply } : { error: new Error(`negative: ${reply.value}`) }),
    closed: () => new Error('closed'),
    stopped: (why) => new Error(`stopped (${why})`),
  });
}

describe('ThreadPool', () => {
  const pools: Array<ThreadPool<Reply>> = [];
  const make = (maxThreads: number, idleMs?: number) => {
    const p = pool(maxThreads, idleMs);
    pools.push(p);
    return p;
  };
  afterAll(() => Promise.all(pools.map((p) => p.close())));

  it('spreads calls over up to maxThreads threads, then queues them in the least busy', async () => {
    const two = make(2);
    const replies = (await Promise.all([1, 2, 3, 4].map((n) => two.call({ n, ms: 100 })))) as Reply[];
    expect(replies.map((r) => r.value)).toEqual([2, 4, 6, 8]);
    expect(two.threads).toBe(2);
    expect(new Set(replies.map((r) => r.thread)).size).toBe(2);
  });

  it('fails a call with settle()\'s error, and one whose thread died with stopped(), and carries on', async () => {
    const one = make(1);
    await expect(one.call({ n: -1 })).rejects.toThrow('negative: -2');
    await expect(one.call({ exit: true })).rejects.toThrow('stopped (exit code 3)');
    expect(one.threads).toBe(0);
    expect(((await one.call({ n: 5 })) as Reply).value).toBe(10);
    expect(one.threads).toBe(1);
  });

  it('a call that comes as an idle thread is being ended goes to a new thread, not the ending one', async () => {
    const ending = make(2, 50);
    const first = (await ending.call({ n: 1 })) as Reply;
    // Scheduled after the pool's idle timer, for the same moment: it runs right after the timer
    // ended the thread, before the thread's exit is reported.
    const second = await new Promise<Reply>((resolve, reject) => {
      setTimeout(() => void ending.call({ n: 2 }).then((r) => resolve(r as Reply), reject), 50);
    });
    expect(second.value).toBe(4);
    expect(second.thread).not.toBe(first.thread);
  });

  it('ends idle threads, warms one on request, and refuses calls once closed', async () => {
    const idle = make(2, 100);
    await idle.call({ n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(idle.threads).toBe(0);
    idle.warm();
    expect(idle.threads).toBe(1);
    await idle.close();
    await expect(idle.call({ n: 1 })).rejects.toThrow('closed');
  });
});
