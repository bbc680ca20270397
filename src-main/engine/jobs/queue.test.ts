import { describe, expect, it } from 'vitest';
import { JobKind, type QueueStats } from '../../contract/index.ts';
import { JobQueue, type JobHandlers } from './queue.ts';
import { useQueueTestKit } from './queue-test-kit.ts';

const kit = useQueueTestKit('queue');
const makeQueue = kit.makeQueue.bind(kit);
const noop = async () => {};

describe('JobQueue registry', () => {
  it('refuses a kind without a handler', () => {
    expect(() => new JobQueue({ repo: kit.lib.jobs, handlers: { ingest: noop } as unknown as JobHandlers })).toThrow(/job kind "derive"/);
    expect(() => new JobQueue({ repo: kit.lib.jobs, handlers: { ingest: noop, derive: 'nope' } as unknown as JobHandlers })).toThrow(/job kind "derive"/);
  });

  it('refuses a handler for a kind that does not exist', () => {
    const handlers = { ...Object.fromEntries(JobKind.options.map((kind) => [kind, noop])), teleport: noop } as unknown as JobHandlers;
    expect(() => new JobQueue({ repo: kit.lib.jobs, handlers })).toThrow(/"teleport", which is not a job kind/);
  });

  it('refuses nonsense concurrency', () => {
    expect(() => makeQueue({}, { concurrency: { derive: 0 } })).toThrow(/"derive" must be a whole number/);
    expect(() => makeQueue({}, { concurrency: { teleport: 2 } as never })).toThrow(/"teleport", which is not a job kind/);
  });

  it('refuses invalid data at enqueue', () => {
    const queue = makeQueue({});
    expect(() => queue.enqueue('derive', { photoId: -1 })).toThrow(/Invalid data for a derive job/);
    expect(() => queue.enqueue('ingest', { path: 'relative.jpg', folderId: null, size: 1, mtimeMs: 1 })).toThrow(/absolute path/);
    expect(kit.lib.jobs.unfinishedCount()).toBe(0);
  });
});

describe('JobQueue scheduling', () => {
  it('runs higher priority first, then oldest first', async () => {
    const order: number[] = [];
    const queue = makeQueue({ derive: (data) => void order.push(data.photoId) });
    const priorities = [0, 5, 1, 5, 0, -2, 1];
    priorities.forEach((priority, i) => queue.enqueue('derive', { photoId: i + 1 }, { priority }));
    queue.start();
    await queue.onIdle();
    expect(order).toEqual([2, 4, 3, 7, 1, 5, 6]);
  });

  it('keeps each kind within its concurrency, and kinds run side by side', async () => {
    const limits = { derive: 3, ingest: 1 } as const;
    const inFlight = { derive: 0, ingest: 0 };
    const max = { derive: 0, ingest: 0 };
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    const track = (kind: 'derive' | 'ingest') => async () => {
      inFlight[kind] += 1;
      started += 1;
      max[kind] = Math.max(max[kind], inFlight[kind]);
      // Hold every slot until both kinds are saturated at once (an unbounded queue overshoots first),
      // or until every job has started, so a broken limit fails the assertion instead of hanging.
      if ((inFlight.derive === limits.derive && inFlight.ingest === limits.ingest) || started === 14) release();
      await gate;
      await new Promise((resolve) => setImmediate(resolve));
      inFlight[kind] -= 1;
    };
    const queue = makeQueue({ derive: track('derive'), ingest: track('ingest') }, { concurrency: limits });
    for (let i = 1; i <= 10; i++) queue.enqueue('derive', { photoId: i });
    for (let i = 1; i <= 4; i++) queue.enqueue('ingest', { path: `/hot/${i}.jpg`, folderId: null, size: i, mtimeMs: i });
    queue.start();
    await queue.onIdle();
    expect(max).toEqual({ derive: 3, ingest: 1 });
    expect(kit.lib.jobs.stats().kinds).toMatchObject({ derive: { done: 10 }, ingest: { done: 4 } });
  });

  it('dedupes by key while the job is unfinished, and allows it again after', async () => {
    const runs: number[] = [];
    const queue = makeQueue({ derive: (data) => void runs.push(data.photoId) });
    const first = queue.enqueue('derive', { photoId: 9 }, { dedupeKey: 'derive:9' });
    const second = queue.enqueue('derive', { photoId: 9 }, { dedupeKey: 'derive:9' });
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    queue.start();
    await queue.onIdle();
    expect(runs).toEqual([9]);

    const third = queue.enqueue('derive', { photoId: 9 }, { dedupeKey: 'derive:9' });
    expect(third.created).toBe(true);
    await queue.onIdle();
    expect(runs).toEqual([9, 9]);
  });

  it('runs a running job once more when it is asked for again meanwhile, and only once', async () => {
    const runs: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const queue = makeQueue({ derive: async (data) => { runs.push(data.photoId); if (data.photoId === 3 && runs.length === 1) await gate; } });
    const first = queue.enqueue('derive', { photoId: 3 }, { dedupeKey: 'derive:3' });
    // Queued, not running: `again` adds nothing, the queued job has not read anything yet.
    queue.enqueue('derive', { photoId: 4 }, { dedupeKey: 'derive:4' });
    queue.enqueue('derive', { photoId: 4 }, { dedupeKey: 'derive:4', again: true });
    queue.start();
    await expect.poll(() => runs.includes(3)).toBe(true);
    // A plain enqueue is folded into the running job; one marked `again` (twice) reruns it once.
    expect(queue.enqueue('derive', { photoId: 3 }, { dedupeKey: 'derive:3' })).toEqual({ id: first.id, created: false });
    expect(queue.enqueue('derive', { photoId: 3 }, { dedupeKey: 'derive:3', again: true })).toEqual({ id: first.id, created: false });
    expect(queue.enqueue('derive', { photoId: 3 }, { dedupeKey: 'derive:3', again: true })).toEqual({ id: first.id, created: false });
    release();
    await queue.onIdle();
    expect(runs.sort()).toEqual([3, 3, 4]);
    expect(kit.lib.jobs.get(first.id)).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('onIdle resolves at once when empty, and after the work when not; an enqueue wakes an idle queue', async () => {
    const done: number[] = [];
    const queue = makeQueue({ derive: async (data) => { await new Promise((r) => setImmediate(r)); done.push(data.photoId); } });
    await queue.onIdle();
    queue.start();
    await queue.onIdle();

    queue.enqueue('derive', { photoId: 1 });
    queue.enqueue('derive', { photoId: 2 });
    const idle = queue.onIdle();
    expect(done).toEqual([]);
    await idle;
    expect(done).toEqual([1, 2]);
    expect(queue.stats().idle).toBe(true);
  });

  it('files jobs under their subject and emits job events', async () => {
    const events: unknown[] = [];
    const queue = makeQueue({});
    queue.on('job', (event) => events.push(event));
    const { id } = queue.enqueue('derive', { photoId: 5 });
    const ingest = queue.enqueue('ingest', { path: '/hot/x.jpg', folderId: null, size: 1, mtimeMs: 1 }, { subject: 'custom' });
    queue.start();
    await queue.onIdle();
    expect(events).toEqual([
      { kind: 'ingest', subject: 'custom', state: 'started', jobId: ingest.id },
      { kind: 'derive', subject: '5', state: 'started', jobId: id },
      { kind: 'ingest', subject: 'custom', state: 'done', jobId: ingest.id },
      { kind: 'derive', subject: '5', state: 'done', jobId: id },
    ]);
  });

  it('throttles stats events and the last one is current', async () => {
    const stats: QueueStats[] = [];
    const queue = makeQueue({ derive: () => new Promise((r) => setImmediate(r)) }, { concurrency: { derive: 4 } });
    queue.on('stats', (s) => stats.push(s));
    const started = Date.now();
    for (let i = 1; i <= 300; i++) queue.enqueue('derive', { photoId: i });
    queue.start();
    await queue.onIdle();
    await queue.stop();
    const elapsed = Date.now() - started;
    expect(stats.length).toBeGreaterThan(0);
    expect(stats.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    const zero = { queued: 0, running: 0, done: 0, failed: 0, dead: 0 };
    expect(stats.at(-1)).toEqual({ kinds: { ...Object.fromEntries(JobKind.options.map((kind) => [kind, zero])), derive: { ...zero, done: 300 } }, idle: true });
  });

  it('stop waits for running handlers and claims nothing more', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const ran: number[] = [];
    const queue = makeQueue({ derive: async (data) => { ran.push(data.photoId); await gate; } });
    const first = queue.enqueue('derive', { photoId: 1 });
    queue.enqueue('derive', { photoId: 2 });
    queue.start();
    expect(ran).toEqual([1]);

    let stopped = false;
    const stopping = queue.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(kit.lib.jobs.get(first.id)!.state).toBe('done');
    expect(ran).toEqual([1]);
    expect(kit.lib.jobs.stats().kinds.derive).toMatchObject({ queued: 1, done: 1 });
  });
});
