import { find as zonesAt } from 'geo-tz/all';

/**
 * The dates Immich v3.1 stores after metadata extraction (findings rules 12-14), from tags under
 * exiftool's names. Observed on the real server and read from its metadata service:
 *
 * - the date is the first of SubSecDateTimeOriginal, SubSecCreateDate, DateTimeOriginal, CreateDate,
 *   DateTimeCreated, GPSDateTime;
 * - the zone (exiftool-vendored, as Immich configures it) comes from an offset tag
 *   (OffsetTimeOriginal, OffsetTimeDigitized, TimeZoneOffset), else the GPS position (geo-tz's full
 *   data set names what the server named: Europe/Dublin, Europe/Oslo), else a non-UTC zone written
 *   inside a capture date (XMP CreateDate "+01:00", IPTC TimeCreated "-05:00"), else the difference
 *   between the capture time and the GPS UTC time;
 * - a zone-less date is read in that zone; without any zone it is wall-clock time stored as UTC;
 * - no date at all: the earliest of the uploaded fileCreatedAt, the file's mtime (= the uploaded
 *   fileModifiedAt) and its birth time (the upload).
 */
export type DateTags = {
  /** EXIF DateTimeOriginal + SubSecTimeOriginal (+ OffsetTimeOriginal): exiftool's SubSecDateTimeOriginal. */
  SubSecDateTimeOriginal?: string;
  SubSecCreateDate?: string;
  DateTimeOriginal?: string;
  CreateDate?: string;
  DateTimeCreated?: string;
  TimeCreated?: string;
  GPSDateTime?: string;
  /** Zone tags exiftool-vendored trusts, first found wins: maker-note TimeZone, OffsetTimeOriginal, OffsetTimeDigitized, TimeZoneOffset (never OffsetTime). */
  offsetTag?: string;
  gps: { latitude: number; longitude: number } | null;
};

export type ImmichDates = {
  /** The instant, ISO with milliseconds and Z (the asset's fileCreatedAt). */
  dateTimeOriginal: string;
  /** Wall-clock time written as if UTC. */
  localDateTime: string;
  timeZone: string | null;
};

const DATE_TAGS = ['SubSecDateTimeOriginal', 'SubSecCreateDate', 'DateTimeOriginal', 'CreateDate', 'DateTimeCreated', 'GPSDateTime'] as const;
const CAPTURED_AT = ['SubSecDateTimeOriginal', 'SubSecCreateDate', 'DateTimeOriginal', 'CreateDate', 'DateTimeCreated', 'TimeCreated'] as const;

type Parsed = { localMs: number; offsetMin: number | null; raw: string };

/** "2022-08-14T14:12:31.935476+03:00" -> wall clock in ms (as if UTC) + offset minutes (Z = 0). */
export function parseDate(raw: string): Parsed | undefined {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?\s*(Z|[+-]\d\d:?\d\d)?$/.exec(raw.trim());
  if (!m) return undefined;
  const ms = Number(((m[7] ?? '') + '000').slice(0, 3));
  const localMs = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), ms);
  if (Number.isNaN(localMs)) return undefined;
  const zone = m[8];
  let offsetMin: number | null = null;
  if (zone === 'Z') offsetMin = 0;
  else if (zone) {
    const z = /([+-])(\d\d):?(\d\d)/.exec(zone)!;
    offsetMin = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
  }
  return { localMs, offsetMin, raw };
}

/** exiftool-vendored's names for fixed offsets: UTC, UTC+3, UTC-5, UTC+5:30. */
export function offsetZoneName(minutes: number): string {
  if (minutes === 0) return 'UTC';
  const abs = Math.abs(minutes);
  return `UTC${minutes < 0 ? '-' : '+'}${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, '0')}` : ''}`;
}

/** Minutes east of UTC of a zone (IANA or UTC±h[:mm]) at an instant. */
export function zoneOffsetAt(zone: string, instantMs: number): number {
  const fixed = /^UTC(?:([+-])(\d+)(?::(\d\d))?)?$/.exec(zone);
  if (fixed) return fixed[1] ? (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3] ?? 0)) : 0;
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(new Date(instantMs)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d\d):(\d\d)/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** The instant of a wall-clock time in a zone (the later reading when it falls in a DST overlap). */
function instantOf(localMs: number, zone: string): number {
  const first = zoneOffsetAt(zone, localMs);
  return localMs - zoneOffsetAt(zone, localMs - first * 60_000) * 60_000;
}

function zoneOf(tags: DateTags): string | null {
  if (tags.offsetTag) {
    const parsed = parseDate(`2000-01-01T00:00:00${tags.offsetTag}`);
    if (parsed?.offsetMin !== null && parsed) return offsetZoneName(parsed.offsetMin);
  }
  if (tags.gps) {
    const zone = zonesAt(tags.gps.latitude, tags.gps.longitude)[0];
    if (zone) return zone;
  }
  for (const name of CAPTURED_AT) {
    const value = tags[name];
    const offset = value === undefined ? null : (parseDate(name === 'TimeCreated' ? `2000-01-01T${value}` : value)?.offsetMin ?? null);
    // Some writers put a spurious +00:00 on dates: a UTC zone here says nothing.
    if (offset !== null && offset !== 0) return offsetZoneName(offset);
  }
  const utc = tags.GPSDateTime ? parseDate(tags.GPSDateTime) : undefined;
  const local = CAPTURED_AT.map((name) => (name === 'TimeCreated' ? undefined : tags[name])).map((v) => (v ? parseDate(v) : undefined)).find((p) => p && p.offsetMin === null);
  if (utc && local) {
    // Round the drift between the camera clock and GPS time to the nearest quarter hour, within 14 h.
    const delta = Math.round((local.localMs - utc.localMs) / 60_000 / 15) * 15;
    if (Math.abs((local.localMs - utc.localMs) / 60_000 - delta) <= 30 && Math.abs(delta) <= 14 * 60) return offsetZoneName(delta);
  }
  return null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * exiftool reads the file and the sidecar separately, each date getting the zone found in ITS
 * file (backfill); Immich then merges the two: a sidecar with any date replaces every date and
 * the zone of the file, a sidecar without one can still bring a zone (from its GPS) that replaces
 * the file's. A zone-less date read with no zone is wall-clock time taken as UTC, even when the
 * merged zone then says otherwise.
 */
export function immichDates(file: DateTags, sidecar: DateTags | null, fallback: { fileCreatedAt: string; fileModifiedAt: string; uploadedAt: string }): ImmichDates {
  const firstDate = (tags: DateTags) => {
    const name = DATE_TAGS.find((tag) => tags[tag] !== undefined && parseDate(tags[tag]!) !== undefined);
    return name ? { name, date: parseDate(tags[name]!)! } : undefined;
  };
  const fromSidecar = sidecar ? firstDate(sidecar) : undefined;
  const source = fromSidecar ? sidecar! : file;
  const found = fromSidecar ?? firstDate(file);
  const sourceZone = zoneOf(source);
  let timeZone = fromSidecar ? sourceZone : ((sidecar ? zoneOf(sidecar) : null) ?? zoneOf(file));
  if (!found) {
    const earliest = Math.min(Date.parse(fallback.fileCreatedAt), Date.parse(fallback.fileModifiedAt), Date.parse(fallback.uploadedAt));
    return { dateTimeOriginal: iso(earliest), localDateTime: iso(earliest), timeZone };
  }
  const { name, date } = found;
  // Immich: exiftool gives no zone for an explicit UTC date, so a raw Z/+00:00 means 'UTC+0'.
  if (timeZone === null && /(Z|\+00:?00)$/.test(date.raw)) timeZone = 'UTC+0';
  // GPS times are UTC; a zone-less date takes its own file's zone (exiftool's backfill), else reads as UTC.
  const offsetMin = name === 'GPSDateTime' ? 0 : date.offsetMin;
  const instant = offsetMin !== null ? date.localMs - offsetMin * 60_000 : sourceZone ? instantOf(date.localMs, sourceZone) : date.localMs;
  const local = timeZone ? instant + zoneOffsetAt(timeZone, instant) * 60_000 : instant;
  return { dateTimeOriginal: iso(instant), localDateTime: iso(local), timeZone };
}

/** Postgres' rendering of a timestamptz in JSON: "2003-08-06T23:04:34.61+00:00", no trailing zeros. */
export function postgresTimestamp(isoString: string): string {
  const [seconds, fraction = '000Z'] = isoString.split('.');
  const ms = fraction.replace(/Z$/, '').replace(/0+$/, '');
  return `${seconds}${ms ? `.${ms}` : ''}+00:00`;
}
