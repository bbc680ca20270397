import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttleLatest } from './throttle.ts';

describe('throttleLatest', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('passes the first value at once, then only the latest value once per interval', () => {
    const seen: number[] = [];
    const t = throttleLatest((v: number) => seen.push(v), 1000);
    t.push(1);
    expect(seen).toEqual([1]);
    for (let v = 2; v <= 50; v++) t.push(v);
    expect(seen).toEqual([1]);
    vi.advanceTimersByTime(999);
    expect(seen).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([1, 50]);
    vi.advanceTimersByTime(5000);
    expect(seen).toEqual([1, 50]);
    t.push(51); // a quiet period has passed: immediate again
    expect(seen).toEqual([1, 50, 51]);
  });

  it('drops a pending value when cancelled', () => {
    const seen: number[] = [];
    const t = throttleLatest((v: number) => seen.push(v), 1000);
    t.push(1);
    t.push(2);
    t.cancel();
    vi.advanceTimersByTime(2000);
    expect(seen).toEqual([1]);
  });
});
