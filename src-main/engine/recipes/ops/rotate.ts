import { z } from 'zod';
import { defineOp } from '../op-module.ts';

/**
 * Quarter turns and mirror flips the photographer asks for, AFTER crop/straighten (whose fractions
 * stay in the oriented original) and after the EXIF orientation (already applied at decode).
 * Order inside the step: the turn first, then the flips, both in the turned (output) frame.
 */
const v1 = z
  .object({
    turn: z.enum(['none', 'cw90', 'ccw90', '180']),
    flipH: z.boolean(),
    flipV: z.boolean(),
  })
  .strict();
export type RotateParams = z.infer<typeof v1>;

export const rotateOp = defineOp<RotateParams>({
  op: 'rotate',
  version: 1,
  schemas: { 1: v1 },
  migrate: {},
  defaults: { turn: 'none', flipH: false, flipV: false },
  apply(ctx, p) {
    if (p.turn === 'none' && !p.flipH && !p.flipV) return;
    ctx.geometry({ kind: 'orient', orient: p });
  },
});
