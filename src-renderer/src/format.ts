import type { CaptureDate, CaptureInstant, ZoneSource, Gps, PhotoStage } from './contract.ts';

export const STAGE_TEXT: Record<PhotoStage, string> = {
  new: 'New',
  processing: 'Processing',
  ingested: 'Ingested',
  analysing: 'Analysing',
  'needs-review': 'Needs review',
  approved: 'Approved',
  rendered: 'Rendered',
  uploaded: 'Uploaded',
  failed: 'Failed',
};

/** The tile's second badge: how many more times these exact bytes were dropped (the copies were skipped). */
export function duplicateBadge(count: number): { text: string; label: string } | null {
  if (count <= 0) return null;
  return { text: `Duplicate ×${count}`, label: `Dropped ${count} more ${count === 1 ? 'time' : 'times'}; the ${count === 1 ? 'copy was' : 'copies were'} skipped` };
}

/** 1/250 s for short times, 2.5 s for long ones, the way cameras print them. */
export function formatExposure(seconds: number | null): string | null {
  if (seconds === null || seconds <= 0) return null;
  if (seconds >= 0.3) return `${Number(seconds.toFixed(1))} s`;
  return `1/${Math.round(1 / seconds)} s`;
}

export function formatCaptureDate(date: CaptureDate | null): string | null {
  if (!date) return null;
  const [day, time = ''] = date.local.split('T');
  const when = `${day} ${time.slice(0, 8)}`.trim();
  const zone = date.offset ? ` (UTC${date.offset})` : '';
  return date.source === 'file' ? `${when}${zone} · file date, no EXIF date` : `${when}${zone}`;
}

const ZONE_FROM: Record<ZoneSource, string> = {
  'maker-note': "the camera's time-zone setting",
  'offset-tag': 'the file',
  gps: 'the GPS position',
  'date-offset': 'the date in the file',
  'gps-clock': 'the camera clock against GPS time',
  'utc-date': 'a date written in UTC',
};

/**
 * The capture time with its zone, as Immich will show it: `2018-07-25 16:34:23 · Europe/Prague
 * (UTC+02:00), from the GPS position`. Without a resolved zone, the camera clock as recorded.
 */
export function formatCaptureTime(date: CaptureDate | null, instant: CaptureInstant | null | undefined): string | null {
  if (!instant) return formatCaptureDate(date);
  const [day, time = ''] = instant.localDateTime.split('T');
  const when = `${day} ${time.slice(0, 8)}`.trim();
  if (!instant.zone || !instant.instant || !instant.source) return `${when} · no time zone recorded`;
  const offset = `UTC${instant.instant.slice(23)}`;
  const zone = instant.zone.includes('/') ? `${instant.zone} (${offset})` : offset;
  return `${when} · ${zone}, from ${ZONE_FROM[instant.source]}`;
}

export function formatGps(gps: Gps | null): string | null {
  if (!gps) return null;
  const lat = `${Math.abs(gps.latitude).toFixed(5)}° ${gps.latitude >= 0 ? 'N' : 'S'}`;
  const lon = `${Math.abs(gps.longitude).toFixed(5)}° ${gps.longitude >= 0 ? 'E' : 'W'}`;
  return gps.altitude === null ? `${lat}, ${lon}` : `${lat}, ${lon}, ${Math.round(gps.altitude)} m`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

/** Typing into a field must never trigger a shortcut. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
