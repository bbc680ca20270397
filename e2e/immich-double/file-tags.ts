import exifr from 'exifr';
import type { DateTags } from './immich-dates.ts';
import { makerNoteTimeZone } from './maker-time-zone.ts';
import { parseSidecar, type SidecarValues } from './xmp.ts';

/**
 * The tags Immich's metadata extraction reads from an uploaded file, under the names exiftool gives
 * them (with useMWG), as raw strings: dates stay wall-clock text so the zone logic in
 * immich-dates.ts decides what they mean. exifr reads EXIF, GPS and IPTC; the embedded XMP packet
 * is read with the sidecar reader (Immich reads it as part of the file).
 */
export type FileTags = DateTags & {
  ImageDescription?: string;
  xmp: SidecarValues | null;
  keywords: string[];
};

const EXIFR_OPTIONS = {
  tiff: true, exif: true, gps: true, iptc: true, xmp: false, icc: false, ifd1: false, interop: false, makerNote: false,
  userComment: false, reviveValues: false, translateValues: false, translateKeys: true, mergeOutput: false,
} as const;

type Block = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.replace(/\0+$/, '').trim() : undefined);

/** "YYYY:MM:DD HH:MM:SS" -> "YYYY-MM-DDTHH:MM:SS", with sub-seconds and an offset appended when given. */
function exifDate(value: unknown, subSec?: unknown, offset?: unknown): string | undefined {
  const text = str(value);
  const m = text && /^(\d{4}):(\d\d):(\d\d)[ T](\d\d):(\d\d)(?::(\d\d))?/.exec(text);
  if (!m || m[1] === '0000') return undefined;
  const sub = typeof subSec === 'number' ? String(subSec) : str(subSec);
  const fraction = sub && /^\d+$/.test(sub) ? `.${sub}` : '';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${fraction}${str(offset) ?? ''}`;
}

function degrees(parts: unknown, ref: unknown): number | undefined {
  if (!Array.isArray(parts) || parts.length === 0) return undefined;
  const numbers = parts.map((p) => (typeof p === 'number' ? p : NaN));
  // exiftool refuses a coordinate with an unreadable part (e.g. a 0/0 seconds rational).
  if (numbers.some((n) => !Number.isFinite(n))) return undefined;
  const value = (numbers[0] ?? 0) + (numbers[1] ?? 0) / 60 + (numbers[2] ?? 0) / 3600;
  return /^[SW]/i.test(str(ref) ?? '') ? -value : value;
}

/** IPTC "20030806" + "180434-0500" -> "2003-08-06T18:04:34-05:00". */
function iptcDateTime(date: unknown, time: unknown): { created?: string; time?: string } {
  const d = /^(\d{4})(\d\d)(\d\d)$/.exec(str(date) ?? '');
  const t = /^(\d\d)(\d\d)(\d\d)(?:([+-])(\d\d)(\d\d))?$/.exec(str(time) ?? '');
  const clock = t ? `${t[1]}:${t[2]}:${t[3]}${t[4] ? `${t[4]}${t[5]}:${t[6]}` : ''}` : undefined;
  return { ...(d && clock ? { created: `${d[1]}-${d[2]}-${d[3]}T${clock}` } : {}), ...(clock ? { time: clock } : {}) };
}

function embeddedXmp(bytes: Buffer): SidecarValues | null {
  const start = bytes.indexOf('<x:xmpmeta');
  if (start < 0) return null;
  const end = bytes.indexOf('</x:xmpmeta>', start);
  return end < 0 ? null : parseSidecar(bytes.subarray(start, end + 12).toString('utf8'));
}

// exifr drops every TIFF block for one bad entry (a Sony HX5V writes an IFD0 entry of type 0);
// exiftool skips just that entry, so ask again for the few tags used here.
const PICKED = [
  'DateTimeOriginal', 'CreateDate', 'SubSecTimeOriginal', 'SubSecTimeDigitized', 'OffsetTimeOriginal', 'OffsetTimeDigitized', 'TimeZoneOffset',
  'ImageDescription', 'GPSLatitude', 'GPSLatitudeRef', 'GPSLongitude', 'GPSLongitudeRef', 'GPSDateStamp', 'GPSTimeStamp',
];

async function parse(bytes: Buffer): Promise<Record<string, Block | undefined>> {
  try {
    const parsed = ((await exifr.parse(bytes, EXIFR_OPTIONS as never)) ?? {}) as Record<string, Block | undefined>;
    if (!parsed['errors'] || parsed['exif']) return parsed;
    const picked = ((await exifr.parse(bytes, { ...EXIFR_OPTIONS, iptc: false, pick: PICKED } as never)) ?? {}) as Record<string, Block | undefined>;
    return { ...parsed, ...picked };
  } catch {
    // Not an image exifr knows: no embedded tags, as exiftool would find none either.
    return {};
  }
}

export async function readFileTags(bytes: Buffer): Promise<FileTags> {
  const parsed = await parse(bytes);
  const ifd0 = parsed['ifd0'] ?? {};
  const exif = parsed['exif'] ?? {};
  const gps = parsed['gps'] ?? {};
  const iptc = parsed['iptc'] ?? {};
  const xmp = embeddedXmp(bytes);
  const tags: FileTags = { gps: null, xmp, keywords: [] };

  const original = exifDate(exif['DateTimeOriginal'], exif['SubSecTimeOriginal'], exif['OffsetTimeOriginal']);
  const digitized = exifDate(exif['CreateDate'], exif['SubSecTimeDigitized'], exif['OffsetTimeDigitized']);
  if (original) tags.SubSecDateTimeOriginal = original;
  if (digitized) tags.SubSecCreateDate = digitized;
  const { created: iptcCreated, time: iptcTime } = iptcDateTime(iptc['DateCreated'], iptc['TimeCreated']);
  const mwgOriginal = exifDate(exif['DateTimeOriginal']) ?? xmp?.dates.DateTimeOriginal ?? iptcCreated;
  const mwgCreate = exifDate(exif['CreateDate']) ?? xmp?.dates.CreateDate;
  if (mwgOriginal) tags.DateTimeOriginal = mwgOriginal;
  if (mwgCreate) tags.CreateDate = mwgCreate;
  const created = xmp?.dates.DateTimeCreated ?? iptcCreated;
  if (created) tags.DateTimeCreated = created;
  if (iptcTime) tags.TimeCreated = iptcTime;

  const hhmm = (minutes: number) => `${minutes < 0 ? '-' : '+'}${String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0')}:${String(Math.abs(minutes) % 60).padStart(2, '0')}`;
  const makerZone = makerNoteTimeZone(bytes);
  const timeZoneOffset = exif['TimeZoneOffset'] ?? ifd0['TimeZoneOffset'];
  const hours = Array.isArray(timeZoneOffset) ? timeZoneOffset[0] : timeZoneOffset;
  const offsetTag = [
    makerZone === undefined ? undefined : hhmm(makerZone),
    str(exif['OffsetTimeOriginal']),
    str(exif['OffsetTimeDigitized']),
    typeof hours === 'number' ? hhmm(hours * 60) : undefined,
  ].find((o) => o !== undefined && /^[+-]\d\d:\d\d$/.test(o));
  if (offsetTag) tags.offsetTag = offsetTag;

  const latitude = degrees(gps['GPSLatitude'], gps['GPSLatitudeRef']);
  const longitude = degrees(gps['GPSLongitude'], gps['GPSLongitudeRef']);
  if (latitude !== undefined && longitude !== undefined && (latitude !== 0 || longitude !== 0)) tags.gps = { latitude, longitude };
  const stamp = /^(\d{4}):(\d\d):(\d\d)$/.exec(str(gps['GPSDateStamp']) ?? '');
  const time = gps['GPSTimeStamp'];
  if (stamp && Array.isArray(time) && time.length === 3 && time.every((n) => typeof n === 'number')) {
    const [h, m, s] = time as number[];
    const pad = (n: number) => String(Math.floor(n)).padStart(2, '0');
    tags.GPSDateTime = `${stamp[1]}-${stamp[2]}-${stamp[3]}T${pad(h!)}:${pad(m!)}:${pad(s!)}Z`;
  }

  const description = str(ifd0['ImageDescription']);
  if (description) tags.ImageDescription = description;
  const keywords = iptc['Keywords'];
  tags.keywords = (Array.isArray(keywords) ? keywords : [keywords]).map(str).filter((k): k is string => k !== undefined);
  return tags;
}
