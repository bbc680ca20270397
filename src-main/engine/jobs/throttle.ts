/**
 * At most one call per interval, and the last one current: a burst of requests becomes one call,
 * made when the interval since the previous call is over. `flush()` makes a pending call now.
 */
export class Throttle {
  readonly #run: () => void;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | null = null;
  #lastAt = 0;

  constructor(run: () => void, intervalMs: number) {
    this.#run = run;
    this.#intervalMs = intervalMs;
  }

  request(): void {
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastAt + this.#intervalMs - Date.now());
    this.#timer = setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    if (!this.#timer) return;
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#lastAt = Date.now();
    this.#run();
  }
}
