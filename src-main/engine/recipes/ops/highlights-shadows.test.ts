import { describe, expect, it } from 'vitest';
import { newStep } from '../create.ts';
import { sampleSpread, toneStepOn } from '../testing/pixel-op-samples.ts';
import { toneCurve } from './highlights-shadows.ts';

const MAX = 65_535;

const run = (samples: Uint16Array, highlights: number, shadows: number): Uint16Array => toneStepOn(newStep('highlights-shadows', { highlights, shadows }), samples);

/** As documented, the plain way: each pixel scaled by f(Y)/Y of its rounded Rec. 709 luma, rounded, clipped. */
function documented(samples: Uint16Array, highlights: number, shadows: number): Uint16Array {
  const out = samples.slice();
  for (let i = 0; i < out.length; i += 3) {
    const [r, g, b] = [out[i]!, out[i + 1]!, out[i + 2]!];
    const y = Math.round(0.2126 * r + 0.7152 * g + 0.0722 * b);
    if (y === 0) continue;
    const k = Math.fround(toneCurve(y / MAX, shadows / 100, highlights / 100) / (y / MAX));
    for (const [c, v] of [r, g, b].entries()) out[i + c] = Math.min(MAX, Math.round(v * k));
  }
  return out;
}

/** Black, the darkest levels, a mid grey, white, primaries at full and a bright warm colour. */
const EDGE_CASES = [0, 0, 0, 1, 0, 0, 0, 1, 1, 30_000, 30_000, 30_000, MAX, MAX, MAX, MAX, 0, 0, 0, 0, MAX, 64_000, 65_000, 1_000];

describe('highlights and shadows', () => {
  it('gives the documented result for every sample, lifting and lowering either end', () => {
    const input = sampleSpread(EDGE_CASES, 20_000, 11);
    for (const [h, s] of [[-100, 100], [100, -100], [-40, 25], [60, 0], [0, -70]] as const) {
      expect(Buffer.from(run(input, h, s).buffer).equals(Buffer.from(documented(input, h, s).buffer)), `highlights ${h}, shadows ${s}`).toBe(true);
    }
  });

  it('lifts the shadows and keeps black and white where they are', () => {
    const out = run(Uint16Array.from([0, 0, 0, 8_000, 8_000, 8_000, MAX, MAX, MAX]), 0, 60);
    expect([...out.slice(0, 3)]).toEqual([0, 0, 0]);
    expect(out[3]!).toBeGreaterThan(8_000);
    expect([...out.slice(6, 9)]).toEqual([MAX, MAX, MAX]);
  });
});
