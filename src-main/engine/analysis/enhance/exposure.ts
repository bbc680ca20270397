import { lightness, luminanceOf, medianLumIn, type ToneStats } from './tone-stats.ts';
import type { FractionBox, PixelGrid } from './pixel-grid.ts';
import type { SceneCue } from './scene.ts';

/**
 * How far a photo is from a good exposure, in stops, from its tonal statistics. A single photo
 * cannot say for sure whether it is a dark scene or an underexposed one; what separates them best
 * (measured on the benchmark's tuning photos, shifted -2..+1 EV) is how far the highlights fall
 * short of white: a finished photo almost always puts its brightest percent near the top of the
 * range. Once they are there, only clipping says the photo was overexposed. The headroom constants
 * are a least-squares fit over the tuning half's 18 photos each shifted by -2, -1.5, -1, -0.5, 0,
 * +0.35, +0.7 and +1 EV (rms error 0.34 EV on the shifts that leave the highlights below white); the
 * clipping rule was read off the same shifts (clipping roughly doubles per third of a stop).
 */
export const EXPOSURE_MODEL = {
  /** whiteEv above this: the highlights reach white (the "top" model), else the "headroom" model. */
  topAbove: Math.log2(0.97),
  headroom: { intercept: -0.389, white: -0.83, key: -0.145 },
  /** Clipped share at which the top model starts darkening, and stops per doubling of the clipped share. */
  top: { clippedFrom: 0.05, perDoubling: 0.35 },
  /**
   * Skin lightness of well-exposed faces on the corpus runs from L* 38 to 76 (skin tones differ):
   * exposure keeps a face within faceL ± faceTolerance.
   */
  faceL: 56,
  faceTolerance: 15,
  /** A face counts when the detector is this sure and it covers this share of the frame. */
  faceConfidence: 0.8,
  faceArea: 0.004,
  /** Night, stage and backlit scenes are dark on purpose: brighten at most this much without a face. */
  darkSceneMaxUp: 0.3,
} as const;

export type ExposureEstimate = {
  /** The correction in stops (positive brightens). */
  ev: number;
  /** 0..1: how sure (a face agreeing with the histogram is surer than the histogram alone). */
  confidence: number;
  /** The face's L* the estimate used, if a face decided it. */
  faceL: number | null;
  reason: string;
};

/** The histogram's view alone. */
export function histogramEv(stats: ToneStats): number {
  const m = EXPOSURE_MODEL;
  if (stats.whiteEv > m.topAbove) {
    // Clipping doubles for about every third of a stop of overexposure (measured on the tuning photos).
    return stats.clippedHigh <= m.top.clippedFrom ? 0 : -m.top.perDoubling * Math.log2(stats.clippedHigh / m.top.clippedFrom);
  }
  return m.headroom.intercept + m.headroom.white * stats.whiteEv + m.headroom.key * stats.keyEv;
}

/** The median skin lightness of the largest confident face (its centre: cheeks and nose, not hair). */
export function faceLightness(grid: PixelGrid, faces: ReadonlyArray<{ box: FractionBox; confidence: number }>): number | null {
  const m = EXPOSURE_MODEL;
  const face = [...faces].filter((f) => f.confidence >= m.faceConfidence && f.box.w * f.box.h >= m.faceArea).sort((a, b) => b.box.w * b.box.h - a.box.w * a.box.h)[0];
  if (!face) return null;
  const { x, y, w, h } = face.box;
  const y0 = medianLumIn(grid, { x: x + w * 0.25, y: y + h * 0.3, w: w * 0.5, h: h * 0.5 });
  return y0 === null ? null : lightness(y0);
}

const fmt = (ev: number) => `${ev > 0 ? '+' : ''}${ev.toFixed(1)} EV`;

/** Stops that bring a face from lightness `from` to lightness `to`. */
const evBetween = (from: number, to: number) => Math.log2(luminanceOf(to) / luminanceOf(from));

export function estimateExposure(grid: PixelGrid, stats: ToneStats, faces: ReadonlyArray<{ box: FractionBox; confidence: number }>, cues: readonly SceneCue[]): ExposureEstimate {
  const m = EXPOSURE_MODEL;
  let ev = histogramEv(stats);
  let confidence = Math.min(0.9, 0.45 + Math.abs(ev) * 0.35);
  let reason = stats.whiteEv > m.topAbove
    ? `${(stats.clippedHigh * 100).toFixed(1)}% of the frame is clipped to white`
    : `the brightest tones stop at L* ${Math.round(lightness(2 ** stats.whiteEv))} (${fmt(-stats.whiteEv)} short of white)`;
  const faceL = faceLightness(grid, faces);
  if (faceL !== null) {
    // Exposed for the face: whatever the histogram says, the face ends up within the band skin
    // tones occupy in finished photos (a dark suit or a bright window no longer decides).
    const low = evBetween(faceL, m.faceL - m.faceTolerance);
    const high = evBetween(faceL, m.faceL + m.faceTolerance);
    const clamped = Math.min(high, Math.max(low, ev));
    confidence = Math.min(0.95, confidence + (clamped === ev ? 0.1 : 0.05));
    if (clamped !== ev || Math.abs(ev) >= 0.2) reason = `faces at L* ${Math.round(faceL)}`;
    ev = clamped;
  } else if (ev > m.darkSceneMaxUp && cues.some((c) => c === 'night' || c === 'stage')) {
    ev = m.darkSceneMaxUp;
    confidence *= 0.7;
    reason += `; a ${cues.includes('night') ? 'night' : 'stage'} scene stays dark`;
  }
  const verdict = ev > 0 ? `underexposed by about ${Math.abs(ev).toFixed(1)} EV` : `overexposed by about ${Math.abs(ev).toFixed(1)} EV`;
  return { ev, confidence, faceL, reason: `${reason}, ${verdict}` };
}
