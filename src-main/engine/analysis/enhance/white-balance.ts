import { encodeTransfer } from '../../recipes/colour-math.ts';
import { toP3 } from './working-space.ts';
import type { WhiteBalanceParams } from '../../recipes/ops/white-balance.ts';
import { brightPixels, chromaPeak, greyEdge, type Chroma } from './illuminant.ts';
import { blocksIn, type FractionBox, type PixelGrid } from './pixel-grid.ts';
import type { SceneCue } from './scene.ts';

/**
 * Tuning of the white balance estimate (bench/enhance.ts, tuning half). The cast is read off grey-edge
 * (p = 6) on a fine grid of blocks (`fineBlocks`); the brightest blocks and skin only vouch for it.
 * Below `start` (ln-ratio units: 0.2 is about 20% between channels) a cast is left alone: on the
 * tuning photos that need no correction grey-edge still reads 0.11 off neutral on average (a red
 * wall, a koi pond, a blue sky fool it), and a correction of that size to a finished photo is harm.
 * Above `start` the cast is removed in full: a partial correction leaves a cast the photographer
 * must finish by hand. Beyond `sceneColour` the "cast" is more likely the scene (a sunset, a leaf
 * against the sun, gold lamps) than the light, and the correction fades out by `fadeOut`.
 */
export const WB_MODEL = {
  /**
   * What grey-edge reads on camera JPEGs that need no correction (median over the tuning photos):
   * cameras render a touch warm, and that is the look to keep, not a cast.
   */
  neutral: { u: 0.055, v: -0.035 },
  /**
   * Grid for grey-edge: blocks of about 6 px on the 1024 px analysis image. Edges between smaller
   * blocks are sharper (less averaged across surfaces): the mean error of the estimate on the tuning
   * photos falls from 0.15 (12,000 blocks) to 0.13.
   */
  fineBlocks: 40_000,
  start: 0.2,
  sceneColour: 0.6,
  fadeOut: 1,
  /**
   * When the brightest blocks, or the peak of the photo's colours (illuminant.ts chromaPeak), point
   * elsewhere than the edges by more than these, the correction is halved: a cast moves all three
   * alike, so their disagreement is the scene's own colour fooling at least one of them. The peak
   * rule, on the tuning half and the non-reference corpus photos (27, fault-free), halves the cast
   * wrongly removed from finished photos (mean 0.041 to 0.023 ln units) and leaves as much or less of
   * a bench-sized cast behind. (Blending the estimates instead was tried: a weighted sum of ten
   * of them, grey-edge at p = 1, 2 and 6, grey-world, shades of grey, the brightest blocks, the
   * median, this peak and a mean shift, fitted on synthetic casts of those photos, did no better
   * leave-one-photo-out than grey-edge p = 6 alone (mean error 0.188 against 0.165 ln units; the
   * best pair 0.114 against 0.121): a cast moves every estimate alike, so synthetic casts add no
   * scenes, and 27 scenes are too few to learn where neutral lies.)
   */
  disagree: 0.3,
  disagreePeak: 0.4,
  /**
   * Skin under neutral light, ln(R/G) and ln(B/G) in linear light (median of the corpus' faces). Skin
   * tones spread about 0.2 around it, as much as a cast, so skin only leans on the estimate.
   */
  skin: { u: 0.65, v: -0.3 },
  skinWeight: 0.15,
} as const;

export type WhiteBalanceEstimate = {
  /** The neutral the photo shows now (0,0 is balanced). */
  cast: Chroma;
  /** The share of the cast to remove (0..1) after dead zone, fade-out and scene rules. */
  strength: number;
  confidence: number;
  reason: string;
};

/** The skin colour of the confident faces (centre of each box), as a chroma, or null. */
export function skinChroma(grid: PixelGrid, faces: ReadonlyArray<{ box: FractionBox; confidence: number }>): Chroma | null {
  let r = 0, g = 0, b = 0;
  for (const face of faces) {
    if (face.confidence < 0.8) continue;
    const { x, y, w, h } = face.box;
    for (const k of blocksIn(grid, { x: x + w * 0.25, y: y + h * 0.3, w: w * 0.5, h: h * 0.5 })) {
      r += grid.rgb[3 * k]!;
      g += grid.rgb[3 * k + 1]!;
      b += grid.rgb[3 * k + 2]!;
    }
  }
  return g > 0 && r > 0 && b > 0 ? { u: Math.log(r / g), v: Math.log(b / g) } : null;
}

/** Warm is red up and blue down: positive along u - v. */
export const warmth = (c: Chroma): number => (c.u - c.v) / 2;

const ramp = (x: number, from: number, to: number) => Math.max(0, Math.min(1, (x - from) / (to - from)));

function describe(cast: Chroma): string {
  const tone = Math.abs(warmth(cast)) > 0.04 ? (warmth(cast) > 0 ? 'a warm cast' : 'a cool cast') : '';
  const green = (cast.u + cast.v) / 2;
  const tint = Math.abs(green) > 0.04 ? (green < 0 ? 'a green tint' : 'a magenta tint') : '';
  return [tone, tint].filter(Boolean).join(' and ') || 'a slight cast';
}

export function estimateWhiteBalance(grid: PixelGrid, faces: ReadonlyArray<{ box: FractionBox; confidence: number }>, cues: readonly SceneCue[], fine: PixelGrid = grid): WhiteBalanceEstimate {
  const m = WB_MODEL;
  const edge = greyEdge(fine);
  if (!edge) return { cast: { u: 0, v: 0 }, strength: 0, confidence: 0, reason: 'no usable neutral tones' };
  let cast = { u: edge.u - m.neutral.u, v: edge.v - m.neutral.v };
  let evidence = 'neutral edges';
  const skin = skinChroma(grid, faces);
  if (skin) {
    cast = { u: (1 - m.skinWeight) * cast.u + m.skinWeight * (skin.u - m.skin.u), v: (1 - m.skinWeight) * cast.v + m.skinWeight * (skin.v - m.skin.v) };
    evidence = 'skin and neutral edges';
  }
  const size = Math.hypot(cast.u, cast.v);
  let strength = size < m.start ? 0 : 1 - ramp(size, m.sceneColour, m.fadeOut);
  const bright = brightPixels(grid);
  const apart = bright ? Math.hypot(bright.u - edge.u, bright.v - edge.v) : 0;
  // With a face in frame skin is the peak of the photo's colours, and it already leans on the estimate.
  const peak = skin ? null : chromaPeak(grid);
  const peakApart = peak ? Math.hypot(peak.u - edge.u, peak.v - edge.v) : 0;
  if (apart > m.disagree || peakApart > m.disagreePeak) strength *= 0.5;
  let confidence = strength === 0 ? 0 : Math.max(0.2, Math.min(0.9, 0.35 + size - Math.max(apart, peakApart) * 0.5 + (skin ? 0.1 : 0)));
  let reason = `${evidence} show ${describe(cast)}`;
  if (size > m.sceneColour) reason += ' (strong enough to be the scene\'s own colour: corrected only in part)';
  // A sunset's warmth and stage light's colour are the picture: only a cooler-than-neutral cast goes.
  if (cues.includes('sunset') && warmth(cast) > 0) {
    strength = 0;
    reason = 'a sunset keeps its warmth';
  }
  if (cues.includes('stage') && !skin) {
    strength = 0;
    reason = 'stage light keeps its colour';
  }
  if (strength === 0) confidence = 0;
  return { cast, strength, confidence, reason };
}

/**
 * The white-balance op's temperature and tint that make `cast` (measured in sRGB) neutral at
 * luminance `level`. The op multiplies ENCODED values in the renderer's P3 working space, so the
 * gains are worked out on the encoded P3 channels of a grey with that cast: exact at `level`, close
 * elsewhere (the transfer curve is nearly a power law).
 */
export function whiteBalanceParams(cast: Chroma, level = 0.18): WhiteBalanceParams {
  const eu = Math.exp(cast.u), ev = Math.exp(cast.v);
  const g = level / (0.2126 * eu + 0.7152 + 0.0722 * ev);
  const [pr, pg, pb] = toP3(g * eu, g, g * ev);
  const eR = encodeTransfer(Math.min(1, pr)), eG = encodeTransfer(Math.min(1, pg)), eB = encodeTransfer(Math.min(1, pb));
  // Gains that bring R and B to G's encoded value: gR/gG = eG/eR, gB/gG = eG/eB.
  const lr = Math.log2(eG / eR), lb = Math.log2(eG / eB);
  const clamp = (v: number) => Math.max(-100, Math.min(100, Math.round(v)));
  return { temperature: clamp(((lr - lb) / 0.7) * 100), tint: clamp(((lr + lb) / 2 / 0.3) * 100) };
}
