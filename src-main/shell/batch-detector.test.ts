import { describe, expect, it } from 'vitest';
import type { KindStats, QueueStats } from '../contract/index.ts';
import { batchMessage, createBatchDetector } from './batch-detector.ts';

const kind = (k: Partial<KindStats> = {}): KindStats => ({ queued: 0, running: 0, done: 0, failed: 0, dead: 0, ...k });
const q = (ingest: Partial<KindStats>, render: Partial<KindStats> = {}, idle?: boolean): QueueStats => {
  const kinds = { ingest: kind(ingest), render: kind(render) };
  const busy = Object.values(kinds).some((k) => k.queued + k.running + k.failed > 0);
  return { kinds, idle: idle ?? !busy };
};

describe('createBatchDetector', () => {
  it('reports a batch once, when a busy queue goes idle after at least N jobs', () => {
    const detect = createBatchDetector(10);
    expect(detect(q({ done: 100 }))).toBeNull(); // baseline: whatever was done before we started
    expect(detect(q({ queued: 8, done: 100 }))).toBeNull();
    expect(detect(q({ running: 1, done: 107 }, { queued: 4 }))).toBeNull();
    expect(detect(q({ done: 108 }, { done: 3, dead: 1 }))).toEqual({ done: 11, failed: 1, imported: 8 });
    expect(detect(q({ done: 108 }, { done: 3, dead: 1 }))).toBeNull(); // still idle: no second notification
  });

  it('stays silent for a batch smaller than N', () => {
    const detect = createBatchDetector(10);
    detect(q({}));
    detect(q({ queued: 2 }));
    expect(detect(q({ done: 2 }, { done: 2 }))).toBeNull();
    // ...and the next batch is counted from there, not from the start
    detect(q({ queued: 10, done: 2 }, { done: 2 }));
    expect(detect(q({ done: 12 }, { done: 2 }))).toEqual({ done: 10, failed: 0, imported: 10 });
  });

  it('does not call it idle while jobs are counted even if the flag says idle', () => {
    const detect = createBatchDetector(1);
    detect(q({}));
    detect(q({ queued: 1 }));
    expect(detect(q({ queued: 1, done: 5 }, {}, true))).toBeNull();
    expect(detect(q({ done: 6 }))).toEqual({ done: 6, failed: 0, imported: 6 });
  });

  it('restarts its baseline when counters shrink (pruned rows) instead of reporting a negative batch', () => {
    const detect = createBatchDetector(1);
    detect(q({ done: 500 }));
    detect(q({ queued: 1, done: 500 }));
    expect(detect(q({ done: 3 }))).toBeNull();
    detect(q({ queued: 2, done: 3 }));
    expect(detect(q({ done: 5 }))).toEqual({ done: 2, failed: 0, imported: 2 });
  });

  it('says what finished and what to do about failures', () => {
    expect(batchMessage({ done: 40, failed: 0, imported: 10 })).toEqual({ title: 'Lightbox is done', body: '10 photos imported, 40 jobs finished.' });
    expect(batchMessage({ done: 1, failed: 2, imported: 0 })).toEqual({
      title: 'Lightbox is done, with problems',
      body: '1 job finished; 2 failed: open the Queue panel to retry them.',
    });
  });
});
