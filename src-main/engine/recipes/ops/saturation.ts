import { z } from 'zod';
import { defineOp } from '../op-module.ts';

const v1 = z.object({ amount: z.number().min(-100).max(100) }).strict();
export type SaturationParams = z.infer<typeof v1>;

/** sharp's `modulate` scales chroma in LCh: -100 -> 0 (grey), 0 -> unchanged, +100 -> double. */
export const saturationOp = defineOp<SaturationParams>({
  op: 'saturation',
  version: 1,
  schemas: { 1: v1 },
  migrate: {},
  defaults: { amount: 0 },
  apply(ctx, p) {
    if (p.amount === 0) return;
    ctx.sharp('tone', (image) => image.modulate({ saturation: 1 + p.amount / 100 }));
  },
});
