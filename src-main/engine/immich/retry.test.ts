import { describe, expect, it } from 'vitest';
import { ImmichError, parseRetryAfter } from './immich-error.ts';
import { retryDelay, withRetry } from './retry.ts';

const retryable = (retryAfterMs?: number) => new ImmichError('retryable', 'HTTP 503', { status: 503, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });

describe('withRetry', () => {
  it('backs off with full jitter under a doubling ceiling and the cap, then succeeds', async () => {
    const waits: number[] = [];
    let calls = 0;
    const value = await withRetry(
      async () => {
        if (++calls < 5) throw retryable();
        return 'ok';
      },
      { maxAttempts: 5, baseMs: 100, capMs: 500, random: () => 0.5, sleep: async (ms) => void waits.push(ms) },
    );
    expect(value).toBe('ok');
    expect(waits).toEqual([50, 100, 200, 250]);
  });

  it('waits at least Retry-After, even above the jittered delay', async () => {
    const waits: number[] = [];
    let calls = 0;
    await withRetry(
      async () => {
        if (++calls === 1) throw retryable(3000);
      },
      { maxAttempts: 3, baseMs: 100, capMs: 500, random: () => 0.99, sleep: async (ms) => void waits.push(ms) },
    );
    expect(waits).toEqual([3000]);
  });

  it('does not retry auth, invalid or foreign errors, and stops after maxAttempts', async () => {
    for (const error of [new ImmichError('auth', 'x', { status: 401 }), new ImmichError('invalid', 'x', { status: 400 }), new Error('bug')]) {
      let calls = 0;
      await expect(withRetry(async () => ((calls += 1), Promise.reject(error)), { maxAttempts: 5, baseMs: 1, capMs: 1, sleep: async () => {} })).rejects.toBe(error);
      expect(calls).toBe(1);
    }
    let calls = 0;
    await expect(withRetry(async () => ((calls += 1), Promise.reject(retryable())), { maxAttempts: 3, baseMs: 1, capMs: 1, sleep: async () => {} })).rejects.toMatchObject({ kind: 'retryable' });
    expect(calls).toBe(3);
  });

  it('hands a Retry-After longer than maxRetryAfterMs back to the caller, and stops on abort', async () => {
    await expect(withRetry(() => Promise.reject(retryable(600_000)), { maxAttempts: 5, baseMs: 1, capMs: 1, maxRetryAfterMs: 60_000, sleep: async () => {} })).rejects.toMatchObject({
      retryAfterMs: 600_000,
    });
    const controller = new AbortController();
    const pending = withRetry(() => Promise.reject(retryable()), { maxAttempts: 5, baseMs: 10_000, capMs: 10_000, random: () => 1, signal: controller.signal });
    controller.abort(new Error('stopped'));
    await expect(pending).rejects.toThrow('stopped');
  });

  it('computes delays and parses Retry-After in both forms', () => {
    expect(retryDelay(1, { baseMs: 1000, capMs: 60_000, random: () => 0.999 })).toBe(999);
    expect(retryDelay(10, { baseMs: 1000, capMs: 60_000, random: () => 0.5 })).toBe(30_000);
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
