/**
 * Calls `fn` with the latest value at most once per `intervalMs`: the first value at once, later
 * ones at the end of the interval (so the last state always shows). queue.stats can fire for every
 * job; redrawing a tray icon that often costs more than the information is worth.
 */
export type Throttled<T> = { push(value: T): void; cancel(): void };

export function throttleLatest<T>(fn: (value: T) => void, intervalMs: number): Throttled<T> {
  let lastRun = -Infinity;
  let pending: { value: T } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = (): void => {
    timer = null;
    if (!pending) return;
    const { value } = pending;
    pending = null;
    lastRun = Date.now();
    fn(value);
  };

  return {
    push(value) {
      pending = { value };
      if (timer) return;
      const wait = lastRun + intervalMs - Date.now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}
