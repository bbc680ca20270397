import { cropCorners, resolveCrop } from '../../recipes/crop-geometry.ts';
import type { CropSpec, OrientSpec, ResizeSpec } from '../../recipes/op-module.ts';

/**
 * Output sizes worked out before any pixel is decoded, with the same rounding the passes use, so
 * the renderer can read the original at about output size (crop and resize in the decoder) and
 * still land on the exact dimensions a full-size render would have.
 */
export type Size = { width: number; height: number };
export type Rect = Size & { left: number; top: number };

/** An axis-aligned crop in pixels of `size`: at least one pixel, never past the edge. */
export function cropRect(c: CropSpec, size: Size): Rect {
  const left = Math.min(size.width - 1, Math.round(c.x * size.width));
  const top = Math.min(size.height - 1, Math.round(c.y * size.height));
  const right = Math.max(left + 1, Math.min(size.width, Math.round((c.x + c.w) * size.width)));
  const bottom = Math.max(top + 1, Math.min(size.height, Math.round((c.y + c.h) * size.height)));
  return { left, top, width: right - left, height: bottom - top };
}

/**
 * Straighten in three steps: cut the frame's bounding box (rotating the whole photo would waste
 * time), rotate the box, cut the frame around the moved crop centre. This is the first step plus
 * what the last one needs to know about the box.
 */
export type StraightenBox = { box: Rect; cx: number; cy: number; width: number; height: number };

export function straightenBox(c: CropSpec, size: Size): StraightenBox {
  const frame = resolveCrop(c, size.width, size.height);
  const corners = cropCorners(frame);
  const xs = corners.map((p) => p[0]);
  const ys = corners.map((p) => p[1]);
  const left = Math.max(0, Math.floor(Math.min(...xs)) - 2);
  const top = Math.max(0, Math.floor(Math.min(...ys)) - 2);
  const right = Math.min(size.width, Math.ceil(Math.max(...xs)) + 2);
  const bottom = Math.min(size.height, Math.ceil(Math.max(...ys)) + 2);
  const box = { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
  return { box, cx: frame.cx - left, cy: frame.cy - top, width: frame.width, height: frame.height };
}

/**
 * Where the frame's top-left corner falls in the rotated box, before rounding to whole pixels
 * (`rotated` is the box's size after the rotation; its centre is the box centre's image).
 */
export function straightenFrameOrigin(c: CropSpec, s: StraightenBox, rotated: Size): { x: number; y: number } {
  const rad = (c.angle * Math.PI) / 180;
  const dx = s.cx - s.box.width / 2;
  const dy = s.cy - s.box.height / 2;
  const qx = rotated.width / 2 + dx * Math.cos(rad) + dy * Math.sin(rad);
  const qy = rotated.height / 2 - dx * Math.sin(rad) + dy * Math.cos(rad);
  return { x: qx - Math.floor(s.width) / 2, y: qy - Math.floor(s.height) / 2 };
}

/** The frame inside the rotated box, on whole pixels. */
export function straightenFrame(c: CropSpec, s: StraightenBox, rotated: Size): Rect {
  const origin = straightenFrameOrigin(c, s, rotated);
  const width = Math.max(1, Math.min(rotated.width, Math.floor(s.width)));
  const height = Math.max(1, Math.min(rotated.height, Math.floor(s.height)));
  const left = Math.min(rotated.width - width, Math.max(0, Math.round(origin.x)));
  const top = Math.min(rotated.height - height, Math.max(0, Math.round(origin.y)));
  return { left, top, width, height };
}

export function cropSize(c: CropSpec, size: Size): Size {
  if (c.angle === 0) {
    const r = cropRect(c, size);
    return { width: r.width, height: r.height };
  }
  const s = straightenBox(c, size);
  // The rotated box always contains the frame, so only the floor applies.
  return { width: Math.max(1, Math.floor(s.width)), height: Math.max(1, Math.floor(s.height)) };
}

export const swapsAxes = (o: OrientSpec): boolean => o.turn === 'cw90' || o.turn === 'ccw90';

export function orientSize(o: OrientSpec, size: Size): Size {
  return swapsAxes(o) ? { width: size.height, height: size.width } : size;
}

/** sharp's ResolveShrink: the shrink factors its resize() uses for this spec. */
function shrinkFactors(spec: ResizeSpec, size: Size, withoutEnlargement: boolean): { h: number; v: number } {
  let h = 1, v = 1;
  const tw = spec.mode === 'long-edge' ? (size.width >= size.height ? spec.longEdge : 0) : (spec.width ?? 0);
  const th = spec.mode === 'long-edge' ? (size.width >= size.height ? 0 : spec.longEdge) : (spec.height ?? 0);
  const fit = spec.mode === 'long-edge' ? 'inside' : spec.fit;
  if (tw > 0 && th > 0) {
    h = size.width / tw;
    v = size.height / th;
    if (fit === 'cover') h = v = Math.min(h, v);
    else if (fit === 'inside' || fit === 'contain') h = v = Math.max(h, v);
  } else if (tw > 0) {
    h = size.width / tw;
    if (fit !== 'fill') v = h;
  } else if (th > 0) {
    v = size.height / th;
    if (fit !== 'fill') h = v;
  }
  if (withoutEnlargement) {
    h = Math.max(1, h);
    v = Math.max(1, v);
  }
  return { h, v };
}

/** The image size right after the resample, before a `cover` crop or a `contain` pad. */
export function resizedContent(spec: ResizeSpec, size: Size, withoutEnlargement: boolean): Size {
  const { h, v } = shrinkFactors(spec, size, withoutEnlargement);
  return { width: Math.max(1, Math.round(size.width / h)), height: Math.max(1, Math.round(size.height / v)) };
}

/** The size after the whole resize step (the box for `cover`/`contain`). */
export function resizedOutput(spec: ResizeSpec, size: Size, withoutEnlargement: boolean): Size {
  const content = resizedContent(spec, size, withoutEnlargement);
  if (spec.mode === 'long-edge' || spec.fit === 'inside' || spec.fit === 'fill') return content;
  const box = { width: spec.width ?? content.width, height: spec.height ?? content.height };
  if (spec.fit === 'contain') return box;
  return { width: Math.min(box.width, content.width), height: Math.min(box.height, content.height) };
}
