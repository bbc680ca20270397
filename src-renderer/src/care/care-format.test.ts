import { describe, expect, it } from 'vitest';
import { percentOf, relativeTime } from './care-format.ts';

describe('care wording', () => {
  it('says when, in words', () => {
    const now = Date.parse('2025-03-10T12:00:00Z');
    expect(relativeTime(null, now)).toBe('never');
    expect(relativeTime('2025-03-10T11:59:40Z', now)).toBe('just now');
    expect(relativeTime('2025-03-10T11:15:00Z', now)).toBe('45 minutes ago');
    expect(relativeTime('2025-03-09T12:00:00Z', now)).toBe('24 hours ago');
    expect(relativeTime('2025-03-03T12:00:00Z', now)).toBe('7 days ago');
    expect(relativeTime('2025-03-17T12:00:00Z', now)).toBe('in 7 days');
    expect(relativeTime('2025-03-10T13:00:00Z', now)).toBe('in 1 hour');
  });

  it('measures progress by bytes when it can', () => {
    expect(percentOf({ filesDone: 1, filesTotal: 4, bytesDone: 900, bytesTotal: 1000 })).toBe(90);
    expect(percentOf({ filesDone: 1, filesTotal: 4, bytesDone: 0, bytesTotal: 0 })).toBe(25);
    expect(percentOf({ filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 })).toBe(0);
  });
});
