import path from 'node:path';
import exifr from 'exifr';
import { descriptiveFrom, type Descriptive } from './descriptive.ts';
import { detectFormat } from './detect-format.ts';
import { cr3Box, exifTiffOf } from './exif-tiff.ts';
import { readMetadataBytes } from './metadata-bytes.ts';
import { canonicalPrefixes } from './metadata-values.ts';
import { ascii, exifDirectories, firstIfdOffset, integers, openTiff, rationals, readIfd, TIFF_TYPE, type IfdEntry, type Tiff } from './tiff-ifd.ts';

/** One EXIF tag as the original wrote it: text, integers, or rationals as numerator/denominator. */
export type ExifValue =
  | { kind: 'text'; text: string }
  | { kind: 'ints'; values: number[] }
  | { kind: 'rationals'; values: Array<[number, number]>; signed: boolean };

export type ExifDirectory = Map<number, ExifValue>;

/** An original's EXIF by directory, tag numbers as keys. */
export type SourceExif = { ifd0: ExifDirectory; exif: ExifDirectory; gps: ExifDirectory };

/** What an export carries over from the original: its EXIF as written and what was written about it. */
export type ExportSource = { exif: SourceExif; said: Descriptive };

const EMPTY_EXIF = (): SourceExif => ({ ifd0: new Map(), exif: new Map(), gps: new Map() });

function valueOf(tiff: Tiff, e: IfdEntry): ExifValue | null {
  if (e.type === TIFF_TYPE.ASCII) {
    const t = ascii(tiff, e);
    return t ? { kind: 'text', text: t } : null;
  }
  if (e.type === TIFF_TYPE.RATIONAL || e.type === TIFF_TYPE.SRATIONAL) {
    const values = rationals(tiff, e);
    return values.length ? { kind: 'rationals', values, signed: e.type === TIFF_TYPE.SRATIONAL } : null;
  }
  // UNDEFINED blobs (maker notes, ExifVersion…) are not carried: see exif-output.ts.
  if (e.type === TIFF_TYPE.UNDEFINED) return null;
  const values = integers(tiff, e);
  return values.length ? { kind: 'ints', values } : null;
}

function directory(tiff: Tiff, entries: Map<number, IfdEntry> | null): ExifDirectory {
  const out: ExifDirectory = new Map();
  for (const [tag, e] of entries ?? []) {
    if (e.size > 64 * 1024) continue;
    const v = valueOf(tiff, e);
    if (v) out.set(tag, v);
  }
  return out;
}

/** A CR3 keeps IFD0, the EXIF IFD and the GPS IFD as three little TIFFs. */
function cr3Exif(file: Buffer): SourceExif {
  const first = (type: string) => {
    const box = cr3Box(file, type);
    const tiff = box ? openTiff(box) : null;
    return tiff ? directory(tiff, readIfd(tiff, firstIfdOffset(tiff))) : new Map();
  };
  return { ifd0: first('CMT1'), exif: first('CMT2'), gps: first('CMT4') };
}

const EXIFR_TEXT = {
  tiff: true, exif: false, gps: false, xmp: true, icc: false, iptc: true, ifd1: false, interop: false, makerNote: false, userComment: false,
  reviveValues: false, translateValues: false, translateKeys: true, mergeOutput: false, multiSegment: true,
} as NonNullable<Parameters<typeof exifr.parse>[1]>;

/**
 * Reads an original for an export. Never throws for broken metadata: what cannot be read is
 * simply not carried over (the render itself must not fail because a maker wrote a bad tag).
 */
export async function readExportSource(filePath: string): Promise<ExportSource> {
  const file = await readMetadataBytes(filePath);
  const format = detectFormat(file.subarray(0, 4096), path.basename(filePath));
  let exif = EMPTY_EXIF();
  try {
    if (format === 'cr3') exif = cr3Exif(file);
    else {
      const tiff = await exifTiffOf(file, format);
      const dirs = tiff ? exifDirectories(tiff) : null;
      if (tiff && dirs) exif = { ifd0: directory(tiff, dirs.ifd0), exif: directory(tiff, dirs.exif), gps: directory(tiff, dirs.gps) };
    }
  } catch {
    exif = EMPTY_EXIF();
  }
  const blocks = await exifr.parse(file, EXIFR_TEXT).catch(() => null) as Record<string, Record<string, unknown> | undefined> | null;
  return { exif, said: descriptiveFrom(canonicalPrefixes(blocks ?? {})) };
}
