import { describe, expect, it } from 'vitest';
import { newStep } from '../create.ts';
import { sampleSpread, toneStepOn } from '../testing/pixel-op-samples.ts';

const MAX = 65_535;

const vibrance = (samples: Uint16Array, amount: number): Uint16Array => toneStepOn(newStep('vibrance', { amount }), samples);

/** The op as documented, written the plain way: factor 1 + amount·(1 - S)·0.8 around Rec. 709 luma, rounded, clipped. */
function documented(samples: Uint16Array, amount: number): Uint16Array {
  const out = samples.slice();
  for (let i = 0; i < out.length; i += 3) {
    const [r, g, b] = [out[i]!, out[i + 1]!, out[i + 2]!];
    const hi = Math.max(r, g, b);
    if (hi === 0) continue;
    const f = 1 + (amount / 100) * (1 - (hi - Math.min(r, g, b)) / hi) * 0.8;
    const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    for (const [k, v] of [r, g, b].entries()) out[i + k] = Math.min(MAX, Math.max(0, Math.round(y + (v - y) * f)));
  }
  return out;
}

/** Black, greys, each primary at full, a near-clipping pair and a dark red. */
const EDGE_CASES = [0, 0, 0, 1, 1, 1, 30_000, 30_000, 30_000, MAX, MAX, MAX, MAX, 0, 0, 0, MAX, 0, 0, 0, MAX, MAX, MAX - 1, 0, 1, 0, 0, 40_000, 20_000, 100];

describe('vibrance', () => {
  it('gives the documented result for every sample, raising and lowering', () => {
    const input = sampleSpread(EDGE_CASES, 20_000, 7);
    for (const amount of [-100, -35, 40, 100]) expect(Buffer.from(vibrance(input, amount).buffer).equals(Buffer.from(documented(input, amount).buffer)), `amount ${amount}`).toBe(true);
  });

  it('keeps greys grey and moves muted colours more than saturated ones', () => {
    const [grey, muted, saturated] = [[30_000, 30_000, 30_000], [36_000, 30_000, 28_000], [60_000, 5_000, 2_000]];
    const out = vibrance(Uint16Array.from([...grey, ...muted, ...saturated]), 60);
    expect([...out.slice(0, 3)]).toEqual(grey);
    const spread = (px: ArrayLike<number>) => Math.max(...Array.from(px)) - Math.min(...Array.from(px));
    const gain = (before: number[], after: ArrayLike<number>) => spread(after) / spread(before);
    expect(gain(muted, out.slice(3, 6))).toBeGreaterThan(1.3);
    expect(gain(saturated, out.slice(6, 9))).toBeLessThan(1.1);
  });
});
