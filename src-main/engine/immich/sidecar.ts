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
};

const hierarchical = (keyword: string) => keyword.split(/[|/]/).map((p) => p.trim()).filter(Boolean).join('|');
const leaf = (keyword: string) => keyword.split(/[|/]/).map((p) => p.trim()).filter(Boolean).at(-1) ?? '';

/**
 * The XMP sent as `sidecarData` with an upload. Immich reads description, rating and tags from it
 * during its own metadata extraction, which avoids the known race where values PUT right after the
 * upload are overwritten when extraction finishes. (render/xmp-sidecar.ts writes the richer sidecar
 * kept next to exported files; it takes a recipe and writes no lr:hierarchicalSubject, so only its
 * escaping and crop geometry are reused here.)
 */
export function buildUploadSidecar(input: UploadSidecarInput): string {
  const attrs: Array<[string, string]> = [];
  if (input.crop?.hasCrop) {
    const c = input.crop;
    attrs.push(['crs:HasCrop', 'True'], ['crs:CropTop', xmpNumber(c.top)], ['crs:CropLeft', xmpNumber(c.left)], ['crs:CropBottom', xmpNumber(c.bottom)], ['crs:CropRight', xmpNumber(c.right)], ['crs:CropAngle', xmpNumber(c.angle)]);
  }
  if (input.rating !== undefined) attrs.push(['xmp:Rating', xmpRating(input.rating)]);
  const children: string[] = [];
  if (input.description !== undefined && input.description !== '') children.push(xmpDescription(input.description));
  const keywords = [...new Set((input.keywords ?? []).map((k) => k.trim()).filter(Boolean))];
  if (keywords.length > 0) {
    // dc:subject holds flat keywords (every level of a hierarchy, as Lightroom exports them).
    const flat = [...new Set(keywords.flatMap((k) => k.split(/[|/]/).map((p) => p.trim()).filter(Boolean)))];
    children.push(xmpBag('dc:subject', flat.length ? flat : keywords.map(leaf)));
    children.push(xmpBag('lr:hierarchicalSubject', [...new Set(keywords.map(hierarchical))]));
  }
  return xmpPacket(['crs', 'xmp', 'dc', 'lr'], attrs, children);
}
