import { describe, expect, it } from 'vitest';
import { PermanentJobError } from './errors.ts';
import type { JobEvent } from './queue.ts';
import { useQueueTestKit } from './queue-test-kit.ts';

const kit = useQueueTestKit('queue-fail');
const makeQueue = kit.makeQueue.bind(kit);

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('JobQueue failures', () => {
  it('retries a failing job after its backoff, then succeeds', async () => {
    const calls: Array<{ at: number; attempt: number }> = [];
    const failedRunAfter: number[] = [];
    const queue = makeQueue(
      {
        derive: (_data, ctx) => {
          calls.push({ at: Date.now(), attempt: ctx.attempt });
          if (ctx.attempt < 3) throw new Error(`flaky ${ctx.attempt}`);
        },
      },
      { backoff: { baseMs: 40, capMs: 10_000 }, random: () => 0.5 },
    );
    queue.on('job', (event) => {
      if (event.state !== 'failed') return;
      const row = kit.lib.jobs.get(event.jobId)!;
      failedRunAfter.push(row.runAfter - Date.parse(row.updatedAt));
    });
    const { id } = queue.enqueue('derive', { photoId: 1 });
    queue.start();
    await queue.onIdle();

    // random 0.5 of windows 40 and 80 ms.
    expect(failedRunAfter).toEqual([20, 40]);
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(20);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(40);
    expect(kit.lib.jobs.get(id)).toMatchObject({ state: 'done', attempts: 3, lastError: 'flaky 2' });
  });

  it('runs again a retry already due when its job finishes (a zero backoff)', async () => {
    // Full jitter can draw a delay of 0: the retry is due before the queue looks for work again, so
    // no wake timer covers it and only the finishing job's own pump can claim it.
    const attempts: number[] = [];
    const queue = makeQueue(
      {
        derive: (_data, ctx) => {
          attempts.push(ctx.attempt);
          if (ctx.attempt < 3) throw new Error(`flaky ${ctx.attempt}`);
        },
      },
      // Two slots: after launching the one job the queue looks for a second and finds none.
      { backoff: { baseMs: 40, capMs: 10_000 }, random: () => 0, concurrency: { derive: 2 } },
    );
    const { id } = queue.enqueue('derive', { photoId: 1 });
    queue.start();
    await until(() => kit.lib.jobs.get(id)?.state === 'done', 3000);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('does not lose a retry that falls due while the queue is looking for work', async () => {
    // A clock that ticks on every read makes "due between the claim and the timer" happen for some delay.
    let clock = Date.now();
    for (let delay = 1; delay <= 8; delay++) {
      let calls = 0;
      const queue = makeQueue(
        { derive: () => { calls += 1; if (calls === 1) throw new Error('once'); } },
        { now: () => (clock += 1), backoff: { baseMs: 2 * delay, capMs: 1000 }, random: () => 0.5 },
      );
      queue.enqueue('derive', { photoId: delay });
      queue.start();
      const idle = await Promise.race([queue.onIdle().then(() => true), new Promise((r) => setTimeout(r, 3000, false))]);
      await queue.stop();
      expect({ delay, idle, calls }).toEqual({ delay, idle: true, calls: 2 });
    }
  });

  it('dead-letters after maxAttempts', async () => {
    let calls = 0;
    const queue = makeQueue({ derive: () => { calls += 1; throw new Error('disk unplugged'); } }, { maxAttempts: 3, backoff: { baseMs: 2, capMs: 5 } });
    const { id } = queue.enqueue('derive', { photoId: 4 });
    queue.start();
    await queue.onIdle();
    expect(calls).toBe(3);
    expect(kit.lib.jobs.deadLetters()).toEqual([{ id, kind: 'derive', subject: '4', attempts: 3, lastError: 'disk unplugged', updatedAt: expect.any(String) }]);
    // An error without a code of ours (a disk, a bug) groups as the generic failure.
    expect(kit.lib.jobs.get(id)!.lastErrorCode).toBe('job-failed');
  });

  it('dead-letters a permanent error at once', async () => {
    let calls = 0;
    const events: JobEvent[] = [];
    const queue = makeQueue({ derive: () => { calls += 1; throw new PermanentJobError('The original is gone.', { code: 'file-vanished' }); } });
    queue.on('job', (event) => events.push(event));
    const { id } = queue.enqueue('derive', { photoId: 2 });
    queue.start();
    await queue.onIdle();
    expect(calls).toBe(1);
    expect(kit.lib.jobs.get(id)).toMatchObject({ state: 'dead', attempts: 1, lastError: 'The original is gone.', lastErrorCode: 'file-vanished' });
    expect(events.map((e) => e.state)).toEqual(['started', 'dead']);
    expect(events[1]!.error).toBe('The original is gone.');
  });

  it('dead-letters stored jobs whose data fails its schema, without running them', async () => {
    const ran: number[] = [];
    const queue = makeQueue({ derive: (data) => void ran.push(data.photoId) });
    const badShape = kit.lib.jobs.enqueue({ kind: 'derive', subject: '1', data: { photoId: 'one' }, priority: 9, dedupeKey: null }, Date.now()).id;
    const badJson = Number(
      kit.lib.db.prepare(`INSERT INTO jobs (kind, subject, data, priority, state, run_after, created_at, updated_at)
        VALUES ('derive', '2', '{"photoId": 2', 9, 'queued', 0, '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')`).run().lastInsertRowid,
    );
    const unknownKind = kit.lib.jobs.enqueue({ kind: 'teleport', subject: '3', data: {}, priority: 0, dedupeKey: null }, Date.now()).id;
    queue.enqueue('derive', { photoId: 3 });
    const dead: JobEvent[] = [];
    queue.on('job', (event) => { if (event.state === 'dead') dead.push(event); });
    queue.start();
    await queue.onIdle();

    expect(ran).toEqual([3]);
    expect(kit.lib.jobs.get(badShape)).toMatchObject({ state: 'dead', attempts: 1, lastError: expect.stringMatching(/^invalid-job-data: .*photoId/s), lastErrorCode: 'invalid-job-data' });
    expect(kit.lib.jobs.get(badJson)).toMatchObject({ state: 'dead', lastError: expect.stringMatching(/^invalid-job-data: .*not valid JSON/) });
    expect(kit.lib.jobs.get(unknownKind)).toMatchObject({ state: 'dead', lastError: expect.stringMatching(/^invalid-job-data: No handler/) });
    expect(dead.map((e) => e.jobId).sort()).toEqual([badShape, badJson].sort());
  });

  it('retries and discards dead letters', async () => {
    let fail = true;
    const ran: number[] = [];
    const queue = makeQueue({
      derive: (data) => {
        if (fail) throw new PermanentJobError('no');
        ran.push(data.photoId);
      },
    });
    const a = queue.enqueue('derive', { photoId: 1 }).id;
    const b = queue.enqueue('derive', { photoId: 2 }).id;
    queue.start();
    await queue.onIdle();
    expect(kit.lib.jobs.deadLetters().map((d) => d.id).sort()).toEqual([a, b].sort());

    fail = false;
    expect(queue.retry(a)).toBe(true);
    await queue.onIdle();
    expect(ran).toEqual([1]);
    expect(kit.lib.jobs.get(a)).toMatchObject({ state: 'done', attempts: 1 });

    expect(queue.discard(b)).toBe(true);
    expect(kit.lib.jobs.get(b)).toBeNull();
    expect(queue.retry(b)).toBe(false);
    expect(queue.discard(a)).toBe(false);
    expect(kit.lib.jobs.deadLetters()).toEqual([]);
  });

  it('retries a whole group (kind and error code) and it runs; discards another group', async () => {
    let fail = true;
    const ran: number[] = [];
    const queue = makeQueue({
      derive: (data) => {
        if (fail) throw new PermanentJobError('no', { code: data.photoId < 3 ? 'truncated' : 'read-failed' });
        ran.push(data.photoId);
      },
    });
    for (const photoId of [1, 2, 3]) queue.enqueue('derive', { photoId });
    queue.start();
    await queue.onIdle();
    expect(kit.lib.jobs.failureGroups(10).map((g) => [g.code, g.count])).toEqual([['truncated', 2], ['read-failed', 1]]);

    fail = false;
    expect(queue.retryGroup('derive', 'truncated')).toBe(2);
    await queue.onIdle();
    expect(ran.sort()).toEqual([1, 2]);
    expect(queue.discardGroup('derive', 'read-failed')).toBe(1);
    expect(kit.lib.jobs.deadLetters()).toEqual([]);
    expect(ran.sort()).toEqual([1, 2]);
  });

  it('returns a job whose lease expired after a crash to the queue', async () => {
    const T0 = Date.now();
    const { id } = kit.lib.jobs.enqueue({ kind: 'derive', subject: '8', data: { photoId: 8 }, priority: 0, dedupeKey: null }, T0);
    // The "crashed" process claimed the job and died without finishing it.
    expect(kit.lib.jobs.claim('derive', T0, 60_000)).toMatchObject({ id, attempts: 1 });
    kit.reopen();
    const ran: Array<{ photoId: number; attempt: number }> = [];
    let clock = T0 + 30_000;
    const queue = makeQueue({ derive: (data, ctx) => void ran.push({ photoId: data.photoId, attempt: ctx.attempt }) }, { now: () => clock, leaseMs: 60_000 });
    queue.start();
    // Within the lease: still someone else's.
    expect(ran).toEqual([]);
    expect(kit.lib.jobs.get(id)!.state).toBe('running');
    await queue.stop();

    clock = T0 + 60_001;
    queue.start();
    await queue.onIdle();
    expect(ran).toEqual([{ photoId: 8, attempt: 2 }]);
    expect(kit.lib.jobs.get(id)).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('keeps a long job leased with heartbeats', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Heartbeats every 200 ms: generous, so a loaded machine's late timers do not let the lease lapse.
    const queue = makeQueue({ derive: () => gate }, { leaseMs: 600 });
    const { id } = queue.enqueue('derive', { photoId: 1 });
    queue.start();
    try {
      const firstLease = kit.lib.jobs.get(id)!.leaseUntil!;
      await until(() => kit.lib.jobs.get(id)!.leaseUntil! > firstLease + 150);
      // Renewed, so a recovery pass cannot steal it.
      expect(kit.lib.jobs.requeueExpired(Date.now())).toBe(0);
      expect(kit.lib.jobs.get(id)!.state).toBe('running');
    } finally {
      release();
    }
    await queue.onIdle();
    expect(kit.lib.jobs.get(id)).toMatchObject({ state: 'done', leaseUntil: null });
  });

  it('aborts the signal of running handlers on stop({ abort: true })', async () => {
    let seen: AbortSignal | null = null;
    const queue = makeQueue({
      derive: (_data, ctx) =>
        new Promise<void>((_resolve, reject) => {
          seen = ctx.signal;
          ctx.signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    });
    const { id } = queue.enqueue('derive', { photoId: 1 });
    queue.start();
    await queue.stop({ abort: true });
    expect(seen!.aborted).toBe(true);
    expect(kit.lib.jobs.get(id)).toMatchObject({ state: 'failed', lastError: 'aborted' });
  });
});
