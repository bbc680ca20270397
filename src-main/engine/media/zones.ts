import { find as findZones } from 'geo-tz/all';

/**
 * Time-zone arithmetic for capture dates: fixed offsets named as Immich names them ("UTC+3",
 * "UTC+5:30", "UTC"), IANA zones through the runtime's Intl data, and the zone at a GPS position
 * through geo-tz.
 *
 * Which geo-tz data: Immich asks exiftool's own city database first (GeolocationTimeZone: the zone
 * of the nearest city, e.g. Europe/Oslo, Europe/Dublin) and geo-tz's 1970 boundaries only after
 * that; the 1970 set merges zones alike since 1970 (Oslo into Europe/Berlin, Dublin into
 * Europe/London). geo-tz's full set keeps them apart, so it names the zone as Immich does in
 * nearly every place; the offsets, and so the instants, are the same either way.
 */

/**
 * UTC offsets in real use, in minutes. -12:00 (uninhabited islands) and historical offsets are left
 * out, as exiftool-vendored leaves them out by default: a camera claiming one is more likely wrong.
 */
const VALID_OFFSETS: ReadonlySet<number> = new Set(
  ['-11:00', '-10:00', '-09:30', '-09:00', '-08:30', '-08:00', '-07:00', '-06:00', '-05:00', '-04:00', '-03:30', '-03:00', '-02:30',
    '-02:00', '-01:00', '+00:00', '+01:00', '+02:00', '+03:00', '+03:30', '+04:00', '+04:30', '+05:00', '+05:30', '+05:45', '+06:00',
    '+06:30', '+07:00', '+08:00', '+08:30', '+08:45', '+09:00', '+09:30', '+09:45', '+10:00', '+10:30', '+11:00', '+12:00', '+12:45',
    '+13:00', '+13:45', '+14:00'].map((o) => parseOffset(o)!),
);

export function isValidOffset(minutes: number): boolean {
  return VALID_OFFSETS.has(minutes);
}

/** `+03:00`, `-0930`, `Z` -> minutes east of UTC; null for anything else. */
export function parseOffset(text: string | null | undefined): number | null {
  if (typeof text !== 'string') return null;
  const t = text.trim();
  if (t === 'Z') return 0;
  const m = /^([+-])(\d{1,2}):?(\d{2})$/.exec(t);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (Number(m[3]) > 59 || minutes > 14 * 60) return null;
  return m[1] === '-' ? -minutes : minutes;
}

/** Minutes -> `+03:00`. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** A fixed offset as a zone name, the way Immich stores it: `UTC`, `UTC+3`, `UTC-9:30`. */
export function fixedZoneName(minutes: number): string {
  if (minutes === 0) return 'UTC';
  const abs = Math.abs(minutes);
  const rest = abs % 60;
  return `UTC${minutes < 0 ? '-' : '+'}${Math.floor(abs / 60)}${rest > 0 ? `:${String(rest).padStart(2, '0')}` : ''}`;
}

const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat | null {
  let f = FORMATTERS.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
      });
    } catch {
      return null;
    }
    FORMATTERS.set(zone, f);
  }
  return f;
}

export function isIanaZone(zone: string): boolean {
  return formatterFor(zone) !== null;
}

/** The offset of an IANA zone at an instant, in minutes (whole seconds of historical LMT are dropped). */
export function zoneOffsetAt(zone: string, utcMs: number): number | null {
  const f = formatterFor(zone);
  if (!f) return null;
  const parts = Object.fromEntries(f.formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const wholeSeconds = Math.floor(utcMs / 1000) * 1000;
  return Math.round((asUtc - wholeSeconds) / 60_000);
}

/**
 * The instant a wall-clock time in `zone` was. In the hour a clock is set back the earlier of the
 * two readings wins (luxon, which Immich uses, picks by today's offset; a stored capture time must
 * not depend on the day it is read); in the hour it skips, the offset from before the jump is used.
 */
export function localToUtcMs(localMs: number, zone: string): number | null {
  const day = 24 * 3_600_000;
  const before = zoneOffsetAt(zone, localMs - day);
  const after = zoneOffsetAt(zone, localMs + day);
  if (before === null || after === null) return null;
  const fits = [before, after].map((o) => localMs - o * 60_000).filter((utc) => localMs - zoneOffsetAt(zone, utc)! * 60_000 === utc);
  return fits.length > 0 ? Math.min(...fits) : localMs - before * 60_000;
}

/**
 * The IANA zone at a position, or null (0,0 is "no fix", as exiftool-vendored treats it). geo-tz
 * loads its boundary data on the first call (tens of milliseconds), then answers from a cache.
 */
export function zoneAtPosition(latitude: number, longitude: number): string | null {
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
  if (latitude === 0 && longitude === 0) return null;
  const found = findZones(latitude, longitude)[0];
  return found && isIanaZone(found) ? found : null;
}
