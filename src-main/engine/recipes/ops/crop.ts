import { z } from 'zod';
import { defineOp } from '../op-module.ts';

/** Tolerance for x + w <= 1 etc.: fractions written from floats must not fail on 1e-16 overshoots. */
const EDGE_EPSILON = 1e-9;
const fraction = z.number().min(0).max(1);

/**
 * v1 (legacy, never written any more): pixels in the rotated preview the UI showed, plus the number
 * of clockwise quarter turns that preview had as an ORDINAL (0..3): the darktable lesson, because the
 * meaning of 1 was "90° clockwise" only by convention. No straighten.
 */
const v1 = z
  .object({
    left: z.number().int().nonnegative(),
    top: z.number().int().nonnegative(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    previewWidth: z.number().int().positive(),
    previewHeight: z.number().int().positive(),
    rotation: z.number().int().min(0).max(3),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.left + p.width > p.previewWidth) ctx.addIssue({ code: 'custom', path: ['width'], message: `crop runs past the right edge of the preview (left + width = ${p.left + p.width} > ${p.previewWidth})` });
    if (p.top + p.height > p.previewHeight) ctx.addIssue({ code: 'custom', path: ['height'], message: `crop runs past the bottom edge of the preview (top + height = ${p.top + p.height} > ${p.previewHeight})` });
  });

/** v2: fractions of the ORIENTED original, so one crop fits the original and every preview. */
const v2 = z
  .object({
    x: fraction,
    y: fraction,
    w: fraction.refine((v) => v > 0, 'width must be more than 0'),
    h: fraction.refine((v) => v > 0, 'height must be more than 0'),
    /** Straighten, degrees; see crop-geometry.ts for the sign. */
    angle: z.number().min(-45).max(45),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.x + p.w > 1 + EDGE_EPSILON) ctx.addIssue({ code: 'custom', path: ['w'], message: `crop runs past the right edge of the photo (x + w = ${+(p.x + p.w).toFixed(6)} > 1)` });
    if (p.y + p.h > 1 + EDGE_EPSILON) ctx.addIssue({ code: 'custom', path: ['h'], message: `crop runs past the bottom edge of the photo (y + h = ${+(p.y + p.h).toFixed(6)} > 1)` });
  });

export type CropParams = z.infer<typeof v2>;

/** Undo one clockwise quarter turn of a rectangle given in fractions of the turned frame. */
function unturnClockwise(r: { x: number; y: number; w: number; h: number }) {
  return { x: r.y, y: 1 - (r.x + r.w), w: r.h, h: r.w };
}

export const cropOp = defineOp<CropParams>({
  op: 'crop',
  version: 2,
  schemas: { 1: v1, 2: v2 },
  migrate: {
    1: (p: z.infer<typeof v1>): CropParams => {
      let r = { x: p.left / p.previewWidth, y: p.top / p.previewHeight, w: p.width / p.previewWidth, h: p.height / p.previewHeight };
      for (let i = 0; i < p.rotation; i++) r = unturnClockwise(r);
      return { ...r, angle: 0 };
    },
  },
  defaults: { x: 0, y: 0, w: 1, h: 1, angle: 0 },
  apply(ctx, params) {
    // The renderer resolves the rectangle (or the straightened frame) with crop-geometry.ts, at
    // whatever scale it reads the original: fractions make the crop independent of that scale.
    if (params.x === 0 && params.y === 0 && params.w === 1 && params.h === 1 && params.angle === 0) return;
    ctx.geometry({ kind: 'crop', crop: params });
  },
});
