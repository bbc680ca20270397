import type { DetectedFormat } from './detect-format.ts';
import { cr3Box, exifTiffOf } from './exif-tiff.ts';
import { exifDirectories, firstIfdOffset, integers, openTiff, readIfd, rebase, type IfdEntry, type Tiff } from './tiff-ifd.ts';

/**
 * The camera's own time zone from its maker note, for cameras that keep one there and not (or not
 * yet) in EXIF's OffsetTime tags: Canon (TimeInfo) and Nikon (WorldTime). These are the maker-note
 * values exiftool reports as `TimeZone`, which Immich (through exiftool-vendored) uses first.
 *
 * - Canon 0x0035 TimeInfo, int32s: [byte count, TimeZone minutes, TimeZoneCity, DaylightSavings (0|60)].
 *   The TimeZone minutes already include daylight saving (an R6 in Paris in May: +120, DST on,
 *   OffsetTimeOriginal +02:00), so nothing is added.
 * - Nikon 0x0024 WorldTime, 4 bytes: int16s TimeZone minutes, uint8 DaylightSavings, uint8 date format.
 *   Here daylight saving is NOT included: one hour is added when it is on (exiftool-vendored does
 *   the same for Nikon only).
 */
export type MakerNoteZone = { maker: 'canon' | 'nikon'; /** Minutes east of UTC, daylight saving included. */ minutes: number };

const MAKER_NOTE = 0x927c;
const CANON_TIME_INFO = 0x0035;
const NIKON_WORLD_TIME = 0x0024;

/** Minutes east of UTC from a whole file's maker note; null when it has none we can read. */
export async function makerNoteZoneOf(file: Buffer, format: DetectedFormat | null, make: string | null): Promise<number | null> {
  if (!makerOf(make)) return null;
  if (format === 'cr3') {
    const note = cr3Box(file, 'CMT3');
    return note ? (canonMakerNoteTiffZone(note)?.minutes ?? null) : null;
  }
  const tiff = await exifTiffOf(file, format);
  return tiff ? (makerNoteZone(tiff, make)?.minutes ?? null) : null;
}

/** From an EXIF TIFF (IFD0 -> EXIF IFD -> MakerNote). `make` is IFD0 Make. */
export function makerNoteZone(tiff: Tiff, make: string | null): MakerNoteZone | null {
  const maker = makerOf(make);
  if (!maker) return null;
  const note = exifDirectories(tiff)?.exif?.get(MAKER_NOTE);
  if (!note) return null;
  if (maker === 'nikon') return nikonZone(tiff, note);
  const base = tiff.base + canonRelocation(tiff, note);
  return canonZone(rebase(tiff, base), note.at - base);
}

/**
 * Editors that rewrite EXIF often move the maker note without fixing the offsets inside it. Canon
 * ends its maker note with a TIFF-style footer holding the offset it was written at; the
 * difference is how far every value inside moved.
 */
function canonRelocation(tiff: Tiff, note: IfdEntry): number {
  if (note.size < 16) return 0;
  const footer = note.at + note.size - 8;
  const mark = Buffer.from(tiff.bytes.subarray(footer, footer + 4)).toString('latin1');
  if (mark !== 'II*\0' && mark !== 'MM\0*') return 0;
  const written = tiff.view.getUint32(footer + 4, mark === 'II*\0');
  const actual = note.at - tiff.base;
  return written > 0 && written !== actual ? actual - written : 0;
}

/** A CR3's CMT3 box: a TIFF whose first directory is the Canon maker note. */
export function canonMakerNoteTiffZone(block: Uint8Array): MakerNoteZone | null {
  const tiff = openTiff(block);
  return tiff ? canonZone(tiff, firstIfdOffset(tiff)) : null;
}

function makerOf(make: string | null): MakerNoteZone['maker'] | null {
  if (!make) return null;
  if (/\bcanon\b/i.test(make)) return 'canon';
  if (/\bnikon\b/i.test(make)) return 'nikon';
  return null;
}

function canonZone(tiff: Tiff, ifdOffset: number): MakerNoteZone | null {
  const entry = readIfd(tiff, ifdOffset)?.get(CANON_TIME_INFO);
  if (!entry) return null;
  const values = signed32(tiff, entry);
  const minutes = values[1];
  if (minutes === undefined || Math.abs(minutes) > 14 * 60) return null;
  return { maker: 'canon', minutes };
}

/** TimeInfo is written as SLONG by most bodies, as LONG by some: read the bits as signed either way. */
function signed32(tiff: Tiff, entry: IfdEntry): number[] {
  return integers(tiff, entry).map((v) => (v > 0x7fffffff ? v - 0x100000000 : v));
}

function nikonZone(tiff: Tiff, note: IfdEntry): MakerNoteZone | null {
  const start = note.at;
  const header = Buffer.from(tiff.bytes.subarray(start, start + 6)).toString('latin1');
  let entries: Map<number, IfdEntry> | null = null;
  let inner: Tiff = tiff;
  if (header === 'Nikon\0') {
    // Type 3: "Nikon\0", version, 2 bytes, then a TIFF header of its own; offsets count from it.
    const own = openTiff(tiff.bytes, start + 10);
    if (!own) return null;
    inner = own;
    entries = readIfd(own, firstIfdOffset(own));
  } else {
    // Headerless (type 2): a plain directory whose offsets count from the EXIF TIFF.
    entries = readIfd(rebase(tiff, tiff.base), start - tiff.base);
  }
  const worldTime = entries?.get(NIKON_WORLD_TIME);
  if (!worldTime || worldTime.size < 3) return null;
  const minutes = inner.view.getInt16(worldTime.at, inner.littleEndian);
  const daylightSavings = inner.view.getUint8(worldTime.at + 2) === 1;
  if (Math.abs(minutes) > 14 * 60) return null;
  return { maker: 'nikon', minutes: minutes + (daylightSavings ? 60 : 0) };
}
