import { decodeFast, encodeFast } from '../../recipes/colour-math.ts';
import { contrastSlope } from '../../recipes/ops/contrast.ts';
import { toneCurve } from '../../recipes/ops/highlights-shadows.ts';
import type { PixelGrid } from './pixel-grid.ts';

/**
 * The tone ops (exposure, then contrast, then highlights/shadows, in that recipe order) fitted to a
 * wanted tone mapping. The ops are fixed shapes (a gain in linear light, a straight line through
 * 50%, a two-lobe curve), so undoing a lifted black point without darkening the midtones takes all
 * three together; fitting them on the photo's own tones puts the error where the photo has no pixels.
 */
export type ToneParams = { ev: number; contrast: number; shadows: number; highlights: number };

const clip = (v: number) => (v <= 0 ? 0 : v >= 1 ? 1 : v);

/** What the three ops do to an encoded luminance x (the highlights/shadows op scales RGB by f(Y)/Y, so on Y it is f). */
export function toneOpsCurve(p: ToneParams, x: number): number {
  let v = p.ev === 0 ? x : clip(encodeFast(decodeFast(x) * 2 ** p.ev));
  if (p.contrast !== 0) v = clip(0.5 + contrastSlope(p.contrast) * (v - 0.5));
  if (p.shadows !== 0 || p.highlights !== 0) v = toneCurve(v, p.shadows / 100, p.highlights / 100);
  return v;
}

const BINS = 64;

/** The photo's luminance histogram over encoded values, BINS bins, as weights summing to 1. */
export function encodedHistogram(grid: PixelGrid): Float64Array {
  const h = new Float64Array(BINS);
  for (const y of grid.lum) h[Math.min(BINS - 1, Math.floor(encodeFast(y) * BINS))]! += 1;
  for (let i = 0; i < BINS; i++) h[i]! /= grid.lum.length;
  return h;
}

/**
 * Least squares over the histogram (plus a floor so empty tone ranges still count a little, and a
 * small pull towards 0 so nothing is used that does not earn its keep), by coordinate search: four
 * bounded parameters, a smooth cost, 64 points per evaluation, so a few hundred evaluations are
 * well under a millisecond.
 */
export function fitToneOps(target: (x: number) => number, histogram: Float64Array, start: Partial<ToneParams> = {}): ToneParams {
  const xs = Float64Array.from({ length: BINS }, (_, i) => (i + 0.5) / BINS);
  const want = xs.map(target);
  const weight = histogram.map((w) => w + 0.1 / BINS);
  const cost = (p: ToneParams) => {
    let c = 0;
    for (let i = 0; i < BINS; i++) c += weight[i]! * (toneOpsCurve(p, xs[i]!) - want[i]!) ** 2;
    return c + 1e-8 * p.contrast ** 2 + 1e-7 * (p.shadows ** 2 + p.highlights ** 2);
  };
  const limits: Record<keyof ToneParams, [number, number]> = { ev: [-3, 3], contrast: [-60, 100], shadows: [-100, 100], highlights: [-100, 100] };
  let best: ToneParams = { ev: 0, contrast: 0, shadows: 0, highlights: 0, ...start };
  let bestCost = cost(best);
  let steps: Record<keyof ToneParams, number> = { ev: 0.5, contrast: 20, shadows: 20, highlights: 20 };
  for (let round = 0; round < 8; round++) {
    for (const key of Object.keys(limits) as Array<keyof ToneParams>) {
      for (const dir of [1, -1]) {
        for (;;) {
          const value = Math.min(limits[key][1], Math.max(limits[key][0], best[key] + dir * steps[key]));
          const next = { ...best, [key]: value };
          const c = cost(next);
          // Written as "not better" so a NaN cost (a target gone wrong) stops the search instead of looping.
          if (!(c < bestCost - 1e-12)) break;
          best = next;
          bestCost = c;
        }
      }
    }
    steps = { ev: steps.ev / 2, contrast: steps.contrast / 2, shadows: steps.shadows / 2, highlights: steps.highlights / 2 };
  }
  return best;
}

/**
 * Veiling glare (flare, haze, a fogged filter) scatters a share f of the light evenly over the frame:
 * observed = (1 - f) x scene + f x mean. It lifts the darkest channel of even the darkest blocks,
 * and a finished photo almost always has some blocks near black (the tuning photos' median is 0.003),
 * so what the 1st percentile of the darkest channel holds above `natural` is taken as the veil
 * (f x mean, linear light) once it is at least `min`: bright scenes without deep shadows (a white
 * wall, a high-key HDR) reach 0.03 on their own, so below that the veil is not told from the scene.
 */
export const VEIL_MODEL = { natural: 0.004, min: 0.03, maxShare: 0.5, maxLevel: 0.3 } as const;

export type Veil = { level: number; share: number };

export function estimateVeil(blackMin: number, meanLum: number): Veil | null {
  const level = blackMin - VEIL_MODEL.natural;
  // Darkest tones above 30 % grey are a frame without shadows (a white wall, a blank stub), not haze:
  // no black point would be right, and the black-point op takes at most 30 %.
  if (level < VEIL_MODEL.min || level > VEIL_MODEL.maxLevel || meanLum <= level) return null;
  return { level, share: Math.min(VEIL_MODEL.maxShare, level / meanLum) };
}

/** The scene without the veil: (observed - level) / (1 - share), per channel. */
export function removeVeil(value: number, veil: Veil): number {
  return Math.max(0, value - veil.level) / (1 - veil.share);
}

/** The wanted mapping: the veil removed, exposed by `ev`, with a soft shoulder instead of clipping. */
export function veilTarget(veil: Veil, ev: number): (x: number) => number {
  const gain = 2 ** ev;
  return (x) => {
    const y = removeVeil(decodeFast(x), veil) * gain;
    // Above 0.8 the tones roll off towards white instead of clipping (what highlights -N does).
    const shoulder = y <= 0.8 ? y : 0.8 + 0.2 * (1 - Math.exp(-(y - 0.8) / 0.2));
    return encodeFast(shoulder);
  };
}
