import { describe, expect, it } from 'vitest';
import { decodeFast, encodeFast } from '../../recipes/colour-math.ts';
import { estimateVeil, fitToneOps, toneOpsCurve, veilTarget } from './tone-fit.ts';

const flatHistogram = new Float64Array(64).fill(1 / 64);

describe('fitting the tone ops to a wanted mapping', () => {
  it('undoes a pure exposure change with exposure alone', () => {
    const target = (x: number) => encodeFast(decodeFast(x) * 2 ** 1.3);
    const p = fitToneOps(target, flatHistogram);
    expect(p.ev).toBeCloseTo(1.3, 1);
    expect(Math.abs(p.contrast)).toBeLessThan(5);
    for (const x of [0.1, 0.3, 0.5]) expect(Math.abs(toneOpsCurve(p, x) - target(x))).toBeLessThan(0.01);
  });

  it('undoes veiling glare (a quarter of the light spread evenly) within 2% over the tones', () => {
    // observed = 0.75 x scene + 0.25 x 0.18
    const veil = estimateVeil(0.045 + 0.004, 0.18)!;
    expect(veil.level).toBeCloseTo(0.045, 3);
    expect(veil.share).toBeCloseTo(0.25, 2);
    const truth = (x: number) => encodeFast(Math.max(0, (decodeFast(x) - 0.045) / 0.75));
    const p = fitToneOps(veilTarget(veil, 0), flatHistogram);
    expect(p.contrast).toBeGreaterThan(30);
    for (let x = 0.3; x <= 0.85; x += 0.05) expect(Math.abs(toneOpsCurve(p, x) - truth(x))).toBeLessThan(0.02);
  });

  it('finds no veil in a photo with real blacks, and stops on a target gone wrong instead of looping', () => {
    expect(estimateVeil(0.002, 0.2)).toBeNull();
    expect(fitToneOps(() => Number.NaN, flatHistogram)).toEqual({ ev: 0, contrast: 0, shadows: 0, highlights: 0 });
  });
});
