import { scaleLabChroma } from '../colour-math.ts';
import { defineAmountOp } from '../op-module.ts';

/**
 * Scales chroma in Lab/LCh (lightness and hue kept): -100 -> 0 (grey), 0 -> unchanged, +100 ->
 * double. The same arithmetic as sharp's `modulate({ saturation })`, which v1 renders used, done in
 * the renderer's one tone pass instead of a 16-bit sharp pass of its own.
 */
export const saturationOp = defineAmountOp('saturation', (ctx, amount) => {
  const k = 1 + amount / 100;
  ctx.pixels('tone', (px) => scaleLabChroma(px, k));
});
