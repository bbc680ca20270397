// Progress in words, shared by the window (Queue page, header) and the command line's bar.
import type { BatchProgress, JobKind } from './queue.ts';

/** Time left in words; null is "not known yet" (no stage has a pace). */
export function etaText(seconds: number | null): string {
  if (seconds === null) return 'working out the time left…';
  if (seconds < 45) return 'less than a minute left';
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `about ${minutes} min left`;
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}

/** A stage's pace: per second when fast (ingest), per minute otherwise (analysis). */
export function paceText(perMinute: number | null): string | null {
  if (perMinute === null || perMinute <= 0) return null;
  if (perMinute >= 120) return `${Math.round(perMinute / 60)}/s`;
  return perMinute >= 10 ? `${Math.round(perMinute)}/min` : `${perMinute.toFixed(1)}/min`;
}

/** Short stage names for the compact indicator and the command line's bar. */
export const STAGE_SHORT: Record<JobKind, string> = {
  ingest: 'import',
  derive: 'thumbnails',
  analyze: 'analysis',
  render: 'render',
  'apply-preset': 'presets',
  upload: 'upload',
};

/** The stage holding the batch back: the one with the most time left (or, unknown, the first with work left). */
export function slowestStage(progress: BatchProgress): BatchProgress['stages'][number] | null {
  const open = progress.stages.filter((s) => s.done < s.total);
  if (open.length === 0) return null;
  return [...open].sort((a, b) => (b.etaSeconds ?? Number.POSITIVE_INFINITY) - (a.etaSeconds ?? Number.POSITIVE_INFINITY))[0]!;
}
