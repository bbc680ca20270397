import type { QueueStats } from '../contract/index.ts';
import { jobsToDo } from './tray-status.ts';

export type BatchFinished = {
  /** Jobs that finished since the queue was last idle. */
  done: number;
  /** Jobs that gave up (dead letters) in the same batch. */
  failed: number;
  /** Ingest jobs among `done`: the photos a person thinks in. */
  imported: number;
};

type Totals = { done: number; dead: number; imported: number };

function totals(stats: QueueStats): Totals {
  let done = 0;
  let dead = 0;
  for (const kind of Object.values(stats.kinds)) {
    done += kind.done;
    dead += kind.dead;
  }
  return { done, dead, imported: stats.kinds.ingest?.done ?? 0 };
}

/**
 * Turns the stream of queue.stats into "a batch just finished" moments: the queue went from busy
 * to idle and at least `minJobs` jobs finished on the way. Small batches (one photo, a re-render)
 * stay silent, because a notification for every file would train people to ignore them.
 * Counts are measured from the last idle moment; a counter that shrinks (old rows pruned) restarts
 * the baseline instead of producing a negative batch.
 */
export function createBatchDetector(minJobs: number): (stats: QueueStats) => BatchFinished | null {
  let baseline: Totals | null = null;
  let busy = false;

  return (stats) => {
    const now = totals(stats);
    const idle = stats.idle && jobsToDo(stats) === 0;
    if (baseline === null || now.done < baseline.done || now.dead < baseline.dead || now.imported < baseline.imported) {
      baseline = now;
      busy = !idle;
      return null;
    }
    if (!idle) {
      busy = true;
      return null;
    }
    const batch = { done: now.done - baseline.done, failed: now.dead - baseline.dead, imported: now.imported - baseline.imported };
    const wasBusy = busy;
    baseline = now;
    busy = false;
    return wasBusy && batch.done + batch.failed >= minJobs ? batch : null;
  };
}

/** The notification's words. */
export function batchMessage(batch: BatchFinished): { title: string; body: string } {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const done = batch.imported > 0 ? `${plural(batch.imported, 'photo')} imported, ${plural(batch.done, 'job')} finished` : `${plural(batch.done, 'job')} finished`;
  if (batch.failed === 0) return { title: 'Lightbox is done', body: `${done}.` };
  return {
    title: 'Lightbox is done, with problems',
    body: `${done}; ${batch.failed} failed: open the Queue panel to retry them.`,
  };
}
