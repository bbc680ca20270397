/**
 * The camera's own time zone setting from Canon and Nikon maker notes, which exiftool reports as
 * "TimeZone" and exiftool-vendored trusts before anything else (a Canon EOS set to London gives
 * the zone "UTC" on the real server). exifr does not decode maker notes, so the TIFF structure is
 * walked here: JPEG APP1 "Exif" -> IFD0 -> EXIF IFD -> MakerNote.
 *
 * Canon: tag 0x0035 TimeInfo, int32s[4] = [size, TimeZone minutes, city, DaylightSavings].
 * Nikon (type 3, "Nikon\0" + own TIFF header): tag 0x0024 WorldTime = int16s TimeZone minutes,
 * int8u DaylightSavings, int8u date format; exiftool-vendored adds an hour when DST is on.
 */

type Tiff = { buf: Buffer; base: number; le: boolean };

const u16 = (t: Tiff, at: number) => (t.le ? t.buf.readUInt16LE(at) : t.buf.readUInt16BE(at));
const u32 = (t: Tiff, at: number) => (t.le ? t.buf.readUInt32LE(at) : t.buf.readUInt32BE(at));
const s32 = (t: Tiff, at: number) => (t.le ? t.buf.readInt32LE(at) : t.buf.readInt32BE(at));
const s16 = (t: Tiff, at: number) => (t.le ? t.buf.readInt16LE(at) : t.buf.readInt16BE(at));

type Entry = { tag: number; type: number; count: number; valueAt: number };
const SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };

function entries(t: Tiff, ifdAt: number): Entry[] {
  if (ifdAt < 0 || ifdAt + 2 > t.buf.length) return [];
  const n = u16(t, ifdAt);
  const out: Entry[] = [];
  for (let i = 0; i < n; i++) {
    const at = ifdAt + 2 + i * 12;
    if (at + 12 > t.buf.length) break;
    const type = u16(t, at + 2);
    const count = u32(t, at + 4);
    const size = (SIZES[type] ?? 1) * count;
    out.push({ tag: u16(t, at), type, count, valueAt: size <= 4 ? at + 8 : t.base + u32(t, at + 8) });
  }
  return out;
}

function exifTiff(jpeg: Buffer): Tiff | undefined {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return undefined;
  for (let at = 2; at + 4 <= jpeg.length && jpeg[at] === 0xff; ) {
    const marker = jpeg[at + 1]!;
    const length = jpeg.readUInt16BE(at + 2);
    if (marker === 0xda) return undefined;
    if (marker === 0xe1 && jpeg.toString('latin1', at + 4, at + 10) === 'Exif\0\0') {
      const base = at + 10;
      const le = jpeg.toString('latin1', base, base + 2) === 'II';
      return { buf: jpeg, base, le };
    }
    at += 2 + length;
  }
  return undefined;
}

/** Minutes east of UTC, or undefined when neither maker note says. */
export function makerNoteTimeZone(jpeg: Buffer): number | undefined {
  try {
    const tiff = exifTiff(jpeg);
    if (!tiff) return undefined;
    const ifd0 = entries(tiff, tiff.base + u32(tiff, tiff.base + 4));
    const exifPointer = ifd0.find((e) => e.tag === 0x8769);
    if (!exifPointer) return undefined;
    const exif = entries(tiff, tiff.base + u32(tiff, exifPointer.valueAt));
    const make = ifd0.find((e) => e.tag === 0x010f);
    const maker = make ? jpeg.toString('latin1', make.valueAt, make.valueAt + make.count).replace(/\0.*$/s, '').trim().toLowerCase() : '';
    const note = exif.find((e) => e.tag === 0x927c);
    if (!note) return undefined;
    if (maker.startsWith('canon')) {
      const info = entries(tiff, note.valueAt).find((e) => e.tag === 0x0035 && e.count >= 4);
      return info ? s32(tiff, info.valueAt + 4) : undefined;
    }
    if (maker.startsWith('nikon') && jpeg.toString('latin1', note.valueAt, note.valueAt + 6) === 'Nikon\0') {
      const base = note.valueAt + 10;
      const nikon: Tiff = { buf: jpeg, base, le: jpeg.toString('latin1', base, base + 2) === 'II' };
      const world = entries(nikon, base + u32(nikon, base + 4)).find((e) => e.tag === 0x0024 && e.count >= 3);
      if (!world) return undefined;
      const minutes = s16(nikon, world.valueAt);
      return jpeg[world.valueAt + 2] === 1 ? minutes + 60 : minutes;
    }
  } catch {
    // A damaged maker note says nothing.
  }
  return undefined;
}
