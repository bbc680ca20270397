import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from './library.ts';
import type { NewJob } from './jobs-repo.ts';
import { JobKind } from '../../contract/index.ts';

let dir: string;
let lib: Library;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-jobsrepo-'));
  lib = openLibrary(path.join(dir, 'lightbox.db'));
});
afterEach(async () => {
  lib.close();
  await rm(dir, { recursive: true, force: true });
});

const T = 1_700_000_000_000;
const job = (extra: Partial<NewJob> = {}): NewJob => ({ kind: 'derive', subject: '1', data: { photoId: 1 }, priority: 0, dedupeKey: null, ...extra });

describe('JobsRepo', () => {
  it('claims by priority then age, leases, and counts attempts', () => {
    const low = lib.jobs.enqueue(job(), T).id;
    const high = lib.jobs.enqueue(job({ priority: 5 }), T).id;
    const low2 = lib.jobs.enqueue(job(), T).id;
    lib.jobs.enqueue(job({ kind: 'ingest', priority: 99 }), T);

    const first = lib.jobs.claim('derive', T, 1000)!;
    expect(first).toMatchObject({ id: high, state: 'running', attempts: 1, leaseUntil: T + 1000, data: '{"photoId":1}' });
    expect(lib.jobs.claim('derive', T, 1000)!.id).toBe(low);
    expect(lib.jobs.claim('derive', T, 1000)!.id).toBe(low2);
    expect(lib.jobs.claim('derive', T, 1000)).toBeNull();
  });

  it('holds a failed job back until its run_after', () => {
    const id = lib.jobs.enqueue(job(), T).id;
    lib.jobs.claim('derive', T, 1000);
    lib.jobs.markFailed(id, T + 500, 'disk busy', T);
    expect(lib.jobs.claim('derive', T + 499, 1000)).toBeNull();
    expect(lib.jobs.nextWakeAt(T)).toBe(T + 500);
    expect(lib.jobs.claim('derive', T + 500, 1000)).toMatchObject({ id, attempts: 2, lastError: 'disk busy' });
  });

  it('dedupes unfinished jobs only', () => {
    const a = lib.jobs.enqueue(job({ dedupeKey: 'derive:1' }), T);
    const b = lib.jobs.enqueue(job({ dedupeKey: 'derive:1' }), T);
    expect(a.created).toBe(true);
    expect(b).toEqual({ id: a.id, created: false });
    lib.jobs.claim('derive', T, 1000);
    expect(lib.jobs.enqueue(job({ dedupeKey: 'derive:1' }), T)).toEqual({ id: a.id, created: false });
    lib.jobs.markDone(a.id, T);
    const c = lib.jobs.enqueue(job({ dedupeKey: 'derive:1' }), T);
    expect(c.created).toBe(true);
    expect(c.id).not.toBe(a.id);
  });

  it('retries and discards dead letters only', () => {
    const id = lib.jobs.enqueue(job({ subject: '/hot/a.jpg' }), T).id;
    expect(lib.jobs.retry(id, T)).toBe(false);
    expect(lib.jobs.discard(id)).toBe(false);
    lib.jobs.claim('derive', T, 1000);
    lib.jobs.markDead(id, 'corrupt', T + 1);
    expect(lib.jobs.deadLetters()).toEqual([{ id, kind: 'derive', subject: '/hot/a.jpg', attempts: 1, lastError: 'corrupt', updatedAt: new Date(T + 1).toISOString() }]);
    expect(lib.jobs.lastErrorFor('/hot/a.jpg')).toBe('corrupt');

    expect(lib.jobs.retry(id, T + 2)).toBe(true);
    expect(lib.jobs.get(id)).toMatchObject({ state: 'queued', attempts: 0, runAfter: T + 2 });
    expect(lib.jobs.deadLetters()).toEqual([]);

    lib.jobs.claim('derive', T + 2, 1000);
    lib.jobs.markDead(id, 'corrupt', T + 3);
    expect(lib.jobs.discard(id)).toBe(true);
    expect(lib.jobs.get(id)).toBeNull();
  });

  it('a later success of the same kind and subject takes its dead letter away; others stay', () => {
    const dead = lib.jobs.enqueue(job({ subject: '5' }), T).id;
    lib.jobs.claim('derive', T, 1000);
    lib.jobs.markDead(dead, 'the model crashed', T + 1);
    const otherSubject = lib.jobs.enqueue(job({ subject: '6' }), T + 1).id;
    lib.jobs.claim('derive', T + 1, 1000);
    lib.jobs.markDead(otherSubject, 'corrupt', T + 2);
    expect(lib.jobs.deadLetters().map((d) => d.id).sort()).toEqual([dead, otherSubject].sort());

    // Run again (the UI's "re-analyse"): a new job, and it succeeds.
    const again = lib.jobs.enqueue(job({ subject: '5' }), T + 3).id;
    expect(lib.jobs.claim('derive', T + 3, 1000)?.id).toBe(again);
    lib.jobs.markDone(again, T + 4);
    expect(lib.jobs.deadLetters().map((d) => d.id)).toEqual([otherSubject]);
    expect(lib.jobs.get(again)?.state).toBe('done');
  });

  it('retrying a dead job whose work was queued again drops the dead copy', () => {
    const dead = lib.jobs.enqueue(job({ dedupeKey: 'k' }), T).id;
    lib.jobs.claim('derive', T, 1000);
    lib.jobs.markDead(dead, 'x', T);
    const live = lib.jobs.enqueue(job({ dedupeKey: 'k' }), T).id;
    expect(lib.jobs.retry(dead, T)).toBe(true);
    expect(lib.jobs.get(dead)).toBeNull();
    expect(lib.jobs.get(live)!.state).toBe('queued');
  });

  it('requeues expired leases and dead-letters kinds nobody handles', () => {
    const id = lib.jobs.enqueue(job(), T).id;
    const stray = lib.jobs.enqueue(job({ kind: 'teleport' }), T).id;
    lib.jobs.claim('derive', T, 1000);
    expect(lib.jobs.requeueExpired(T + 1000)).toBe(0);
    expect(lib.jobs.extendLease(id, T + 5000, T + 900)).toBe(true);
    expect(lib.jobs.requeueExpired(T + 4999)).toBe(0);
    expect(lib.jobs.requeueExpired(T + 5001)).toBe(1);
    expect(lib.jobs.get(id)).toMatchObject({ state: 'queued', leaseUntil: null, attempts: 1 });
    // "Every lease is stale" (the engine holds the library lock, so no one else can be running jobs).
    lib.jobs.claim('derive', T + 6000, 1000);
    expect(lib.jobs.requeueExpired(Number.MAX_SAFE_INTEGER)).toBe(1);

    expect(lib.jobs.deadLetterUnknownKinds(['ingest', 'derive'], 'unknown kind', T)).toBe(1);
    expect(lib.jobs.get(stray)).toMatchObject({ state: 'dead', lastError: 'unknown kind' });
  });

  it('reports stats per kind, idle and unfinished counts', () => {
    const zero = { queued: 0, running: 0, done: 0, failed: 0, dead: 0 };
    expect(lib.jobs.stats()).toEqual({ kinds: Object.fromEntries(JobKind.options.map((kind) => [kind, zero])), idle: true });
    const a = lib.jobs.enqueue(job(), T).id;
    lib.jobs.enqueue(job(), T);
    lib.jobs.enqueue(job({ kind: 'ingest' }), T);
    lib.jobs.claim('derive', T, 1000);
    lib.jobs.markDone(a, T);
    lib.jobs.claim('derive', T, 1000);
    const stats = lib.jobs.stats();
    expect(stats.idle).toBe(false);
    expect(stats.kinds.derive).toEqual({ queued: 0, running: 1, done: 1, failed: 0, dead: 0 });
    expect(stats.kinds.ingest).toEqual({ queued: 1, running: 0, done: 0, failed: 0, dead: 0 });
    expect(lib.jobs.unfinishedCount()).toBe(2);
  });
});
