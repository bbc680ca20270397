import sharp from 'sharp';
import type { DetectedFormat } from './detect-format.ts';
import { exifBlockTiff, jpegExifTiff, openTiff, type Tiff } from './tiff-ifd.ts';

/** A CR3 box's payload by its 4-letter type (CMT1 = IFD0, CMT2 = EXIF, CMT3 = maker note, CMT4 = GPS). */
export function cr3Box(file: Buffer, type: string): Buffer | null {
  const at = file.indexOf(type, 0, 'latin1');
  if (at < 4) return null;
  const size = file.readUInt32BE(at - 4);
  return at - 4 + size <= file.length ? file.subarray(at + 4, at - 4 + size) : null;
}

/** RAF keeps its EXIF in the embedded JPEG whose offset and length sit in the header. */
export function rafJpeg(file: Buffer): Buffer | null {
  const offset = file.length >= 92 ? file.readUInt32BE(84) : 0;
  const length = file.length >= 92 ? file.readUInt32BE(88) : 0;
  return offset > 0 && offset + length <= file.length ? file.subarray(offset, offset + length) : null;
}

/** Formats that are TIFF at the byte level, with EXIF reachable from IFD0. */
const TIFF_BASED: ReadonlySet<DetectedFormat> = new Set<DetectedFormat>(['tiff', 'cr2', 'nef', 'nrw', 'arw', 'srw', 'dng', 'pef', 'erf', '3fr', 'iiq']);
/** Formats whose EXIF block libvips hands over. */
const VIA_LIBVIPS: ReadonlySet<DetectedFormat> = new Set<DetectedFormat>(['webp', 'avif', 'heic', 'png', 'jxl']);

/**
 * The TIFF structure that holds a file's EXIF (IFD0 -> EXIF IFD -> GPS, maker note), as written.
 * Null for formats kept elsewhere (CR3 keeps its directories in separate boxes: see cr3Box).
 */
export async function exifTiffOf(file: Buffer, format: DetectedFormat | null): Promise<Tiff | null> {
  if (format === 'jpeg') return jpegExifTiff(file);
  if (format && TIFF_BASED.has(format)) return openTiff(file);
  if (format === 'raf') {
    const jpeg = rafJpeg(file);
    return jpeg ? jpegExifTiff(jpeg) : null;
  }
  if (format && VIA_LIBVIPS.has(format)) {
    const exif = await sharp(file).metadata().then((m) => m.exif, () => undefined);
    return exif ? exifBlockTiff(exif) : null;
  }
  return null;
}
