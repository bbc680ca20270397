import { resolveCrop } from '../../recipes/crop-geometry.ts';

/** A rectangle in fractions of the oriented image (x right, y down). */
export type FBox = { x: number; y: number; w: number; h: number };

/** Float slack for "inside": fractions computed as 1 - w may overshoot by an ulp. */
export const EPS = 1e-9;

export const right = (b: FBox) => b.x + b.w;
export const bottom = (b: FBox) => b.y + b.h;
export const area = (b: FBox) => b.w * b.h;
export const centreOf = (b: FBox) => ({ x: b.x + b.w / 2, y: b.y + b.h / 2 });

export function contains(outer: FBox, inner: FBox): boolean {
  return inner.x >= outer.x - EPS && inner.y >= outer.y - EPS && right(inner) <= right(outer) + EPS && bottom(inner) <= bottom(outer) + EPS;
}

export function intersection(a: FBox, b: FBox): number {
  const w = Math.min(right(a), right(b)) - Math.max(a.x, b.x);
  const h = Math.min(bottom(a), bottom(b)) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

export function iou(a: FBox, b: FBox): number {
  const i = intersection(a, b);
  return i === 0 ? 0 : i / (area(a) + area(b) - i);
}

export function insideImage(b: FBox): boolean {
  return b.x >= -EPS && b.y >= -EPS && b.w > 0 && b.h > 0 && right(b) <= 1 + EPS && bottom(b) <= 1 + EPS;
}

/** Grown by `fx` of its width and `fy` of its height on each side, then clipped to the image. */
export function expand(b: FBox, fx: number, fy: number): FBox {
  const x0 = Math.max(0, b.x - b.w * fx);
  const y0 = Math.max(0, b.y - b.h * fy);
  const x1 = Math.min(1, right(b) + b.w * fx);
  const y1 = Math.min(1, bottom(b) + b.h * fy);
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** The smallest box around all of `boxes`. */
export function union(boxes: FBox[]): FBox | null {
  if (boxes.length === 0) return null;
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map(right));
  const y1 = Math.max(...boxes.map(bottom));
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/**
 * Whether every box lies inside the frame the crop op will actually cut for `crop` at `angle`
 * (straightening shrinks the frame about its centre so no corner leaves the photo), in pixels.
 */
export function straightenedFrameKeeps(crop: FBox, angle: number, boxes: FBox[], width: number, height: number): boolean {
  if (angle === 0) return boxes.every((b) => contains(crop, b));
  const frame = resolveCrop({ ...crop, angle }, width, height);
  if (frame.width < 1 || frame.height < 1) return false;
  const rad = (angle * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const inside = (px: number, py: number) => {
    const dx = px - frame.cx;
    const dy = py - frame.cy;
    // q = R p (crop-geometry.ts): the point in the straightened output's axes.
    const qx = dx * cos + dy * sin;
    const qy = -dx * sin + dy * cos;
    return Math.abs(qx) <= frame.width / 2 + 1e-6 && Math.abs(qy) <= frame.height / 2 + 1e-6;
  };
  return boxes.every((b) => {
    const x0 = b.x * width, y0 = b.y * height, x1 = right(b) * width, y1 = bottom(b) * height;
    return inside(x0, y0) && inside(x1, y0) && inside(x1, y1) && inside(x0, y1);
  });
}
