import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFault, cast, decodeRgb8, exposure, loadReference, toJpeg, type Rgb8 } from '../../../../test-support/enhance-faults.ts';
import { hasCorpus } from '../../../../test-support/corpus.ts';
import type { DetectedFace, EnhanceResult } from '../../../contract/index.ts';
import { linearToLab } from '../../recipes/colour-math.ts';
import { newRecipe, newStep } from '../../recipes/create.ts';
import { parseRecipe } from '../../recipes/validate.ts';
import { renderRecipe, stopToneWorker } from '../../render/pipeline/index.ts';
import { enhanceFor, pixelTasks } from '../analyze-image.ts';
import { OnnxPool } from '../onnx-pool.ts';
import type { RgbImage } from '../rgb-image.ts';
import { requireWeights } from '../test-weights.ts';
import { EXPOSURE_MODEL, faceLightness, histogramEv } from './exposure.ts';
import { toneStats } from './tone-stats.ts';
import { labPixels, meanDeltaE } from './delta-e.ts';
import { whiteBalanceParams } from './white-balance.ts';
import { pixelGrid } from './pixel-grid.ts';
import { enhanceToSteps } from './to-enhance-steps.ts';
import { ENHANCE_LIMITS } from './propose-enhance.ts';

const rgbOf = (image: Rgb8): RgbImage => ({ data: Buffer.from(image.data), width: image.width, height: image.height });

/** Delivered as a camera would (JPEG q95), decoded as analysis decodes it. */
async function delivered(image: Rgb8): Promise<{ jpeg: Buffer; rgb: RgbImage }> {
  const jpeg = await toJpeg(image);
  return { jpeg, rgb: rgbOf(await decodeRgb8(jpeg)) };
}

/** The recipe a photographer gets when accepting every proposal, rendered by the real renderer (PNG). */
async function renderProposal(jpeg: Buffer, result: EnhanceResult): Promise<{ bytes: Buffer; rgb: RgbImage }> {
  const recipe = { ...newRecipe('e'.repeat(64)), steps: [...enhanceToSteps(result, 0), newStep('output', { format: 'png' })] };
  const parsed = parseRecipe({ ...recipe, end: recipe.steps.length });
  const out = await renderRecipe({ buffer: jpeg }, parsed);
  return { bytes: out.data, rgb: rgbOf(await decodeRgb8(out.data)) };
}

/** Mean Lab b* (yellow-blue) of the brightest tenth of the frame: where a sunset's warmth is. */
function warmthOfHighlights(rgb: RgbImage): number {
  const grid = pixelGrid(rgb);
  const order = [...grid.lum.keys()].sort((a, b) => grid.lum[b]! - grid.lum[a]!).slice(0, Math.ceil(grid.lum.length / 10));
  return order.reduce((sum, k) => sum + linearToLab(grid.rgb[3 * k]!, grid.rgb[3 * k + 1]!, grid.rgb[3 * k + 2]!)[2], 0) / order.length;
}

describe.skipIf(!hasCorpus)('auto-enhance on corpus photos', () => {
  const pool = new OnnxPool();
  const analyse = async (rgb: RgbImage): Promise<{ faces: DetectedFace[]; result: EnhanceResult }> => {
    const faces = await pixelTasks.faces({ rgb, pool });
    return { faces, result: enhanceFor(rgb, faces, null) };
  };
  beforeAll(() => requireWeights('blazeface-back-256'));
  afterAll(async () => {
    await pool.close();
    await stopToneWorker();
  });

  // Finished photos (camera JPEGs, a portrait, a landscape): "do no harm" means no step at all.
  for (const rel of ['jpeg/camera/Oppo_R7_Plus.jpg', 'content/people/fr-obama.jpg', 'other/webp/Nikon_Coolpix_P7000.webp', 'content/near-dup/canon_hdr_NO.jpg']) {
    it(`${rel}: an already good photo gets no steps`, async () => {
      const { rgb } = await delivered(await loadReference(rel));
      const { result } = await analyse(rgb);
      expect(result.steps, JSON.stringify(result.reasons)).toEqual([]);
      expect(result.confidence).toBe(1);
      expect(result.reasons.length).toBeGreaterThan(0);
    });
  }

  it('a portrait lit for the face, made 1.3 stops too dark, is exposed for the face, not for the dark suit', async () => {
    const reference = await loadReference('content/people/fr-obama.jpg');
    const original = rgbOf(reference);
    const faces = await pixelTasks.faces({ rgb: original, pool });
    const faceBefore = faceLightness(pixelGrid(original), faces)!;
    const { jpeg, rgb } = await delivered(applyFault(reference, exposure(-1.3)));
    const { result } = await analyse(rgb);
    const step = result.steps.find((s) => s.op === 'exposure');
    expect(step?.reason).toMatch(/^faces at L\* \d+/);
    const dark = faceLightness(pixelGrid(rgb), faces)!;
    const after = faceLightness(pixelGrid((await renderProposal(jpeg, result)).rgb), faces)!;
    // Back within skin's range and near where the photographer had it; the suit and the dark
    // background (most of the frame) would have asked for much more.
    expect(dark).toBeLessThan(faceBefore - 12);
    expect(Math.abs(after - faceBefore)).toBeLessThan(8);
    expect(after).toBeGreaterThanOrEqual(41);
    expect(after).toBeLessThanOrEqual(71);
  });

  it('a face in shadow against a well-exposed frame is exposed for the face', async () => {
    const reference = await loadReference('content/people/fr-obama.jpg');
    const faces = await pixelTasks.faces({ rgb: rgbOf(reference), pool });
    const box = faces[0]!.box;
    // Backlight: the face (a soft ellipse around it) gets 2.5 stops less light; the frame, with its
    // white shirt and flags, stays as it was.
    const cx = box.x + box.w / 2, cy = box.y + box.h / 2;
    const shaded = { ...reference, data: new Uint8Array(reference.data) };
    const toLinear = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    const toEncoded = (v: number) => (v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055);
    for (let y = 0; y < reference.height; y++) {
      for (let x = 0; x < reference.width; x++) {
        const d = Math.hypot((x / reference.width - cx) / box.w, (y / reference.height - cy) / box.h);
        const gain = d <= 0.6 ? 2 ** -2.5 : d >= 1 ? 1 : 2 ** (-2.5 * (1 - (d - 0.6) / 0.4));
        const i = 3 * (y * reference.width + x);
        for (let c = 0; c < 3; c++) shaded.data[i + c] = Math.round(255 * toEncoded(toLinear(reference.data[i + c]! / 255) * gain));
      }
    }
    const { jpeg, rgb } = await delivered(shaded);
    const grid = pixelGrid(rgb);
    const faceBefore = faceLightness(grid, faces)!;
    expect(faceBefore).toBeLessThan(EXPOSURE_MODEL.faceL - EXPOSURE_MODEL.faceTolerance - 8);
    // The frame alone asks for less than a step's worth: a histogram-only auto would leave the face dark.
    expect(histogramEv(toneStats(grid))).toBeLessThan(ENHANCE_LIMITS.minEv);
    const { result } = await analyse(rgb);
    const step = result.steps.find((s) => s.op === 'exposure');
    expect(step?.reason).toMatch(/^faces at L\* \d+/);
    expect(step!.params.ev).toBeGreaterThan(0.5);
    const after = faceLightness(pixelGrid((await renderProposal(jpeg, result)).rgb), faces)!;
    expect(after).toBeGreaterThanOrEqual(EXPOSURE_MODEL.faceL - EXPOSURE_MODEL.faceTolerance - 2);
  });

  it('a sunset keeps its warmth: no cooling white balance, warm highlights stay warm', async () => {
    const reference = await loadReference('jpeg/camera/Nokia_Lumia_800.jpg');
    const { jpeg, rgb } = await delivered(reference);
    const { result } = await analyse(rgb);
    expect(result.scene.join(' ')).toMatch(/sunset/);
    const wb = result.steps.find((s) => s.op === 'white-balance');
    expect(wb === undefined || wb.params.temperature! >= 0).toBe(true);
    const before = warmthOfHighlights(rgb);
    expect(before).toBeGreaterThan(10);
    expect(warmthOfHighlights((await renderProposal(jpeg, result)).rgb)).toBeGreaterThan(before - 1);
  });

  // Oppo_R7_Plus is one of the tuning photos; the fault sizes are the benchmark's.
  for (const [label, gains] of [['warm', [1.25, 1, 0.75]], ['cool', [0.8, 1, 1.3]], ['green', [1, 1.2, 1]]] as const) {
    it(`a ${label} cast of known channel gains is undone: the exact inverse within a few points, most of the error gone`, async () => {
      const reference = await loadReference('jpeg/camera/Oppo_R7_Plus.jpg');
      const { jpeg, rgb } = await delivered(applyFault(reference, cast(gains[0], gains[1], gains[2])));
      const { result } = await analyse(rgb);
      const wb = result.steps.find((s) => s.op === 'white-balance');
      const exact = whiteBalanceParams({ u: Math.log(gains[0] / gains[1]), v: Math.log(gains[2] / gains[1]) });
      expect(wb, JSON.stringify(result.reasons)).toBeDefined();
      expect(Math.abs(wb!.params.temperature! - exact.temperature)).toBeLessThanOrEqual(8);
      expect(Math.abs(wb!.params.tint! - exact.tint)).toBeLessThanOrEqual(8);
      expect(wb!.reason).toMatch(/cast|tint/);
      const target = labPixels(reference.data, 3);
      const after = meanDeltaE(target, (await renderProposal(jpeg, result)).rgb.data, 3);
      expect(after).toBeLessThan(0.4 * meanDeltaE(target, rgb.data, 3));
    });
  }

  it('a photo 0.7 stop too bright, its highlights clipped, is darkened by about that much', async () => {
    const { rgb } = await delivered(applyFault(await loadReference('jpeg/camera/Oppo_R7_Plus.jpg'), exposure(0.7)));
    const { result } = await analyse(rgb);
    const step = result.steps.find((s) => s.op === 'exposure');
    expect(step?.reason).toMatch(/clipped to white.*overexposed/);
    expect(step!.params.ev).toBeGreaterThanOrEqual(-0.9);
    expect(step!.params.ev).toBeLessThanOrEqual(-0.55);
  });

  it('proposes the same steps every time, and they replay byte for byte from a stored recipe', async () => {
    const reference = await loadReference('jpeg/camera/Oppo_R7_Plus.jpg');
    const { jpeg, rgb } = await delivered(applyFault(reference, (r, g, b) => [0.75 * r + 0.045, 0.75 * g + 0.045, 0.75 * b + 0.045]));
    const first = (await analyse(rgb)).result;
    const second = (await analyse(rgb)).result;
    expect(second).toEqual(first);
    // The veil (blacks at 4.5% linear) is taken out by a black point of about that level.
    expect(first.steps.find((s) => s.op === 'black-point')?.params.level).toBeCloseTo(4.5, 0);
    const rendered = await renderProposal(jpeg, first);
    // As stored: the recipe JSON (resolved params, no model needed) read back and rendered again.
    const stored = JSON.parse(JSON.stringify({ steps: [...enhanceToSteps(first, 0), newStep('output', { format: 'png' })] })) as { steps: unknown[] };
    const replayed = await renderRecipe({ buffer: jpeg }, parseRecipe({ schema: 1, original: { sha256: 'e'.repeat(64) }, steps: stored.steps, end: stored.steps.length }));
    expect(replayed.data.equals(rendered.bytes)).toBe(true);
    expect((await renderProposal(jpeg, first)).bytes.equals(rendered.bytes)).toBe(true);
  });
});
