import { z } from 'zod';
import { decodeFast, encodeFast } from '../colour-math.ts';
import { defineOp } from '../op-module.ts';

/** The light level that becomes black, in percent of white, in linear light. */
const v1 = z.object({ level: z.number().min(0).max(30) }).strict();
export type BlackPointParams = z.infer<typeof v1>;

/**
 * Takes out light that lies evenly over the whole frame (haze, veiling flare, a fogged filter, a
 * faded print): in LINEAR light, out = (in - level) / (1 - level), per channel, clipped at black.
 * Flare adds the same light to every pixel, so this is its exact inverse; white stays white, which
 * leaves the overall brightness to the exposure op. Contrast cannot do this: it pivots on the
 * encoded mid-grey and so bends every tone, where a veil only ADDS light.
 */
export function blackPointCurve(level: number): (linear: number) => number {
  const l = level / 100;
  return (v) => (v <= l ? 0 : (v - l) / (1 - l));
}

export const blackPointOp = defineOp<BlackPointParams>({
  op: 'black-point',
  version: 1,
  schemas: { 1: v1 },
  migrate: {},
  defaults: { level: 0 },
  apply(ctx, p) {
    if (p.level === 0) return;
    const curve = blackPointCurve(p.level);
    ctx.curve((v) => encodeFast(curve(decodeFast(v))));
  },
});
