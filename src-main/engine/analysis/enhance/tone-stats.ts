import { linearToLab } from '../../recipes/colour-math.ts';
import { blocksIn, quantiles, type FractionBox, type PixelGrid } from './pixel-grid.ts';

/**
 * The tonal facts exposure and contrast are judged by, from the block grid (linear light). Exposure
 * values are in stops (log2) so a change of exposure moves them all by the same amount.
 */
export type ToneStats = {
  /** log2 of the (subject-weighted) geometric mean luminance over 0.18: 0 is a mid-grey average. */
  keyEv: number;
  /** log2 of the 99th percentile of each block's brightest channel: 0 when the highlights reach white. */
  whiteEv: number;
  /** log2 of the 95th and 50th luminance percentiles. */
  highEv: number;
  midEv: number;
  /** 1st percentile of luminance and of each block's darkest channel (linear): lifted by haze and flare. */
  blackLum: number;
  blackMin: number;
  /** Share of blocks whose brightest channel is above 0.8 (the shoulder just below clipping). */
  nearWhite: number;
  /** Pixels clipped to white / black in the analysis image (not blocks). */
  clippedHigh: number;
  clippedLow: number;
  /** Mean luminance (linear): where veiling glare takes its light from. */
  meanLum: number;
  /** Mean Lab chroma of the blocks that are neither near black nor clipped: how colourful the photo is. */
  chroma: number;
};

const EPS = 1e-4;
export const MID_GREY = 0.18;

/**
 * `weights` (per block, optional) lets the subject count more in the key: a photo is exposed for
 * what it is of, not for its background.
 */
export function toneStats(grid: PixelGrid, weights?: Float32Array): ToneStats {
  const n = grid.lum.length;
  const maxc = new Float32Array(n);
  const minc = new Float32Array(n);
  let logSum = 0;
  let wSum = 0;
  let near = 0;
  let chromaSum = 0;
  let chromaN = 0;
  let lumSum = 0;
  for (let k = 0; k < n; k++) {
    lumSum += grid.lum[k]!;
    const r = grid.rgb[3 * k]!, g = grid.rgb[3 * k + 1]!, b = grid.rgb[3 * k + 2]!;
    const hi = Math.max(r, g, b);
    maxc[k] = hi;
    minc[k] = Math.min(r, g, b);
    const w = weights ? weights[k]! : 1;
    logSum += w * Math.log2(Math.max(grid.lum[k]!, EPS));
    wSum += w;
    if (hi > 0.8) near++;
    // Chroma on a sparse subset: every 4th block is plenty for a mean and keeps this pass cheap.
    if ((k & 3) === 0 && grid.lum[k]! > 0.01 && hi < 0.98) {
      const [, a, bb] = linearToLab(r, g, b);
      chromaSum += Math.sqrt(a * a + bb * bb);
      chromaN++;
    }
  }
  const [white] = quantiles(maxc, [0.99]);
  const [black] = quantiles(minc, [0.01]);
  const [p01, p50, p95] = quantiles(grid.lum, [0.01, 0.5, 0.95]);
  return {
    keyEv: logSum / wSum - Math.log2(MID_GREY),
    whiteEv: Math.log2(Math.max(white!, EPS)),
    highEv: Math.log2(Math.max(p95!, EPS)),
    midEv: Math.log2(Math.max(p50!, EPS) / MID_GREY),
    blackLum: p01!,
    blackMin: black!,
    nearWhite: near / n,
    clippedHigh: grid.clippedHigh,
    clippedLow: grid.clippedLow,
    meanLum: lumSum / n,
    chroma: chromaN ? chromaSum / chromaN : 0,
  };
}

/** Per-block weights: 1 everywhere, `inside` within the boxes (faces, the subject). */
export function regionWeights(grid: PixelGrid, boxes: readonly FractionBox[], inside: number): Float32Array | undefined {
  if (boxes.length === 0) return undefined;
  const w = new Float32Array(grid.lum.length).fill(1);
  for (const box of boxes) for (const k of blocksIn(grid, box)) w[k] = inside;
  return w;
}

/** Median luminance of the blocks in a box (linear), or null when the box covers no block. */
export function medianLumIn(grid: PixelGrid, box: FractionBox): number | null {
  const ks = blocksIn(grid, box);
  if (ks.length === 0) return null;
  const [m] = quantiles(Float32Array.from(ks, (k) => grid.lum[k]!), [0.5]);
  return m!;
}

/** L* of a linear luminance. */
export const lightness = (y: number): number => (y > 216 / 24389 ? 116 * Math.cbrt(y) - 16 : (y * 24389) / 27);
/** Linear luminance of an L*. */
export const luminanceOf = (l: number): number => (l > 8 ? ((l + 16) / 116) ** 3 : (l * 27) / 24389);
