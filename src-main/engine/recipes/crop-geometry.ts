/**
 * Crop + straighten geometry, shared by the crop op (pixels) and the XMP writer (Camera Raw crop),
 * so both describe exactly the same rectangle.
 *
 * Conventions (all in the ORIENTED original, y down):
 * - `x, y, w, h` are fractions of the oriented width/height; the crop centre is (x + w/2, y + h/2).
 * - `angle` (degrees) has the meaning of Camera Raw's `crs:CropAngle`: output ("straightened")
 *   coordinates q relate to image coordinates p around the crop centre by
 *   q = [[cos a, sin a], [-sin a, cos a]] p, i.e. a positive angle turns the picture
 *   counter-clockwise on screen (the crop frame clockwise over the photo).
 * - Straightening keeps the centre and the aspect of w:h and shrinks the frame just enough that no
 *   corner falls outside the photo, so no background ever shows.
 */

export type CropFractions = { x: number; y: number; w: number; h: number; angle: number };

export type ResolvedCrop = {
  /** Centre in oriented pixels (continuous coordinates: pixel i spans [i, i+1)). */
  cx: number;
  cy: number;
  /** Output size in pixels, before rounding. */
  width: number;
  height: number;
  angle: number;
};

/** Straightened crops keep this many pixels away from the photo's edge: interpolation blends edge pixels. */
export const STRAIGHTEN_MARGIN_PX = 1;

export function resolveCrop(c: CropFractions, imageWidth: number, imageHeight: number): ResolvedCrop {
  const cx = (c.x + c.w / 2) * imageWidth;
  const cy = (c.y + c.h / 2) * imageHeight;
  const w = c.w * imageWidth;
  const h = c.h * imageHeight;
  if (c.angle === 0) return { cx, cy, width: w, height: h, angle: 0 };
  const rad = (c.angle * Math.PI) / 180;
  const cos = Math.abs(Math.cos(rad));
  const sin = Math.abs(Math.sin(rad));
  // Half-extent, in image space, of the frame's corners at scale 1.
  const dx = (w / 2) * cos + (h / 2) * sin;
  const dy = (w / 2) * sin + (h / 2) * cos;
  const m = STRAIGHTEN_MARGIN_PX;
  const room = Math.min(cx - m, imageWidth - m - cx, cy - m, imageHeight - m - cy);
  const scale = Math.max(
    0,
    Math.min(1, (cx - m) / dx, (imageWidth - m - cx) / dx, (cy - m) / dy, (imageHeight - m - cy) / dy, room > 0 ? Infinity : 0),
  );
  return { cx, cy, width: w * scale, height: h * scale, angle: c.angle };
}

/** The four corners of the resolved frame in oriented-image pixels: top-left, top-right, bottom-right, bottom-left of the OUTPUT. */
export function cropCorners(r: ResolvedCrop): Array<[number, number]> {
  const rad = (r.angle * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const a = r.width / 2;
  const b = r.height / 2;
  // p = R^-1 q with R^-1 = [[cos, -sin], [sin, cos]].
  return ([[-a, -b], [a, -b], [a, b], [-a, b]] as Array<[number, number]>).map(([qx, qy]) => [
    r.cx + qx * cos - qy * sin,
    r.cy + qx * sin + qy * cos,
  ]);
}
