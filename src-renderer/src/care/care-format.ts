import type { ScrubProgress } from '../contract.ts';

/** "3 min ago", "yesterday", "in 6 days": when a check or a backup happened, or will. */
export function relativeTime(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never';
  const ms = Date.parse(iso) - now;
  const past = ms < 0;
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const say = (n: number, unit: string) => (past ? `${n} ${unit}${n === 1 ? '' : 's'} ago` : `in ${n} ${unit}${n === 1 ? '' : 's'}`);
  if (minutes < 1) return past ? 'just now' : 'in a moment';
  if (minutes < 60) return say(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (hours < 36) return say(hours, 'hour');
  return say(Math.round(hours / 24), 'day');
}

export const PHASE_TEXT: Record<ScrubProgress['phase'], string> = {
  database: 'Checking the database',
  originals: 'Re-reading originals',
  processed: 'Re-reading processed files',
  orphans: 'Looking for stray files',
  repair: 'Repairing',
};

/** Whole-number percent of a progress, by bytes when known (files differ a lot in size). */
export function percentOf(p: { filesDone: number; filesTotal: number; bytesDone: number; bytesTotal: number }): number {
  if (p.bytesTotal > 0) return Math.min(100, Math.round((p.bytesDone / p.bytesTotal) * 100));
  return p.filesTotal === 0 ? 0 : Math.min(100, Math.round((p.filesDone / p.filesTotal) * 100));
}
