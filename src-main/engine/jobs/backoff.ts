export type BackoffOptions = {
  /** The ceiling of the first retry's delay; it doubles with each attempt. */
  baseMs: number;
  /** No retry waits longer than this. */
  capMs: number;
};

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, capMs: 5 * 60_000 };

/**
 * "Full jitter": a uniform delay in [0, min(cap, base * 2^(attempt-1))). Spreading retries over the
 * whole window keeps a burst of failures (a share that went away) from retrying in lockstep.
 * `attempt` is the attempt that just failed, from 1.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
