export type RateLimit = { perSecond: number; burst: number };

/** Enough for a script that uploads a card's worth of photos flat out; a runaway loop is slowed. */
export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 20, burst: 120 };

/**
 * A token bucket per caller: `burst` requests at once, refilled at `perSecond`. In memory: a
 * restart forgets it, which costs a client nothing but a fresh burst.
 */
export class RateLimiter {
  #limit: RateLimit;
  #now: () => number;
  #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(limit: RateLimit = DEFAULT_RATE_LIMIT, now: () => number = () => performance.now()) {
    this.#limit = limit;
    this.#now = now;
  }

  /** Takes one request's worth; when none is left, how long until there is (whole seconds, at least 1). */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.#now();
    const { perSecond, burst } = this.#limit;
    const bucket = this.#buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)) };
  }
}
