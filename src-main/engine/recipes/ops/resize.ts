import { z } from 'zod';
import { defineOp } from '../op-module.ts';

const px = z.number().int().min(1).max(65_535);
const v1 = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('long-edge'), longEdge: px, allowUpscale: z.boolean() }).strict(),
  z
    .object({
      mode: z.literal('box'),
      width: px.optional(),
      height: px.optional(),
      fit: z.enum(['inside', 'cover', 'contain', 'fill']),
      allowUpscale: z.boolean(),
    })
    .strict()
    .refine((p) => p.width !== undefined || p.height !== undefined, { message: 'give a width, a height or both', path: ['width'] }),
]);
export type ResizeParams = z.infer<typeof v1>;

/**
 * Output size, after geometry and tone. Never enlarges unless `allowUpscale` (and never in a
 * preview, which is already smaller than the original). `contain` pads with black. The renderer
 * (render/geometry.ts) follows sharp's own size rules, reads the original at about this size when
 * it is smaller, and resamples with Lanczos3, set explicitly so a sharp default cannot move our pixels.
 */
export const resizeOp = defineOp<ResizeParams>({
  op: 'resize',
  version: 1,
  schemas: { 1: v1 },
  migrate: {},
  defaults: { mode: 'long-edge', longEdge: 2048, allowUpscale: false },
  apply(ctx, p) {
    const withoutEnlargement = ctx.forPreview || !p.allowUpscale;
    const resize = p.mode === 'long-edge' ? { mode: p.mode, longEdge: p.longEdge } : { mode: p.mode, width: p.width, height: p.height, fit: p.fit };
    ctx.geometry({ kind: 'resize', resize, withoutEnlargement });
  },
});
