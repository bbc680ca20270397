import type { CameraRawCrop } from '../render/pipeline/xmp-sidecar.ts';
import { xmpBag, xmpDescription, xmpNumber, xmpPacket, xmpRating } from '../render/pipeline/xmp-packet.ts';

export type UploadSidecarInput = {
  description?: string;
  /** -1 (rejected) or 1..5; 0 means unrated. */
  rating?: number;
  /**
   * Keywords. "a|b" (Lightroom) or "a/b" are hierarchical; Immich builds its tags from
   * lr:hierarchicalSubject only, so both that and dc:subject (for everything else) are written.
   */
  keywords?: string[];
  /** Camera Raw crop for the ORIGINAL, from render/xmp-sidecar.ts `cameraRawCrop()`. */
  crop?: CameraRawCrop;
  /**
   * When and where the photo was taken, written into BOTH files' sidecars: a sidecar date replaces
   * every date and zone Immich would read from the file, so the original and its render (which
   * carries no dates) get the same instant, wall-clock time and zone; the position gives both the
   * same location (and the zone at it). `date` is `YYYY-MM-DDTHH:mm:ss.sss` with the offset when
   * the zone is known, without one when it is not (Immich then keeps the wall-clock time as UTC).
   */
  capture?: { date?: string | undefined; gps?: { latitude: number; longitude: number } | undefined };
};

const hierarchical = (keyword: string) => keyword.split(/[|/]/).map((p) => p.trim()).filter(Boolean).join('|');
const leaf = (keyword: string) => keyword.split(/[|/]/).map((p) => p.trim()).filter(Boolean).at(-1) ?? '';

/** XMP's GPSCoordinate: degrees, decimal minutes and the hemisphere ("60,10.50000000N"). */
function coordinate(value: number, positive: string, negative: string): string {
  const abs = Math.abs(value);
  const degrees = Math.floor(abs);
  return `${degrees},${((abs - degrees) * 60).toFixed(8)}${value < 0 ? negative : positive}`;
}

/**
 * The XMP sent as `sidecarData` with an upload. Immich reads description, rating, tags, the date and
 * the position from it during its own metadata extraction, which avoids the known race where values
 * PUT right after the upload are overwritten when extraction finishes. (render/xmp-sidecar.ts writes
 * the richer sidecar kept next to exported files; it takes a recipe and writes no
 * lr:hierarchicalSubject, so only its escaping and crop geometry are reused here.)
 */
export function buildUploadSidecar(input: UploadSidecarInput): string {
  const attrs: Array<[string, string]> = [];
  if (input.crop?.hasCrop) {
    const c = input.crop;
    attrs.push(['crs:HasCrop', 'True'], ['crs:CropTop', xmpNumber(c.top)], ['crs:CropLeft', xmpNumber(c.left)], ['crs:CropBottom', xmpNumber(c.bottom)], ['crs:CropRight', xmpNumber(c.right)], ['crs:CropAngle', xmpNumber(c.angle)]);
  }
  if (input.rating !== undefined) attrs.push(['xmp:Rating', xmpRating(input.rating)]);
  if (input.capture?.date) attrs.push(['exif:DateTimeOriginal', input.capture.date]);
  const gps = input.capture?.gps;
  if (gps) attrs.push(['exif:GPSLatitude', coordinate(gps.latitude, 'N', 'S')], ['exif:GPSLongitude', coordinate(gps.longitude, 'E', 'W')]);
  const children: string[] = [];
  if (input.description !== undefined && input.description !== '') {
    children.push(xmpDescription(input.description));
    // Immich shows `ImageDescription || Description`: a camera's EXIF caption on the original would
    // beat dc:description, and the two files of a pair would differ. tiff:ImageDescription in the
    // sidecar replaces it (observed on 3.1.0).
    children.push(xmpDescription(input.description).replaceAll('dc:description', 'tiff:ImageDescription'));
  }
  const keywords = [...new Set((input.keywords ?? []).map((k) => k.trim()).filter(Boolean))];
  if (keywords.length > 0) {
    // dc:subject holds flat keywords (every level of a hierarchy, as Lightroom exports them).
    const flat = [...new Set(keywords.flatMap((k) => k.split(/[|/]/).map((p) => p.trim()).filter(Boolean)))];
    children.push(xmpBag('dc:subject', flat.length ? flat : keywords.map(leaf)));
    children.push(xmpBag('lr:hierarchicalSubject', [...new Set(keywords.map(hierarchical))]));
  }
  return xmpPacket(['crs', 'tiff', 'xmp', 'exif', 'dc', 'lr'], attrs, children);
}
