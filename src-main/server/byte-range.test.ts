import { describe, expect, it } from 'vitest';
import { ifRangeHolds, requestedRange } from './byte-range.ts';

describe('requestedRange', () => {
  it('reads a first-last, an open-ended and a suffix range, clamped to the file', () => {
    expect(requestedRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(requestedRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(requestedRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(requestedRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
    expect(requestedRange('bytes=990-5000', 1000)).toEqual({ start: 990, end: 999 });
  });

  it('answers unsatisfiable past the end, and the whole file for what it does not serve', () => {
    expect(requestedRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(requestedRange('bytes=1000-1200', 1000)).toBe('unsatisfiable');
    expect(requestedRange('bytes=-0', 1000)).toBe('unsatisfiable');
    expect(requestedRange('bytes=0-0', 0)).toBe('unsatisfiable');
    for (const header of [undefined, '', 'items=0-1', 'bytes=5-1', 'bytes=0-1,5-9', 'bytes=-', 'bytes=a-b']) {
      expect(requestedRange(header, 1000), String(header)).toBeNull();
    }
  });
});

describe('ifRangeHolds', () => {
  it('compares a strong ETag exactly, never a weak one, else the exact date', () => {
    const date = 'Sun, 06 Dec 2026 22:09:09 GMT';
    expect(ifRangeHolds(undefined, '"abc"', date)).toBe(true);
    expect(ifRangeHolds('"abc"', '"abc"', date)).toBe(true);
    expect(ifRangeHolds('"old"', '"abc"', date)).toBe(false);
    expect(ifRangeHolds('"abc"', 'W/"abc"', date)).toBe(false);
    expect(ifRangeHolds(date, 'W/"abc"', date)).toBe(true);
    expect(ifRangeHolds('Sat, 05 Dec 2026 22:09:09 GMT', '"abc"', date)).toBe(false);
  });
});
