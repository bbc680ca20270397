import { z } from 'zod';
import { decodeFast, encodeFast } from '../colour-math.ts';
import { defineOp } from '../op-module.ts';

/** v1 (legacy): whole thirds of a stop as an integer, -9..9 (the old UI's stepper). */
const v1 = z.object({ thirds: z.number().int().min(-9).max(9) }).strict();
/** v2: exposure value in stops. */
const v2 = z.object({ ev: z.number().min(-5).max(5) }).strict();
export type ExposureParams = z.infer<typeof v2>;

/**
 * Exposure multiplies LINEAR light by 2^ev. The working pixels carry the sRGB transfer curve, so
 * the curve decodes with it, multiplies, clips at white (as a real overexposure does) and
 * re-encodes, per channel; the renderer folds it into its 65,536-entry lookup table. "Linear light"
 * here is the working space's, not the camera's: we start from an already rendered JPEG, whose tone
 * curve baked into the file we cannot undo, so +1 EV is a faithful doubling of the file's light,
 * not a re-shoot. (sharp's `linear()` alone could only do a power-law approximation: ~13% off at
 * dark greys.)
 */
export const exposureOp = defineOp<ExposureParams>({
  op: 'exposure',
  version: 2,
  schemas: { 1: v1, 2: v2 },
  migrate: { 1: (p: z.infer<typeof v1>): ExposureParams => ({ ev: p.thirds / 3 }) },
  defaults: { ev: 0 },
  apply(ctx, p) {
    if (p.ev === 0) return;
    const k = 2 ** p.ev;
    ctx.curve((v) => encodeFast(decodeFast(v) * k));
  },
});
