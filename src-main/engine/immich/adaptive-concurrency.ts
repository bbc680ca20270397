export type AdaptiveConcurrencyOptions = {
  initial?: number;
  min?: number;
  max?: number;
  /** Consecutive successes before the limit grows by one. */
  growAfter?: number;
  /**
   * After a cut, further overload signals within this window are the same episode (requests that
   * were already in flight) and do not cut again. Without it, 4 in-flight 503s would go 4 -> 1.
   */
  cooldownMs?: number;
  now?: () => number;
};

export type Outcome = 'success' | 'overload' | 'other-failure';

/**
 * AIMD-style limit on uploads in flight to one server: start at 4, halve on 429/5xx (at most once
 * per cooldown), add one after `growAfter` successes in a row, stay within [min, max].
 * Failures that say nothing about load (400, 401, a file that changed) leave the limit alone.
 */
export class AdaptiveConcurrency {
  readonly min: number;
  readonly max: number;
  readonly growAfter: number;
  readonly cooldownMs: number;
  #limit: number;
  #streak = 0;
  #lastCutAt = -Infinity;
  #active = 0;
  #waiters: Array<() => void> = [];
  readonly #now: () => number;

  constructor(options: AdaptiveConcurrencyOptions = {}) {
    this.min = options.min ?? 1;
    this.max = options.max ?? 8;
    this.growAfter = options.growAfter ?? 10;
    this.cooldownMs = options.cooldownMs ?? 2000;
    this.#now = options.now ?? Date.now;
    this.#limit = Math.min(this.max, Math.max(this.min, options.initial ?? 4));
  }

  get limit(): number {
    return this.#limit;
  }
  get active(): number {
    return this.#active;
  }

  record(outcome: Outcome): void {
    if (outcome === 'success') {
      this.#streak += 1;
      if (this.#streak >= this.growAfter) {
        this.#streak = 0;
        this.#setLimit(this.#limit + 1);
      }
      return;
    }
    if (outcome === 'other-failure') return;
    this.#streak = 0;
    const now = this.#now();
    if (now - this.#lastCutAt < this.cooldownMs) return;
    this.#lastCutAt = now;
    this.#setLimit(Math.floor(this.#limit / 2));
  }

  /** Waits for a slot; call the returned release exactly once. */
  async acquire(): Promise<() => void> {
    while (this.#active >= this.#limit) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    this.#active += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active -= 1;
      this.#wake();
    };
  }

  /** Runs `fn` in a slot; `classify` turns its error into an outcome (default: overload). */
  async run<T>(fn: () => Promise<T>, classify: (error: unknown) => Outcome = () => 'overload'): Promise<T> {
    const release = await this.acquire();
    try {
      const value = await fn();
      this.record('success');
      return value;
    } catch (error) {
      this.record(classify(error));
      throw error;
    } finally {
      release();
    }
  }

  #setLimit(value: number): void {
    this.#limit = Math.min(this.max, Math.max(this.min, value));
    this.#wake();
  }

  #wake(): void {
    let free = this.#limit - this.#active;
    while (free-- > 0 && this.#waiters.length > 0) this.#waiters.shift()!();
  }
}

/** Overload for 429/5xx/connection trouble (the `retryable` kind), nothing otherwise. */
export function classifyImmichOutcome(error: unknown): Outcome {
  return (error as { kind?: unknown } | null)?.kind === 'retryable' ? 'overload' : 'other-failure';
}
