import { z } from 'zod';
import { defineOp } from '../op-module.ts';

const v1 = z.object({ amount: z.number().min(0).max(100), radius: z.number().min(0.3).max(5) }).strict();
export type SharpenParams = z.infer<typeof v1>;

/**
 * sharp's unsharp mask on lightness. `radius` is the Gaussian sigma in OUTPUT pixels (the step runs
 * after resize); amount 50 is sharp's own default strength (m1 1, m2 2), 100 doubles it.
 */
export const sharpenOp = defineOp<SharpenParams>({
  op: 'sharpen',
  version: 1,
  schemas: { 1: v1 },
  migrate: {},
  defaults: { amount: 50, radius: 1 },
  apply(ctx, p) {
    if (p.amount === 0) return;
    const k = p.amount / 50;
    ctx.sharp('detail', (image) => image.sharpen({ sigma: p.radius, m1: k, m2: 2 * k }));
  },
});
