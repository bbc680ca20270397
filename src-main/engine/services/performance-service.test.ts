import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, JobKind } from '../../contract/index.ts';
import { JobQueue, type JobHandlers } from '../jobs/index.ts';
import { openLibrary, type Library } from '../library/index.ts';
import { PERFORMANCE_KEY, PerformanceService } from './performance-service.ts';

let dir: string;
let lib: Library;
let queue: JobQueue | null = null;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-performance-'));
  lib = openLibrary(path.join(dir, 'lightbox.db'));
});
afterEach(async () => {
  await queue?.stop({ abort: true });
  queue = null;
  lib.close();
  await rm(dir, { recursive: true, force: true });
});

/** Derive jobs that stay running until released, so the number running at once can be read. */
function blockingQueue(service: PerformanceService) {
  let running = 0;
  let peak = 0;
  const releases: Array<() => void> = [];
  const noop = async () => {};
  const handlers = {
    ...Object.fromEntries(JobKind.options.map((k) => [k, noop])),
    derive: () =>
      new Promise<void>((resolve) => {
        running += 1;
        peak = Math.max(peak, running);
        releases.push(() => {
          running -= 1;
          resolve();
        });
      }),
  } as unknown as JobHandlers;
  queue = new JobQueue({ repo: lib.jobs, handlers, concurrency: service.workers() });
  service.attach(queue);
  return { queue, running: () => running, peak: () => peak, releaseAll: () => releases.splice(0).forEach((r) => r()) };
}

/** A roomy machine with `cores` cores whose memory readings the test decides. */
const plenty = { rssMb: 300, freeMb: 16_000, totalMb: 24_000 };
function makeService(cores: number, memory: () => typeof plenty = () => plenty) {
  return new PerformanceService({ settings: lib.settings, machine: { cores, freeMb: 16_000, totalMb: 24_000 }, memory: { read: memory, everyMs: 60_000 } });
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('PerformanceService', () => {
  it('starts from the built-in counts, bounded by the cores and the free memory', () => {
    expect(makeService(2).workers()).toEqual({ ingest: 2, derive: 2, analyze: 2, render: 1 });
    expect(makeService(1).workers()).toEqual({ ingest: 1, derive: 1, analyze: 1, render: 1 });
    expect(makeService(8).workers()).toEqual({ ingest: 2, derive: 2, analyze: 2, render: 4 });
    // 8 cores but 1.6 GB free: after the reserve, room for two derives and two analyses, one render.
    const tight = new PerformanceService({ settings: lib.settings, machine: { cores: 8, freeMb: 1_600, totalMb: 8_000 } });
    expect(tight.workers()).toEqual({ ingest: 2, derive: 2, analyze: 2, render: 1 });
    // ISNet on: one analysis at a time.
    expect(new PerformanceService({ settings: lib.settings, machine: { cores: 2, freeMb: 16_000 }, subjectEnabled: () => true }).workers().analyze).toBe(1);
  });

  it('runs the memory-hungry kinds one at a time while memory is short, and goes back when it is plentiful', () => {
    let reading = plenty;
    const perf = makeService(2, () => reading);
    const applied: Record<string, number> = {};
    perf.attach({ setConcurrency: (kind, slots) => void (applied[kind] = slots) });
    // Lightbox past its budget (40 % of 24 GB, at most 8 GB).
    reading = { ...plenty, rssMb: 9_000 };
    perf.checkMemory();
    expect(applied).toEqual({ ingest: 2, derive: 1, analyze: 1, render: 1 });
    expect(perf.status().memory).toMatchObject({ short: true, budgetMb: 8192, rssMb: 9_000 });
    // Back under the budget: held until it stays calm for 10 s.
    reading = plenty;
    perf.checkMemory();
    expect(perf.status().memory.short).toBe(true);
    perf.close();
  });

  it('applies a changed derive count to the running queue without a restart', async () => {
    const service = makeService(2);
    service.set({ derive: 1 });
    const q = blockingQueue(service);
    for (let photoId = 1; photoId <= 4; photoId++) q.queue.enqueue('derive', { photoId });
    q.queue.start();
    await until(() => q.running() === 1, 'one derive running');
    // Give the queue every chance to over-claim before the count changes.
    await new Promise((r) => setTimeout(r, 50));
    expect(q.running()).toBe(1);

    const status = service.set({ derive: 2 });
    expect(status.workers.derive).toBe(2);
    await until(() => q.running() === 2, 'two derives running after the change');
    expect(q.queue.concurrency('derive')).toBe(2);
    q.releaseAll();
    await until(() => q.running() === 2, 'the last two derives running');
    q.releaseAll();
    await q.queue.onIdle();
    expect(q.peak()).toBe(2);
    expect(lib.jobs.stats().kinds.derive?.done).toBe(4);
  });

  it('stores the counts in the library, so a new engine on it starts with them', () => {
    makeService(2).set({ analyze: 2, ingest: 1 });
    expect(lib.settings.get(PERFORMANCE_KEY)).toEqual({ analyze: 2, ingest: 1 });
    const again = makeService(2);
    expect(again.workers()).toEqual({ ingest: 1, derive: 2, analyze: 2, render: 1 });
    expect(again.set({ reset: true }).workers).toEqual({ ingest: 2, derive: 2, analyze: 2, render: 1 });
    expect(lib.settings.get(PERFORMANCE_KEY)).toBeUndefined();
  });

  it('refuses more workers than cores, with a sentence that says the range', () => {
    const service = makeService(2);
    let caught: unknown;
    try {
      service.set({ render: 3 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect((caught as ApiError).code).toBe('bad-request');
    expect((caught as ApiError).message).toMatch(/Choose 1 to 2/);
    expect(service.workers().render).toBe(1);
  });

  it('clamps counts stored on a bigger machine to this one', () => {
    lib.settings.set(PERFORMANCE_KEY, { derive: 8 });
    expect(makeService(2).workers().derive).toBe(2);
  });
});
