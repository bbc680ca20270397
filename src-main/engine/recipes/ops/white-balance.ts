import { z } from 'zod';
import { defineOp } from '../op-module.ts';

const v1 = z.object({ temperature: z.number().min(-100).max(100), tint: z.number().min(-100).max(100) }).strict();
export type WhiteBalanceParams = z.infer<typeof v1>;

/**
 * Channel gains, i.e. a diagonal colour matrix. Warmer (+temperature) raises red and lowers blue by up
 * to ±0.35 stop each; +tint lowers green (towards magenta) by up to 0.3 stop. The gains are then
 * normalised so a neutral grey keeps its luma. A diagonal matrix is a per-channel gain, so it
 * folds into the renderer's per-channel lookup table with the other curves. The gains act on encoded values: a relative correction for the eye,
 * not a colour-temperature conversion in Kelvin.
 */
export function whiteBalanceGains(p: WhiteBalanceParams): [number, number, number] {
  const t = p.temperature / 100;
  const g = 2 ** (-0.3 * (p.tint / 100));
  const r = 2 ** (0.35 * t);
  const b = 2 ** (-0.35 * t);
  const luma = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return [r / luma, g / luma, b / luma];
}

export const whiteBalanceOp = defineOp<WhiteBalanceParams>({
  op: 'white-balance',
  version: 1,
  schemas: { 1: v1 },
  migrate: {},
  defaults: { temperature: 0, tint: 0 },
  apply(ctx, p) {
    if (p.temperature === 0 && p.tint === 0) return;
    const gains = whiteBalanceGains(p);
    ctx.curve((v, channel) => v * gains[channel], true);
  },
});
