import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  const options = { baseMs: 100, capMs: 1000 };

  it('doubles the window with each attempt, up to the cap', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6, 50, 2000].map((attempt) => backoffDelay(attempt, options, top))).toEqual([99, 199, 399, 799, 999, 999, 999, 999]);
  });

  it('spreads delays over the whole window (full jitter)', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(0);
    expect(backoffDelay(3, options, () => 0.5)).toBe(200);
    expect(backoffDelay(3, options, () => 0.25)).toBe(100);
  });

  it('treats attempt 0 or less like the first', () => {
    expect(backoffDelay(0, options, () => 0.5)).toBe(50);
  });
});
