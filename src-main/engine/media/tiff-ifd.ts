import { jpegSegments } from './jpeg-segments.ts';

/**
 * A minimal reader of TIFF image file directories, for what exifr does not give: tag values as
 * written (rationals as numerator/denominator, not floats) and maker-note directories, whose
 * offsets count from a base of their own. Never throws: a broken structure reads as "no entry".
 */

export type Tiff = { bytes: Uint8Array; view: DataView; littleEndian: boolean; /** Where offsets count from. */ base: number };

export type IfdEntry = { tag: number; type: number; count: number; /** Absolute position of the value bytes in `bytes`. */ at: number; size: number };

/** Bytes per component, by TIFF field type (1 BYTE … 12 DOUBLE, 13 IFD). */
const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };

export const TIFF_TYPE = { BYTE: 1, ASCII: 2, SHORT: 3, LONG: 4, RATIONAL: 5, SBYTE: 6, UNDEFINED: 7, SSHORT: 8, SLONG: 9, SRATIONAL: 10 } as const;

/** A TIFF structure whose header (`II*\0` or `MM\0*`) starts at `at`. */
export function openTiff(bytes: Uint8Array, at = 0): Tiff | null {
  if (at < 0 || at + 8 > bytes.length) return null;
  const a = bytes[at];
  const b = bytes[at + 1];
  const littleEndian = a === 0x49 && b === 0x49;
  if (!littleEndian && !(a === 0x4d && b === 0x4d)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(at + 2, littleEndian) !== 42) return null;
  return { bytes, view, littleEndian, base: at };
}

/** The same bytes with offsets counted from another base (maker notes that count from their own start). */
export function rebase(tiff: Tiff, base: number, littleEndian = tiff.littleEndian): Tiff {
  return { ...tiff, base, littleEndian };
}

export function firstIfdOffset(tiff: Tiff): number {
  return tiff.view.getUint32(tiff.base + 4, tiff.littleEndian);
}

/** The entries of the directory at `offset` (from the base), by tag; null when it is not there. */
export function readIfd(tiff: Tiff, offset: number): Map<number, IfdEntry> | null {
  const start = tiff.base + offset;
  if (offset <= 0 || start + 2 > tiff.bytes.length) return null;
  const count = tiff.view.getUint16(start, tiff.littleEndian);
  if (count === 0 || count > 1000 || start + 2 + count * 12 > tiff.bytes.length) return null;
  const entries = new Map<number, IfdEntry>();
  for (let i = 0; i < count; i++) {
    const e = start + 2 + i * 12;
    const tag = tiff.view.getUint16(e, tiff.littleEndian);
    const type = tiff.view.getUint16(e + 2, tiff.littleEndian);
    const n = tiff.view.getUint32(e + 4, tiff.littleEndian);
    const unit = TYPE_SIZE[type];
    if (!unit) continue;
    const size = unit * n;
    if (size > 64 * 1024 * 1024) continue;
    const at = size <= 4 ? e + 8 : tiff.base + tiff.view.getUint32(e + 8, tiff.littleEndian);
    if (at < 0 || at + size > tiff.bytes.length) continue;
    if (!entries.has(tag)) entries.set(tag, { tag, type, count: n, at, size });
  }
  return entries;
}

/** Integer values (BYTE, SHORT, LONG and their signed forms; UNDEFINED as bytes). */
export function integers(tiff: Tiff, e: IfdEntry): number[] {
  const { view, littleEndian: le } = tiff;
  const out: number[] = [];
  for (let i = 0; i < e.count; i++) {
    switch (e.type) {
      case TIFF_TYPE.BYTE: case TIFF_TYPE.UNDEFINED: out.push(view.getUint8(e.at + i)); break;
      case TIFF_TYPE.SBYTE: out.push(view.getInt8(e.at + i)); break;
      case TIFF_TYPE.SHORT: out.push(view.getUint16(e.at + i * 2, le)); break;
      case TIFF_TYPE.SSHORT: out.push(view.getInt16(e.at + i * 2, le)); break;
      case TIFF_TYPE.LONG: case 13: out.push(view.getUint32(e.at + i * 4, le)); break;
      case TIFF_TYPE.SLONG: out.push(view.getInt32(e.at + i * 4, le)); break;
      default: return [];
    }
  }
  return out;
}

/** RATIONAL / SRATIONAL values as written: [numerator, denominator] pairs. */
export function rationals(tiff: Tiff, e: IfdEntry): Array<[number, number]> {
  if (e.type !== TIFF_TYPE.RATIONAL && e.type !== TIFF_TYPE.SRATIONAL) return [];
  const signed = e.type === TIFF_TYPE.SRATIONAL;
  const { view, littleEndian: le } = tiff;
  const out: Array<[number, number]> = [];
  for (let i = 0; i < e.count; i++) {
    const p = e.at + i * 8;
    out.push(signed ? [view.getInt32(p, le), view.getInt32(p + 4, le)] : [view.getUint32(p, le), view.getUint32(p + 4, le)]);
  }
  return out;
}

/** ASCII text up to its first NUL, trailing spaces trimmed (cameras pad with both). */
export function ascii(tiff: Tiff, e: IfdEntry): string {
  const raw = tiff.bytes.subarray(e.at, e.at + e.size);
  const end = raw.indexOf(0);
  return Buffer.from(end >= 0 ? raw.subarray(0, end) : raw).toString('latin1').trimEnd();
}

export function bytesOf(tiff: Tiff, e: IfdEntry): Uint8Array {
  return tiff.bytes.subarray(e.at, e.at + e.size);
}

/** Sub-directory pointers of the EXIF standard. */
export const EXIF_IFD_POINTER = 0x8769;
export const GPS_IFD_POINTER = 0x8825;

/** IFD0 and, when present, its EXIF and GPS sub-directories. */
export function exifDirectories(tiff: Tiff): { ifd0: Map<number, IfdEntry>; exif: Map<number, IfdEntry> | null; gps: Map<number, IfdEntry> | null } | null {
  const ifd0 = readIfd(tiff, firstIfdOffset(tiff));
  if (!ifd0) return null;
  const sub = (tag: number) => {
    const e = ifd0.get(tag);
    const offset = e ? integers(tiff, e)[0] : undefined;
    return offset ? readIfd(tiff, offset) : null;
  };
  return { ifd0, exif: sub(EXIF_IFD_POINTER), gps: sub(GPS_IFD_POINTER) };
}

/** The TIFF inside a JPEG's `Exif\0\0` APP1 segment (the header segments only; stops at the first scan). */
export function jpegExifTiff(file: Uint8Array): Tiff | null {
  if (file[0] !== 0xff || file[1] !== 0xd8) return null;
  for (const { marker, at } of jpegSegments(file)) {
    if (marker === 0xe1 && Buffer.from(file.subarray(at + 4, at + 10)).toString('latin1') === 'Exif\0\0') return openTiff(file, at + 10);
  }
  return null;
}

/** An EXIF block as libvips and HEIF hand it over: optionally `Exif\0\0`, then the TIFF. */
export function exifBlockTiff(block: Uint8Array): Tiff | null {
  const prefixed = block.length > 6 && Buffer.from(block.subarray(0, 6)).toString('latin1') === 'Exif\0\0';
  return openTiff(block, prefixed ? 6 : 0);
}
