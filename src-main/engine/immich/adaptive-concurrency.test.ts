import { describe, expect, it } from 'vitest';
import { AdaptiveConcurrency, classifyImmichOutcome } from './adaptive-concurrency.ts';
import { ImmichError } from './immich-error.ts';

describe('AdaptiveConcurrency', () => {
  it('starts at 4, halves on overload once per cooldown, never below 1', () => {
    let now = 0;
    const limiter = new AdaptiveConcurrency({ now: () => now, cooldownMs: 1000 });
    expect(limiter.limit).toBe(4);
    limiter.record('overload');
    expect(limiter.limit).toBe(2);
    limiter.record('overload'); // same episode: requests that were in flight together
    expect(limiter.limit).toBe(2);
    now = 1000;
    limiter.record('overload');
    expect(limiter.limit).toBe(1);
    now = 5000;
    limiter.record('overload');
    expect(limiter.limit).toBe(1);
  });

  it('grows by one after N successes in a row, up to 8; other failures change nothing', () => {
    const limiter = new AdaptiveConcurrency({ growAfter: 3, now: () => 0 });
    for (let i = 0; i < 2; i++) limiter.record('success');
    limiter.record('other-failure');
    limiter.record('success');
    expect(limiter.limit).toBe(5);
    for (let i = 0; i < 3 * 10; i++) limiter.record('success');
    expect(limiter.limit).toBe(8);
    limiter.record('success');
    limiter.record('overload');
    expect(limiter.limit).toBe(4);
    limiter.record('success');
    limiter.record('success');
    expect(limiter.limit).toBe(4); // the streak restarted at the overload
  });

  it('admits no more than the limit at once, and wakes waiters when the limit grows', async () => {
    const limiter = new AdaptiveConcurrency({ initial: 2, growAfter: 1, now: () => 0 });
    const releases = [await limiter.acquire(), await limiter.acquire()];
    let third = false;
    const waiting = limiter.acquire().then((release) => ((third = true), release));
    await Promise.resolve();
    expect(third).toBe(false);
    limiter.record('success'); // limit 3
    releases.push(await waiting);
    expect(third).toBe(true);
    expect(limiter.active).toBe(3);
    releases.forEach((r) => r());
    expect(limiter.active).toBe(0);
  });

  it('run() records the outcome; only retryable Immich errors count as overload', async () => {
    let now = 0;
    const limiter = new AdaptiveConcurrency({ now: () => now });
    await expect(limiter.run(() => Promise.reject(new ImmichError('invalid', 'bad')), classifyImmichOutcome)).rejects.toThrow('bad');
    expect(limiter.limit).toBe(4);
    await expect(limiter.run(() => Promise.reject(new ImmichError('retryable', 'busy', { status: 429 })), classifyImmichOutcome)).rejects.toThrow('busy');
    expect(limiter.limit).toBe(2);
    now += 10_000;
    expect(await limiter.run(async () => 7)).toBe(7);
    expect(limiter.active).toBe(0);
  });
});
