import { z } from 'zod';
import { scaleLabChroma } from '../colour-math.ts';
import { defineOp } from '../op-module.ts';

const v1 = z.object({ amount: z.number().min(-100).max(100) }).strict();
export type SaturationParams = z.infer<typeof v1>;

/**
 * Scales chroma in Lab/LCh (lightness and hue kept): -100 -> 0 (grey), 0 -> unchanged, +100 ->
 * double. The same arithmetic as sharp's `modulate({ saturation })`, which v1 renders used, done in
 * the renderer's one tone pass instead of a 16-bit sharp pass of its own.
 */
export const saturationOp = defineOp<SaturationParams>({
  op: 'saturation',
  version: 1,
  schemas: { 1: v1 },
  migrate: {},
  defaults: { amount: 0 },
  apply(ctx, p) {
    if (p.amount === 0) return;
    const k = 1 + p.amount / 100;
    ctx.pixels('tone', (px) => scaleLabChroma(px, k));
  },
});
