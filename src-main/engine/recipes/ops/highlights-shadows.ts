import { z } from 'zod';
import { defineOp } from '../op-module.ts';

const v1 = z.object({ highlights: z.number().min(-100).max(100), shadows: z.number().min(-100).max(100) }).strict();
export type HighlightsShadowsParams = z.infer<typeof v1>;

/**
 * A tone curve on luma, f(x) = x + s·x(1-x)² + h·x²(1-x) with s, h in [-1, 1]: the shadow term peaks
 * near 1/3 and the highlight term near 2/3, both vanish at black and white, and f stays monotonic for
 * every s, h in range (f' >= 0 checked at the corners of the square). sharp exposes no lookup-table
 * op, so this is a per-pixel pass: each pixel's RGB is scaled by f(Y)/Y (Rec. 709 luma of the encoded
 * values), which keeps hue and saturation ratios instead of bending each channel separately.
 */
export function toneCurve(x: number, shadows: number, highlights: number): number {
  return x + shadows * x * (1 - x) * (1 - x) + highlights * x * x * (1 - x);
}

export const highlightsShadowsOp = defineOp<HighlightsShadowsParams>({
  op: 'highlights-shadows',
  version: 1,
  schemas: { 1: v1 },
  migrate: {},
  defaults: { highlights: 0, shadows: 0 },
  apply(ctx, p) {
    if (p.highlights === 0 && p.shadows === 0) return;
    const max = ctx.maxValue;
    const s = p.shadows / 100;
    const h = p.highlights / 100;
    ctx.pixels('tone', (px) => {
      const gain = new Float32Array(max + 1);
      for (let y = 1; y <= max; y++) gain[y] = toneCurve(y / max, s, h) / (y / max);
      // Hot loop: every value here is >= 0 (f is monotonic from f(0) = 0, so the gain is too), where
      // (v + 0.5) | 0 is Math.round(v): the same samples without a call per channel.
      for (let i = 0; i < px.length; i += 3) {
        const r = px[i]!, g = px[i + 1]!, b = px[i + 2]!;
        const y = (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.5) | 0;
        if (y === 0) continue;
        const k = gain[y]!;
        const vr = (r * k + 0.5) | 0, vg = (g * k + 0.5) | 0, vb = (b * k + 0.5) | 0;
        px[i] = vr > max ? max : vr;
        px[i + 1] = vg > max ? max : vg;
        px[i + 2] = vb > max ? max : vb;
      }
    });
  },
});
