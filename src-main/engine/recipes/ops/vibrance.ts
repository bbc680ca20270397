import { defineAmountOp } from '../op-module.ts';

/**
 * Vibrance is a saturation change weighted towards the pixels that have little of it. sharp has no
 * such op, so this is a per-pixel pass and an honest approximation: each channel moves away from (or
 * towards) the pixel's Rec. 709 luma by factor 1 + amount·(1 - S)·0.8, where S = (max - min) / max is
 * the pixel's HSV saturation. Already-saturated colours barely move and greys stay grey. No skin-tone
 * protection (Lightroom has some); results clip per channel.
 */
export function vibranceFactor(amount: number, saturation: number): number {
  return 1 + (amount / 100) * (1 - saturation) * 0.8;
}

export const vibranceOp = defineAmountOp('vibrance', (ctx, amount) => {
  const max = ctx.maxValue;
  ctx.pixels('tone', (px) => {
    for (let i = 0; i < px.length; i += 3) {
      const r = px[i]!, g = px[i + 1]!, b = px[i + 2]!;
      const hi = Math.max(r, g, b);
      if (hi === 0) continue;
      const lo = Math.min(r, g, b);
      const f = vibranceFactor(amount, (hi - lo) / hi);
      const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
      px[i] = Math.min(max, Math.max(0, Math.round(y + (r - y) * f)));
      px[i + 1] = Math.min(max, Math.max(0, Math.round(y + (g - y) * f)));
      px[i + 2] = Math.min(max, Math.max(0, Math.round(y + (b - y) * f)));
    }
  });
});
