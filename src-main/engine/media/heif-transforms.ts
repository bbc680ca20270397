/**
 * Geometry of the HEIF transformative properties (clap, irot, imir), in the order the file lists
 * them. Used when the HEIC worker decodes WITHOUT libheif's transforms (the file has an EXIF
 * Orientation, which then decides rotation, as libvips does): the clean aperture (clap) must still
 * be cropped, but in the stored (unrotated) frame. A clap listed after an irot describes a rectangle
 * in the rotated frame, so the walk tracks the rotation to map it back.
 */

export type CropBorders = { left: number; top: number; right: number; bottom: number };

export type HeifTransform =
  | { kind: 'irot'; ccw: number }
  /** 'vertical' flips top↔bottom, 'horizontal' flips left↔right (libheif's naming). */
  | { kind: 'imir'; direction: 'vertical' | 'horizontal' }
  /** libheif computes the borders for the size the image has at that step. */
  | { kind: 'clap'; borders: (width: number, height: number) => CropBorders };

export type Rect = { left: number; top: number; width: number; height: number };

/**
 * current = A·stored + t, with A a signed permutation matrix (rows [a, b] and [c, d]) and the
 * frame size after the steps so far. Coordinates are pixel edges, so a full frame is [0,w]×[0,h].
 */
type Frame = { a: number; b: number; c: number; d: number; tx: number; ty: number; width: number; height: number };

/** Turns the frame 90° anticlockwise: (x, y) → (y, w − x). */
function rotateCcw(f: Frame): Frame {
  return { a: f.c, b: f.d, c: -f.a, d: -f.b, tx: f.ty, ty: f.width - f.tx, width: f.height, height: f.width };
}

function mirror(f: Frame, direction: 'vertical' | 'horizontal'): Frame {
  return direction === 'horizontal'
    ? { ...f, a: -f.a, b: -f.b, tx: f.width - f.tx }
    : { ...f, c: -f.c, d: -f.d, ty: f.height - f.ty };
}

/**
 * The part of the stored (coded, ispe-sized) image that the clean apertures keep, as a rectangle in
 * stored coordinates. Rotations and mirrors themselves are not applied: the caller orients the
 * result from the EXIF tag instead.
 */
export function storedCleanAperture(width: number, height: number, transforms: readonly HeifTransform[]): Rect {
  let f: Frame = { a: 1, b: 0, c: 0, d: 1, tx: 0, ty: 0, width, height };
  for (const t of transforms) {
    if (t.kind === 'irot') {
      const quarters = (((Math.round(t.ccw / 90) % 4) + 4) % 4);
      for (let i = 0; i < quarters; i++) f = rotateCcw(f);
    } else if (t.kind === 'imir') {
      f = mirror(f, t.direction);
    } else {
      const b = t.borders(f.width, f.height);
      const w = f.width - b.left - b.right;
      const h = f.height - b.top - b.bottom;
      // A malformed clap (empty or larger than the image) is ignored rather than failing the photo.
      if (w <= 0 || h <= 0 || b.left < 0 || b.top < 0 || b.right < 0 || b.bottom < 0) continue;
      f = { ...f, tx: f.tx - b.left, ty: f.ty - b.top, width: w, height: h };
    }
  }
  // A is orthogonal, so stored = Aᵀ·(current − t); map two opposite corners of the final frame.
  const back = (x: number, y: number) => [f.a * (x - f.tx) + f.c * (y - f.ty), f.b * (x - f.tx) + f.d * (y - f.ty)] as const;
  const [x0, y0] = back(0, 0);
  const [x1, y1] = back(f.width, f.height);
  return { left: Math.min(x0, x1), top: Math.min(y0, y1), width: Math.abs(x1 - x0), height: Math.abs(y1 - y0) };
}
