import { describe, expect, it } from 'vitest';
import { JobKind, type KindStats, type QueueStats } from '../../contract/index.ts';
import { BatchTracker } from './batch-progress.ts';

const empty = (): KindStats => ({ queued: 0, running: 0, done: 0, failed: 0, dead: 0 });
function stats(kinds: Partial<Record<JobKind, Partial<KindStats>>>, idle = false): QueueStats {
  return { idle, kinds: Object.fromEntries(JobKind.options.map((k) => [k, { ...empty(), ...kinds[k] }])) };
}

describe('BatchTracker', () => {
  it('counts only this batch and projects what later stages will still queue', () => {
    let now = 1_000_000;
    const tracker = new BatchTracker(() => now);
    // 50 photos went through earlier; then 100 are dropped.
    tracker.begin(stats({ ingest: { done: 50 }, derive: { done: 50 }, analyze: { done: 50 } }));
    expect(tracker.isOpen()).toBe(true);
    const first = tracker.observe(stats({ ingest: { done: 50, queued: 100 }, derive: { done: 50 }, analyze: { done: 50 } }))!;
    expect(first.stages).toEqual([{ kind: 'ingest', done: 0, total: 100, perMinute: null, etaSeconds: null }]);

    now += 10_000;
    // 40 ingested (one a duplicate: 39 derives), 30 derived, 10 analysed.
    const later = tracker.observe(stats({
      ingest: { done: 90, queued: 58, running: 2 },
      derive: { done: 80, queued: 8, running: 1 },
      analyze: { done: 60, queued: 19, running: 1 },
    }))!;
    const byKind = Object.fromEntries(later.stages.map((s) => [s.kind, s]));
    expect(byKind['ingest']).toMatchObject({ done: 40, total: 100, perMinute: 240 });
    // 39 derives known for 40 ingests: the 60 ingests left add 59 (39/40 of 60, rounded).
    expect(byKind['derive']).toMatchObject({ done: 30, total: 39 + 59 });
    // 30 analyses known for 30 derives: ratio 1 over the 68 derives still to finish.
    expect(byKind['analyze']).toMatchObject({ done: 10, total: 30 + 68, perMinute: 60 });
    expect(byKind['analyze']!.etaSeconds).toBeCloseTo(88, 5);
    expect(later.etaSeconds).toBeCloseTo(88, 5);
    // 10 s gone, 88 s to go: the batch is a tenth through, though 80 of its 296 jobs are done.
    expect(later.fraction).toBeCloseTo(10 / (10 + 88), 5);
  });

  it('a stage with work left and no pace yet leaves the batch eta unknown; idle ends the batch', () => {
    let now = 0;
    const tracker = new BatchTracker(() => now);
    tracker.begin(stats({}));
    tracker.observe(stats({ ingest: { queued: 10 } }));
    now += 5_000;
    const p = tracker.observe(stats({ ingest: { done: 10 }, derive: { queued: 10 } }))!;
    expect(p.stages.map((s) => [s.kind, s.done, s.total, s.etaSeconds])).toEqual([['ingest', 10, 10, 0], ['derive', 0, 10, null]]);
    expect(p.etaSeconds).toBeNull();
    // No ETA: the least advanced stage (derive, 0 of 10), not the 10 of 20 jobs done.
    expect(p.fraction).toBe(0);
    expect(tracker.observe(stats({ ingest: { done: 10 }, derive: { done: 10 } }, true))).toBeUndefined();
    expect(tracker.isOpen()).toBe(false);
  });

  it('work left from an earlier run opens a batch by itself', () => {
    const tracker = new BatchTracker(() => 0);
    const p = tracker.observe(stats({ upload: { done: 7, queued: 3 } }))!;
    expect(p.stages).toEqual([{ kind: 'upload', done: 0, total: 3, perMinute: null, etaSeconds: null }]);
  });
});
