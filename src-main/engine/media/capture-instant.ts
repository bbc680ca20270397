import type { CaptureInstant, Photo, ZoneSource } from '../../contract/photo.ts';
import { fixedZoneName, formatOffset, isValidOffset, localToUtcMs, parseOffset, zoneAtPosition, zoneOffsetAt } from './zones.ts';

/**
 * When a photo was taken, resolved the way Immich v3.1 resolves it (exiftool-vendored with
 * backfillTimezones, inferTimezoneFromDatestamps and geo-tz), so the original and the processed
 * file of a pair land on the same instant in Immich and Lightbox shows the same time as Immich.
 *
 * The zone, first found wins:
 * 1. the zone tags, in exiftool-vendored's order: the maker note's TimeZone (Canon, Nikon; see
 *    maker-note-zone.ts), OffsetTimeOriginal, OffsetTimeDigitized, TimeZoneOffset (hours).
 *    OffsetTime is NOT one of them: it belongs to ModifyDate, the file's last change;
 * 2. the IANA zone at the GPS position (geo-tz; 0,0 counts as no position);
 * 3. an offset written inside a capture date (an XMP date `…+02:00`), except +00:00;
 * 4. the difference between the capture time and GPSDateTime, rounded to a real offset when it is
 *    within 30 minutes of one (a GPS fix lags the shutter).
 * Then the date: its own offset (if it carries one) fixes the instant, else it is wall-clock time
 * in the zone. Without any zone the time stays local: no instant, and Immich then stores the local
 * time as if it were UTC; the same holds here for whoever sends it (see `immichDates`).
 */

/** A date as a tag holds it: wall-clock `YYYY-MM-DDTHH:mm:ss(.sss)` and the offset written with it. */
export type DateValue = { local: string; offset: string | null };

export type CaptureFacts = {
  /**
   * The capture date, the first of: EXIF DateTimeOriginal (+SubSecTimeOriginal, +OffsetTimeOriginal,
   * as exiftool's SubSecDateTimeOriginal joins them), EXIF CreateDate (same with …Digitized), the
   * embedded XMP's photoshop:DateCreated / exif:DateTimeOriginal, xmp:CreateDate, GPSDateTime (UTC).
   */
  date: DateValue | null;
  /** Zone tags, minutes east of UTC (daylight saving included). */
  makerNoteZone: number | null;
  offsetTimeOriginal: string | null;
  offsetTimeDigitized: string | null;
  /** EXIF TimeZoneOffset (0x882A): hours, first value. */
  timeZoneOffsetHours: number | null;
  gps: { latitude: number; longitude: number } | null;
  /** Offsets carried by the other capture dates (embedded XMP dates). */
  dateOffsets: string[];
  /** GPSDateTime (GPSDateStamp + GPSTimeStamp), UTC, as `YYYY-MM-DDTHH:mm:ss`. */
  gpsDateTime: string | null;
};

export type { CaptureInstant, ZoneSource };

/** Close enough to a real offset to be one: how far a GPS clock may lag the shutter (exiftool-vendored's default). */
const MAX_CLOCK_DRIFT_MINUTES = 30;

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

/** Milliseconds of a wall-clock time read as UTC (sub-seconds truncated to ms). */
function localMs(local: string): number | null {
  const m = LOCAL.exec(local);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac = ''] = m;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  return Number.isNaN(t) ? null : t;
}

const isoLocal = (ms: number) => new Date(ms).toISOString().slice(0, 23);

type Zone = { name: string; fixed: number | null; source: ZoneSource };

const fixed = (minutes: number | null, source: ZoneSource): Zone | null =>
  minutes !== null && isValidOffset(minutes) ? { name: fixedZoneName(minutes), fixed: minutes, source } : null;

function zoneOf(facts: CaptureFacts, zoneAt: (lat: number, lon: number) => string | null): Zone | null {
  const fromTags =
    fixed(facts.makerNoteZone, 'maker-note') ??
    fixed(parseOffset(facts.offsetTimeOriginal), 'offset-tag') ??
    fixed(parseOffset(facts.offsetTimeDigitized), 'offset-tag') ??
    fixed(facts.timeZoneOffsetHours === null ? null : facts.timeZoneOffsetHours * 60, 'offset-tag');
  if (fromTags) return fromTags;
  const iana = facts.gps ? zoneAt(facts.gps.latitude, facts.gps.longitude) : null;
  if (iana) return { name: iana, fixed: null, source: 'gps' };
  const carried = [facts.date?.offset ?? null, ...facts.dateOffsets].map(parseOffset).find((m) => m !== null && m !== 0);
  const fromDates = fixed(carried ?? null, 'date-offset');
  if (fromDates) return fromDates;
  return clockDifference(facts);
}

/** The offset between the camera's clock and GPS time, when it is close to a real offset. */
function clockDifference(facts: CaptureFacts): Zone | null {
  if (!facts.date || facts.date.offset !== null || !facts.gpsDateTime) return null;
  const local = localMs(facts.date.local);
  const gps = localMs(facts.gpsDateTime);
  if (local === null || gps === null) return null;
  // Whole seconds on both sides, as exiftool-vendored compares them.
  const delta = (Math.floor(local / 1000) - Math.floor(gps / 1000)) / 60;
  let best: number | null = null;
  for (let m = -14 * 60; m <= 14 * 60; m += 15) {
    if (!isValidOffset(m) || Math.abs(m - delta) > MAX_CLOCK_DRIFT_MINUTES) continue;
    if (best === null || Math.abs(m - delta) < Math.abs(best - delta)) best = m;
  }
  return fixed(best, 'gps-clock');
}

function offsetAt(zone: Zone, utcMs: number): number {
  return zone.fixed ?? zoneOffsetAt(zone.name, utcMs) ?? 0;
}

/**
 * Resolves a photo's capture time. `zoneAt` is the GPS lookup (geo-tz by default; tests may pass
 * their own). Null when there is no capture date at all.
 */
export function captureInstant(facts: CaptureFacts, zoneAt: (lat: number, lon: number) => string | null = zoneAtPosition): CaptureInstant | null {
  const date = facts.date;
  if (!date) return null;
  const local = localMs(date.local);
  if (local === null) return null;
  let zone = zoneOf(facts, zoneAt);
  const own = parseOffset(date.offset);
  // A date that says +00:00 or Z and nothing else says where: Immich names that zone "UTC+0".
  if (!zone && own === 0) zone = { name: 'UTC+0', fixed: 0, source: 'utc-date' };
  if (!zone) return { instant: null, utc: null, localDateTime: isoLocal(local), zone: null, source: null };
  const utcMs = own !== null ? local - own * 60_000 : zone.fixed !== null ? local - zone.fixed * 60_000 : localToUtcMs(local, zone.name);
  if (utcMs === null) return { instant: null, utc: null, localDateTime: isoLocal(local), zone: null, source: null };
  const offset = offsetAt(zone, utcMs);
  const wall = isoLocal(utcMs + offset * 60_000);
  return { instant: `${wall}${formatOffset(offset)}`, utc: new Date(utcMs).toISOString(), localDateTime: wall, zone: zone.name, source: zone.source };
}

/**
 * The dates Immich will show for a photo with this capture time, in its own formats: what to send
 * as fileCreatedAt so a file without dates in it (a stripped render) lands where its original does.
 * Without a zone Immich keeps the wall-clock time as if it were UTC.
 */
export function immichDates(ci: CaptureInstant): { fileCreatedAt: string; localDateTime: string; timeZone: string | null } {
  const local = `${ci.localDateTime}Z`;
  return { fileCreatedAt: ci.utc ?? local, localDateTime: local, timeZone: ci.zone };
}

/**
 * A photo's capture time: the one resolved when its metadata was read, or for a photo read before
 * zones were resolved, the best the stored date and position allow (no maker-note zone, no IPTC).
 */
export function photoCaptureInstant(photo: Pick<Photo, 'captureDate' | 'captureInstant' | 'gps'>): CaptureInstant | null {
  if (photo.captureInstant) return photo.captureInstant;
  const date = photo.captureDate;
  if (!date) return null;
  return captureInstant({
    date: { local: date.local, offset: date.offset }, makerNoteZone: null, offsetTimeOriginal: date.offset, offsetTimeDigitized: null,
    timeZoneOffsetHours: null, gps: photo.gps ? { latitude: photo.gps.latitude, longitude: photo.gps.longitude } : null, dateOffsets: [], gpsDateTime: null,
  });
}
