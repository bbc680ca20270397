import { useEffect, useRef, useState } from 'react';
import type { QueueStats } from '../contract.ts';

/** Rates are averaged over this window: long enough to smooth a burst, short enough to follow a card dump. */
const WINDOW_MS = 15_000;

export type Sample = { at: number; done: Record<string, number> };

/** The samples still inside the window, with `latest` added, and each kind's jobs per second across them. */
export function nextRates(samples: Sample[], latest: Sample): { samples: Sample[]; rates: Record<string, number> } {
  const kept = [...samples.filter((s) => latest.at - s.at <= WINDOW_MS), latest];
  const oldest = kept[0]!;
  const seconds = (latest.at - oldest.at) / 1000;
  if (seconds < 1) return { samples: kept, rates: {} };
  return { samples: kept, rates: Object.fromEntries(Object.entries(latest.done).map(([kind, n]) => [kind, Math.max(0, n - (oldest.done[kind] ?? n)) / seconds])) };
}

/**
 * Jobs finished per second for each kind, from the queue.stats stream the window already follows
 * (the engine counts, the page only differentiates): a kind that finished nothing lately has none.
 */
export function useJobRates(queue: QueueStats | null): Record<string, number> {
  const samples = useRef<Sample[]>([]);
  const [rates, setRates] = useState<Record<string, number>>({});
  useEffect(() => {
    if (!queue) return;
    const done = Object.fromEntries(Object.entries(queue.kinds).map(([kind, s]) => [kind, s.done + s.dead]));
    const next = nextRates(samples.current, { at: performance.now(), done });
    samples.current = next.samples;
    setRates(next.rates);
  }, [queue]);
  return rates;
}

export function formatRate(perSecond: number | undefined): string | null {
  if (!perSecond || perSecond < 0.05) return null;
  return perSecond >= 10 ? `${Math.round(perSecond)}/s` : `${perSecond.toFixed(1)}/s`;
}
