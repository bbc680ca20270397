import { setTimeout as delay } from 'node:timers/promises';
import { isImmichError } from './immich-error.ts';

export type RetryOptions = {
  /** Total attempts, the first included. */
  maxAttempts: number;
  /** Ceiling of the first retry's wait; doubles per attempt. */
  baseMs: number;
  /** No computed wait exceeds this (a server's Retry-After may, up to `maxRetryAfterMs`). */
  capMs: number;
  /** A Retry-After longer than this is not waited out here: the error is thrown for the queue to reschedule. Default 5 min. */
  maxRetryAfterMs?: number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  /** Told about each retry before its wait (logging, metrics, adaptive concurrency). */
  onRetry?: (info: { attempt: number; waitMs: number; error: unknown }) => void;
};

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 5, baseMs: 500, capMs: 30_000 };

/** Full jitter: uniform in [0, min(cap, base * 2^(attempt-1))), raised to the server's Retry-After. */
export function retryDelay(attempt: number, options: Pick<RetryOptions, 'baseMs' | 'capMs' | 'random'>, retryAfterMs?: number): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const jitter = Math.floor((options.random ?? Math.random)() * ceiling);
  return retryAfterMs === undefined ? jitter : Math.max(jitter, retryAfterMs);
}

/** Rejects with the signal's own reason, so the caller sees why it stopped, not a generic AbortError. */
const defaultSleep = (ms: number, signal?: AbortSignal) =>
  delay(ms, undefined, signal ? { signal } : undefined).catch((error: unknown) => {
    throw signal?.aborted ? signal.reason : error;
  });

/** Runs `fn` until it succeeds, fails with a non-retryable error, or attempts run out. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = DEFAULT_RETRY): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  const maxRetryAfter = options.maxRetryAfterMs ?? 5 * 60_000;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (!isImmichError(error) || error.kind !== 'retryable' || attempt >= options.maxAttempts) throw error;
      if (error.retryAfterMs !== undefined && error.retryAfterMs > maxRetryAfter) throw error;
      const waitMs = retryDelay(attempt, options, error.retryAfterMs);
      options.onRetry?.({ attempt, waitMs, error });
      await sleep(waitMs, options.signal);
    }
  }
}
