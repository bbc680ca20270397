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

  it('groups dead letters by kind and error code, names their photo or file, and retries or discards a group at once', () => {
    const photo = (name: string) =>
      lib.photos.insert({ folderId: null, sha256: null, sha1: null, fileName: name, sourcePath: `/hot/${name}`, bytes: 1, originalPath: null, error: null, captureDate: null });
    const [a, b, c] = [photo('a.jpg'), photo('b.jpg'), photo('c.jpg')];
    lib.photos.bumpMediaRev(a);
    const die = (extra: Partial<NewJob>, error: string, code: 'immich-invalid' | 'immich-not-found' | 'read-failed' | null, at: number) => {
      const id = lib.jobs.enqueue(job(extra), at).id;
      lib.jobs.markDead(id, error, at, code);
      return id;
    };
    const u1 = die({ kind: 'upload', subject: String(a), dedupeKey: `upload:${a}` }, 'Immich refused: bad date', 'immich-invalid', T);
    const u2 = die({ kind: 'upload', subject: String(b) }, 'Immich refused: too big', 'immich-invalid', T + 2);
    die({ kind: 'ingest', subject: '/hot/cards/d.jpg' }, 'EIO', 'read-failed', T + 1);
    die({ kind: 'derive', subject: String(c) }, 'no code recorded', null, T + 3);
    // The same kind, another cause, newer: its own group, its own message.
    const gone = die({ kind: 'upload', subject: String(c) }, 'Immich: Not Found', 'immich-not-found', T + 3);
    const live = lib.jobs.enqueue(job({ kind: 'upload', subject: String(a), dedupeKey: `upload:${a}` }), T + 4).id;

    const groups = lib.jobs.failureGroups(10);
    expect(groups.map((g) => [g.kind, g.code, g.count, g.message])).toEqual([
      ['upload', 'immich-invalid', 2, 'Immich refused: too big'],
      // Dead before codes were stored: the generic failure. Single groups newest first.
      ['derive', 'job-failed', 1, 'no code recorded'],
      ['upload', 'immich-not-found', 1, 'Immich: Not Found'],
      ['ingest', 'read-failed', 1, 'EIO'],
    ]);
    expect(groups[0]!.jobs.map((j) => [j.id, j.photoId, j.fileName, j.mediaRev, j.code])).toEqual([[u2, b, 'b.jpg', 0, 'immich-invalid'], [u1, a, 'a.jpg', 1, 'immich-invalid']]);
    expect(groups[3]!.jobs[0]).toMatchObject({ photoId: null, fileName: 'd.jpg', subject: '/hot/cards/d.jpg' });
    expect(lib.jobs.failureGroups(1)[0]!.jobs.map((j) => j.id)).toEqual([u2]);

    // Retry all: u1's work is queued already (same dedupe key), so its dead copy goes; u2 is queued again.
    expect(lib.jobs.retryGroup('upload', 'immich-invalid', T + 5)).toBe(2);
    expect(lib.jobs.get(u1)).toBeNull();
    expect(lib.jobs.get(u2)).toMatchObject({ state: 'queued', attempts: 0 });
    expect(lib.jobs.get(live)!.state).toBe('queued');
    expect(lib.jobs.retryGroup('upload', 'immich-invalid', T + 5)).toBe(0);
    expect(lib.jobs.discardGroup('ingest', 'read-failed')).toBe(1);
    expect(lib.jobs.discardGroup('ingest', 'read-failed')).toBe(0);
    expect(lib.jobs.failureGroups(10).map((g) => [g.kind, g.code])).toEqual([['derive', 'job-failed'], ['upload', 'immich-not-found']]);
    expect(lib.jobs.get(gone)!.state).toBe('dead');
    // A failed (retrying) job keeps its code too.
    lib.jobs.claim('upload', T + 6, 1000);
    lib.jobs.markFailed(u2, T + 9000, 'again', T + 6, 'immich-invalid');
    expect(lib.jobs.get(u2)).toMatchObject({ state: 'failed', lastErrorCode: 'immich-invalid' });
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
    expect(lib.jobs.get(stray)).toMatchObject({ state: 'dead', lastError: 'unknown kind', lastErrorCode: 'invalid-job-data' });
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
