import { z } from 'zod';
import { defineOp } from '../op-module.ts';

const v1 = z.object({ amount: z.number().min(-100).max(100) }).strict();
export type ContrastParams = z.infer<typeof v1>;

/**
 * A straight line through mid-grey: out = pivot + k * (in - pivot). The pivot is the middle of the
 * encoded range (50%, the perceptual middle, not 18% linear reflectance). k runs from 0.25 at -100
 * (very flat, never a single grey) to 2 at +100; a linear stretch clips the ends, which is what a
 * strong contrast move does anyway.
 */
export function contrastSlope(amount: number): number {
  return amount >= 0 ? 1 + amount / 100 : 1 + (amount / 100) * 0.75;
}

export const contrastOp = defineOp<ContrastParams>({
  op: 'contrast',
  version: 1,
  schemas: { 1: v1 },
  migrate: {},
  defaults: { amount: 0 },
  apply(ctx, p) {
    if (p.amount === 0) return;
    const k = contrastSlope(p.amount);
    ctx.curve((v) => 0.5 + k * (v - 0.5));
  },
});
