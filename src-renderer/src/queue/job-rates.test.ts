import { describe, expect, it } from 'vitest';
import { formatRate, nextRates, type Sample } from './job-rates.ts';

describe('queue rates', () => {
  it('counts jobs finished per second over the last 15 s, per kind', () => {
    let samples: Sample[] = [];
    const feed = (at: number, done: Record<string, number>) => {
      const next = nextRates(samples, { at, done });
      samples = next.samples;
      return next.rates;
    };
    expect(feed(0, { ingest: 0, derive: 0 })).toEqual({});
    expect(feed(500, { ingest: 5, derive: 0 })).toEqual({}); // under a second: no rate yet
    expect(feed(2_000, { ingest: 20, derive: 4 })).toEqual({ ingest: 10, derive: 2 });
    // Older samples fall out of the window: the rate follows what happens now.
    expect(feed(16_000, { ingest: 20, derive: 32 })).toEqual({ ingest: 0, derive: 2 });
    expect(samples.map((s) => s.at)).toEqual([2_000, 16_000]);
    // Nothing heard for longer than the window: no rate rather than a stale one.
    expect(feed(40_000, { ingest: 20, derive: 32 })).toEqual({});
  });

  it('a kind that appears later starts from its first count', () => {
    const first = nextRates([], { at: 0, done: { ingest: 3 } });
    expect(nextRates(first.samples, { at: 4_000, done: { ingest: 3, upload: 8 } }).rates).toEqual({ ingest: 0, upload: 0 });
  });

  it('shows only rates worth reading', () => {
    expect(formatRate(undefined)).toBeNull();
    expect(formatRate(0.01)).toBeNull();
    expect(formatRate(2.345)).toBe('2.3/s');
    expect(formatRate(48.6)).toBe('49/s');
  });
});
