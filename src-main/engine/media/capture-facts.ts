import type { CaptureFacts, DateValue } from './capture-instant.ts';
import { firstNumber, gpsFrom, normaliseOffset, parseDate } from './metadata-values.ts';

type Block = Record<string, unknown>;

/** exifr's blocks (mergeOutput: false): EXIF `ifd0`/`exif`/`gps`, embedded XMP by namespace prefix. */
export type ParsedBlocks = Record<string, Block | undefined>;

const withOffset = (date: DateValue | null, offsetTag: unknown): DateValue | null =>
  date ? { local: date.local, offset: date.offset ?? normaliseOffset(offsetTag) } : null;

/** IPTC IIM DateCreated `20030806` + TimeCreated `180434-0500`. */
function iptcDate(iptc: Block): DateValue | null {
  const day = typeof iptc.DateCreated === 'string' ? /^(\d{4})(\d{2})(\d{2})$/.exec(iptc.DateCreated.trim()) : null;
  if (!day) return null;
  const time = typeof iptc.TimeCreated === 'string' ? /^(\d{2})(\d{2})(\d{2})([+-]\d{4})?$/.exec(iptc.TimeCreated.trim()) : null;
  const local = `${day[1]}:${day[2]}:${day[3]} ${time ? `${time[1]}:${time[2]}:${time[3]}` : '00:00:00'}${time?.[4] ?? ''}`;
  return parseDate(local);
}

/** `2022:08:14` + [11, 12, 32.5] -> `2022-08-14T11:12:32.500`. */
function gpsDateTime(gps: Block): string | null {
  const day = typeof gps.GPSDateStamp === 'string' ? /^(\d{4})[:-](\d{2})[:-](\d{2})/.exec(gps.GPSDateStamp.trim()) : null;
  const time = Array.isArray(gps.GPSTimeStamp) ? gps.GPSTimeStamp.map(Number) : null;
  if (!day || !time || time.length < 3 || time.some((n) => !Number.isFinite(n))) return null;
  const [h, m, s] = time as [number, number, number];
  if (h > 23 || m > 59 || s >= 61) return null;
  const whole = Math.floor(s);
  const ms = Math.round((s - whole) * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${day[1]}-${day[2]}-${day[3]}T${two(h)}:${two(m)}:${two(whole)}${ms ? `.${String(ms).padStart(3, '0')}` : ''}`;
}

/**
 * What capture-instant.ts needs, from what metadata.ts read: the embedded blocks (what Immich sees
 * in an uploaded file), the sidecar's XMP (a last resort for the date only: Immich is not sent it)
 * and the maker note's zone.
 */
export function captureFactsFrom(embedded: ParsedBlocks, sidecar: ParsedBlocks | null, makerNoteZone: number | null): CaptureFacts {
  const exif = embedded.exif ?? {};
  const gps = embedded.gps ?? {};
  const iptc = iptcDate(embedded.iptc ?? {});
  const created = parseDate(embedded.photoshop?.DateCreated);
  const xmpCreate = parseDate(embedded.xmp?.CreateDate);
  const gpsTime = gpsDateTime(gps);
  const sidecarDate = sidecar
    ? parseDate(sidecar.exif?.DateTimeOriginal) ?? parseDate(sidecar.photoshop?.DateCreated) ?? parseDate(sidecar.xmp?.CreateDate)
    : null;
  const exifOriginal = withOffset(parseDate(exif.DateTimeOriginal, exif.SubSecTimeOriginal), exif.OffsetTimeOriginal);
  const exifCreate = withOffset(parseDate(exif.CreateDate, exif.SubSecTimeDigitized), exif.OffsetTimeDigitized);
  // Immich reads tags by name (exiftool-vendored, MWG on): DateTimeOriginal is EXIF's, else IPTC's,
  // else photoshop:DateCreated; CreateDate is EXIF's, else xmp:CreateDate. An XMP date hidden
  // behind an EXIF one of the same name counts for nothing, not even its offset.
  const mwgOriginal = exifOriginal ?? iptc ?? created;
  const mwgCreate = exifCreate ?? xmpCreate;
  // Its tag order: SubSecDateTimeOriginal, SubSecCreateDate (only when CreateDate has sub-seconds
  // or an offset), DateTimeOriginal, CreateDate, DateTimeCreated (IPTC), GPSDateTime.
  const subSecCreate = exifCreate !== null && (exifCreate.offset !== null || exifCreate.local.includes('.')) ? exifCreate : null;
  const date =
    exifOriginal ?? subSecCreate ?? mwgOriginal ?? mwgCreate ?? iptc ??
    (gpsTime ? { local: gpsTime, offset: '+00:00' } : null) ??
    sidecarDate;
  const position = gpsFrom(gps.latitude, gps.longitude, null, null);
  return {
    date,
    makerNoteZone,
    offsetTimeOriginal: normaliseOffset(exif.OffsetTimeOriginal),
    offsetTimeDigitized: normaliseOffset(exif.OffsetTimeDigitized),
    timeZoneOffsetHours: firstNumber(exif.TimeZoneOffset),
    gps: position ? { latitude: position.latitude, longitude: position.longitude } : null,
    dateOffsets: [mwgOriginal, mwgCreate, iptc].flatMap((d) => (d?.offset ? [d.offset] : [])),
    gpsDateTime: gpsTime,
  };
}
