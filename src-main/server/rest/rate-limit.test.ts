import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.ts';

describe('RateLimiter', () => {
  it('allows a burst, then refills at its rate and says how long to wait, per caller', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 }, () => now);
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    // Another caller has its own bucket.
    expect(limiter.take('b').ok).toBe(true);
    now = 499;
    expect(limiter.take('a').ok).toBe(false);
    // One second at two a second: two more.
    now = 1000;
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, false]);
    // A long pause refills to the burst, no further.
    now = 60_000;
    expect([1, 2, 3, 4].map(() => limiter.take('a').ok)).toEqual([true, true, true, false]);
  });

  it('rounds Retry-After up to whole seconds for a slow rate', () => {
    const limiter = new RateLimiter({ perSecond: 0.25, burst: 1 }, () => 0);
    limiter.take('a');
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 4 });
  });
});
