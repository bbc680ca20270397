import type { CaptureDate, Gps } from '../../contract/photo.ts';

/**
 * Pure conversions from exifr's raw values (reviveValues: false, translateValues: false) to the
 * contract types. Dates stay wall-clock: a camera records local time without a zone, and turning
 * it into a JS Date would silently shift it by the machine's zone.
 */

const EXIF_DATE = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.(\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

export type ParsedDate = { local: string; offset: string | null };

export function parseDate(value: unknown, subSeconds?: unknown): ParsedDate | null {
  if (typeof value !== 'string') return null;
  const text = value.trim().replace(/\0+$/, '');
  const m = EXIF_DATE.exec(text) ?? ISO_DATE.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac, zone] = m;
  if (Number(y) < 1800 || Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return null; // 0000:00:00 placeholders
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return null;
  const fraction = frac ?? (typeof subSeconds === 'string' || typeof subSeconds === 'number' ? String(subSeconds).trim() : '');
  const millis = /^\d+$/.test(fraction) ? `.${fraction.padEnd(3, '0').slice(0, 3)}` : '';
  return { local: `${y}-${mo}-${d}T${h}:${mi}:${s}${millis}`, offset: normaliseOffset(zone) };
}

export function normaliseOffset(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === 'Z') return '+00:00';
  const m = OFFSET.exec(text);
  if (!m) return null;
  const [, sign, hh, mm] = m;
  if (Number(hh) > 14 || Number(mm) > 59) return null;
  return `${sign}${hh}:${mm}`;
}

export function captureDate(parsed: ParsedDate | null, offset: string | null, source: CaptureDate['source']): CaptureDate | null {
  if (!parsed) return null;
  return { local: parsed.local, offset: offset ?? parsed.offset, source };
}

export function firstNumber(value: unknown): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** XMP rationals come as "28/10". */
export function rationalOrNumber(value: unknown): number | null {
  if (typeof value === 'string' && value.includes('/')) {
    const [a, b] = value.split('/').map(Number);
    return a !== undefined && b ? a / b : null;
  }
  const n = firstNumber(value);
  return n !== null && n > 0 ? n : null;
}

export function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return text(value[0]);
  if (typeof value === 'object') {
    // XMP lang-alt: { lang: 'x-default', value: '...' }
    const v = (value as { value?: unknown }).value;
    return v === undefined ? null : text(v);
  }
  const s = String(value).replace(/\0+$/, '').trim();
  return s.length > 0 ? s : null;
}

export function stringList(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return [...new Set(list.map(text).filter((s): s is string => s !== null))];
}

export function gpsFrom(latitude: unknown, longitude: unknown, altitude: unknown, altitudeRef: unknown): Gps | null {
  const lat = firstNumber(latitude);
  const lon = firstNumber(longitude);
  if (lat === null || lon === null || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  if (lat === 0 && lon === 0) return null; // "no fix" written as zeros
  let alt = firstNumber(altitude);
  const ref = firstNumber(typeof altitudeRef === 'object' && altitudeRef !== null && !Array.isArray(altitudeRef) ? (altitudeRef as Record<string, unknown>)[0] : altitudeRef);
  if (alt !== null && ref === 1) alt = -alt;
  return { latitude: lat, longitude: lon, altitude: alt };
}

/** XMP writes GPS as "37,52.2656N" (degrees, decimal minutes) or "37,52,15.9N". */
export function xmpCoordinate(value: unknown): number | null {
  if (typeof value !== 'string') return firstNumber(value);
  const m = /^\s*(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?(?:,(\d+(?:\.\d+)?))?\s*([NSEW])\s*$/i.exec(value);
  if (!m) return null;
  const [, d, mi = '0', s = '0', hemi = 'N'] = m;
  const deg = Number(d) + Number(mi) / 60 + Number(s) / 3600;
  return /[SW]/i.test(hemi) ? -deg : deg;
}

/**
 * exifr names XMP blocks by the prefix the file used. Old Adobe writers (Photoshop CS, Nikon
 * Capture NX, Lightroom 1) wrote the xmp, xmpMM and xmpRights namespaces as `xap…`: same URIs.
 */
const PREFIX_ALIASES: Record<string, string> = { xap: 'xmp', xapMM: 'xmpMM', xapRights: 'xmpRights' };

export function canonicalPrefixes<T extends Record<string, Record<string, unknown> | undefined>>(parsed: T): T {
  const out: Record<string, Record<string, unknown> | undefined> = { ...parsed };
  for (const [alias, canonical] of Object.entries(PREFIX_ALIASES)) {
    if (!out[alias]) continue;
    out[canonical] = { ...out[alias], ...out[canonical] };
    delete out[alias];
  }
  return out as T;
}
