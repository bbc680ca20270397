import { defineAmountOp } from '../op-module.ts';

/**
 * A straight line through mid-grey: out = pivot + k * (in - pivot). The pivot is the middle of the
 * encoded range (50%, the perceptual middle, not 18% linear reflectance). k runs from 0.25 at -100
 * (very flat, never a single grey) to 2 at +100; a linear stretch clips the ends, which is what a
 * strong contrast move does anyway.
 */
export function contrastSlope(amount: number): number {
  return amount >= 0 ? 1 + amount / 100 : 1 + (amount / 100) * 0.75;
}

export const contrastOp = defineAmountOp('contrast', (ctx, amount) => {
  const k = contrastSlope(amount);
  ctx.curve((v) => 0.5 + k * (v - 0.5));
});
