import type { EnhanceResult, EnhanceStepProposal } from '../../../contract/enhance.ts';
import type { RgbImage } from '../rgb-image.ts';
import { estimateColour } from './colour.ts';
import { meanGridDeltaE } from './grid-delta-e.ts';
import { estimateExposure, withinProposableEv } from './exposure.ts';
import { brightPixels } from './illuminant.ts';
import { pixelGrid, type FractionBox, type PixelGrid } from './pixel-grid.ts';
import { sceneCues } from './scene.ts';
import { simulate, type ToneEdit } from './simulate.ts';
import { estimateVeil, encodedHistogram, fitToneOps, removeVeil, veilTarget, type Veil } from './tone-fit.ts';
import { lightness, regionWeights, toneStats } from './tone-stats.ts';
import { estimateWhiteBalance, WB_MODEL, whiteBalanceParams } from './white-balance.ts';

/** The model version recorded on auto-enhance steps (the recipe's `ai:` source, with contract/enhance.ts ENHANCE_MODEL_ID). */
export const ENHANCE_MODEL_VERSION = '2';

export type EnhanceContext = {
  faces: ReadonlyArray<{ box: FractionBox; confidence: number }>;
  subject: FractionBox | null;
  objects: ReadonlyArray<{ label: string; confidence: number }>;
  tags: ReadonlyArray<{ label: string; probability: number }>;
};

/** How sure a black point is: the veil reading is direct (the darkest tones), but a scene's own darkest tones are not always black. */
const VEIL_CONFIDENCE = 0.6;

/**
 * "Do no harm" thresholds: brightening under `minEv`, darkening under `minEvDown`, or a proposal
 * whose whole effect on the photo is under `minDeltaE` (mean CIEDE2000 over the frame, simulated)
 * is not worth a step. Darkening needs more: the exposure model reads it off clipped highlights,
 * and a bright sky or lamps clip in finished photos too (on the tuning photos, references with
 * such highlights read -0.6 EV; darkened by that much they were 7-9 ΔE off).
 */
export const ENHANCE_LIMITS = { minEv: 0.5, minEvDown: 0.7, minContrast: 6, minHighlightsShadows: 6, minDeltaE: 1.2, maxNewClipping: 0.02 } as const;

/** To a multiple of `step` (1/step a whole number), without float noise: 1.15, not 1.1500000000000001. */
const round = (v: number, step: number) => Math.round(v / step) / Math.round(1 / step);

/**
 * The enhance analysis of one photo, on the analysis image already decoded (oriented sRGB, <= 1024 px).
 * White balance first (every later judgement is about tones, and a cast skews them), then any veil
 * (a black point and the exposure it took), then exposure, then colour; each estimate sees the photo as the edits
 * before it leave it (simulate.ts). A photo that needs nothing gets no steps.
 */
export function proposeEnhance(image: RgbImage, context: EnhanceContext): EnhanceResult {
  const grid = pixelGrid(image, 12_000);
  const original = toneStats(grid);
  const bright = brightPixels(grid);
  // The scene is judged without any haze over it: a veil lifts a night's or a stage's shadows.
  const hazy = estimateVeil(original.blackMin, original.meanLum);
  const sceneStats = hazy ? toneStats(withoutVeil(grid, hazy)) : original;
  const scene = sceneCues({ stats: sceneStats, bright, objects: context.objects, tags: context.tags });
  const cues = scene.cues;
  const proposals: EnhanceStepProposal[] = [];
  const edits: ToneEdit[] = [];

  const wb = estimateWhiteBalance(grid, context.faces, cues, pixelGrid(image, WB_MODEL.fineBlocks));
  if (wb.strength > 0) {
    const params = whiteBalanceParams({ u: wb.cast.u * wb.strength, v: wb.cast.v * wb.strength });
    if (params.temperature !== 0 || params.tint !== 0) {
      edits.push({ op: 'white-balance', params });
      proposals.push({ op: 'white-balance', params, confidence: wb.confidence, reason: wb.reason });
    }
  }

  const balanced = simulate(grid, edits);
  const balancedStats = toneStats(balanced);
  const veil = estimateVeil(balancedStats.blackMin, balancedStats.meanLum);
  const cleared = veil ? withoutVeil(balanced, veil) : balanced;
  const boxes = [...context.faces.filter((f) => f.confidence >= 0.7).map((f) => f.box), ...(context.subject ? [context.subject] : [])];
  const stats = toneStats(cleared, regionWeights(cleared, boxes, 3));
  const exposure = estimateExposure(cleared, stats, context.faces, cues);
  const ev = exposure.ev >= ENHANCE_LIMITS.minEv || -exposure.ev >= ENHANCE_LIMITS.minEvDown ? exposure.ev : 0;
  if (veil) {
    // Flare adds light evenly: the black point takes exactly that light out (white stays white), and
    // exposure gives back the brightness the veil took from the scene, plus any correction the
    // exposure model still sees on the photo without it.
    const reason = `blacks lifted to L* ${Math.round(lightness(balancedStats.blackMin))} by haze or flare`;
    pushTone(edits, proposals, 'black-point', { level: round(veil.level * 100, 0.1) }, VEIL_CONFIDENCE, reason);
    const total = ev + Math.log2((1 - veil.level) / (1 - veil.share));
    if (Math.abs(total) >= 0.05) pushTone(edits, proposals, 'exposure', { ev: round(withinProposableEv(total), 0.05) }, exposure.confidence, ev !== 0 ? exposure.reason : `${reason}; the light the haze took from the scene given back`);
  } else if (ev > 0 && exposure.faceL !== null && newlyClipped(cleared, ev) > ENHANCE_LIMITS.maxNewClipping) {
    // Brightening for a face in shadow would blow the bright background: the same exposure with a
    // shoulder instead of clipping, fitted with exposure and highlights/shadows together.
    const fit = fitToneOps(veilTarget({ level: 0, share: 0 }, ev), encodedHistogram(balanced), { ev });
    pushTone(edits, proposals, 'exposure', { ev: round(withinProposableEv(fit.ev), 0.05) }, exposure.confidence, exposure.reason);
    if (Math.max(Math.abs(fit.shadows), Math.abs(fit.highlights)) >= ENHANCE_LIMITS.minHighlightsShadows) {
      pushTone(edits, proposals, 'highlights-shadows', { highlights: Math.round(fit.highlights), shadows: Math.round(fit.shadows) }, exposure.confidence * 0.9, 'highlights held back so the brighter face does not blow the background');
    }
  } else if (ev !== 0) {
    pushTone(edits, proposals, 'exposure', { ev: round(ev, 0.05) }, exposure.confidence, exposure.reason);
  }

  // Veiling glare washes colours out too; the black point gives most of them back, vibrance what is still muted.
  const colour = veil ? estimateColour(toneStats(simulate(grid, edits)).chroma, cues) : null;
  if (colour) pushTone(edits, proposals, 'vibrance', { amount: colour.vibrance }, colour.confidence, colour.reason);

  // Do no harm: a proposal that changes the photo less than a glance would notice is dropped whole.
  const final = simulate(grid, edits);
  const change = meanGridDeltaE(grid, final);
  const keep = change >= ENHANCE_LIMITS.minDeltaE ? proposals : [];
  const measures = {
    keyEv: round(original.keyEv, 0.001),
    whiteEv: round(original.whiteEv, 0.001),
    neutral: { u: round(wb.cast.u, 0.001), v: round(wb.cast.v, 0.001) },
    faceL: exposure.faceL === null ? null : round(exposure.faceL, 0.1),
  };
  return {
    steps: keep.map((p) => ({ ...p, confidence: round(p.confidence, 0.001) })),
    confidence: keep.length ? round(Math.min(...keep.map((p) => p.confidence)), 0.001) : 1,
    reasons: keep.length ? keep.map((p) => p.reason) : [proposals.length ? `the proposed changes are too small to see (mean ΔE ${change.toFixed(1)})` : 'exposure, contrast and colour look right'],
    scene: scene.evidence,
    measures,
  };
}

function pushTone(edits: ToneEdit[], proposals: EnhanceStepProposal[], op: EnhanceStepProposal['op'], params: Record<string, number>, confidence: number, reason: string): void {
  edits.push({ op, params });
  proposals.push({ op, params, confidence: Math.max(0, Math.min(1, confidence)), reason });
}

/** Share of blocks that `ev` more would push past white (that were not there already). */
function newlyClipped(grid: PixelGrid, ev: number): number {
  const gain = 2 ** ev;
  let n = 0;
  for (let k = 0; k < grid.lum.length; k++) {
    const hi = Math.max(grid.rgb[3 * k]!, grid.rgb[3 * k + 1]!, grid.rgb[3 * k + 2]!);
    if (hi < 0.98 && hi * gain >= 1) n++;
  }
  return n / grid.lum.length;
}

function withoutVeil(grid: PixelGrid, veil: Veil): PixelGrid {
  const rgb = grid.rgb.map((v) => removeVeil(v, veil));
  const lum = new Float32Array(grid.lum.length);
  for (let k = 0; k < lum.length; k++) lum[k] = 0.2126 * rgb[3 * k]! + 0.7152 * rgb[3 * k + 1]! + 0.0722 * rgb[3 * k + 2]!;
  return { ...grid, rgb, lum };
}
