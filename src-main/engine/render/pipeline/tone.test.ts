import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { Recipe, RecipeStep } from '../../../contract/recipe.ts';
import { newRecipe, newStep } from '../../recipes/create.ts';
import { contrastSlope } from '../../recipes/ops/contrast.ts';
import { whiteBalanceGains } from '../../recipes/ops/white-balance.ts';
import { MAX_VALUE } from './pixels.ts';
import { planRender } from './render-plan.ts';
import type { PlannedPass } from './render-plan.ts';
import { runToneSplit, stopToneWorker, toneHelperCount, warmToneWorker } from './tone-split.ts';
import { srgbHighToP3InPlace } from './srgb-to-p3.ts';
import { curveTables, runTone, toneSteps } from './tone.ts';

const recipeOf = (steps: RecipeStep[]): Recipe => ({ ...newRecipe('6'.repeat(64)), steps, end: steps.length });

const curvesOf = (passes: PlannedPass[]) => toneSteps(passes).flatMap((s) => (s.kind === 'curve' ? [s] : []));

afterAll(() => stopToneWorker());

/** A deterministic pseudo-random image: every code path (clipping, greys, saturated) gets pixels. */
function noise(width: number, height: number): Uint16Array {
  const px = new Uint16Array(width * height * 3);
  let s = 12345;
  for (let i = 0; i < px.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    px[i] = s >>> 16;
  }
  return px;
}

describe('tone: one pass over the pixels', () => {
  it('folds contrast and white balance into exact per-channel tables', () => {
    const plan = planRender(recipeOf([newStep('contrast', { amount: 40 }), newStep('white-balance', { temperature: 30, tint: 0 })]), false);
    const tables = curveTables(curvesOf(plan.passes));
    expect(tables).toHaveLength(3);
    const k = contrastSlope(40);
    const gains = whiteBalanceGains({ temperature: 30, tint: 0 });
    for (const i of [0, 1000, 16384, 32768, 40000, 65535]) {
      for (const c of [0, 1, 2] as const) {
        const afterContrast = Math.min(1, Math.max(0, 0.5 + k * (i / MAX_VALUE - 0.5)));
        const expected = Math.round(Math.min(1, Math.max(0, afterContrast * gains[c])) * MAX_VALUE);
        expect(tables[c]![i], `level ${i} channel ${c}`).toBe(expected);
      }
    }
  });

  it('channel-blind curves share one table', () => {
    const plan = planRender(recipeOf([newStep('exposure', { ev: 1 }), newStep('contrast', { amount: -20 })]), false);
    expect(curveTables(curvesOf(plan.passes))).toHaveLength(1);
  });

  it('saturation -100 leaves every pixel grey', () => {
    const px = noise(64, 64);
    runTone(toneSteps(planRender(recipeOf([newStep('saturation', { amount: -100 })]), false).passes), px, { width: 64, height: 64 });
    for (let i = 0; i < px.length; i += 3) {
      expect(Math.max(px[i]!, px[i + 1]!, px[i + 2]!) - Math.min(px[i]!, px[i + 1]!, px[i + 2]!), `pixel ${i / 3}`).toBeLessThanOrEqual(2);
    }
  });

  it('splitting the image with the helper thread gives the same samples, bit for bit', async () => {
    const recipe = recipeOf([
      newStep('exposure', { ev: 0.6 }), newStep('contrast', { amount: 25 }), newStep('highlights-shadows', { highlights: -40, shadows: 30 }),
      newStep('white-balance', { temperature: -20, tint: 10 }), newStep('saturation', { amount: 35 }), newStep('vibrance', { amount: 40 }),
    ]);
    const plan = planRender(recipe, false);
    const [width, height] = [701, 503]; // odd sizes: the halves differ by a row
    const original = noise(width, height);
    await warmToneWorker();
    const alone = original.slice();
    runTone(toneSteps(plan.passes), alone, { width, height });
    const split = await runToneSplit({ data: original.slice(), width, height }, { recipe, forPreview: false, maxLongEdge: undefined, passes: plan.passes, from: 0, to: plan.passes.length });
    expect(Buffer.from(split.data.buffer, split.data.byteOffset, split.data.byteLength).equals(Buffer.from(alone.buffer))).toBe(true);
    // And the work was done: the input changed.
    expect(Buffer.from(alone.buffer).equals(Buffer.from(original.buffer))).toBe(false);
  });

  it('renders that find both helpers busy wait for one, and every result is still exact', async () => {
    const recipe = recipeOf([newStep('exposure', { ev: 0.3 }), newStep('contrast', { amount: -15 }), newStep('vibrance', { amount: 20 })]);
    const plan = planRender(recipe, false);
    const [width, height] = [700, 400];
    await warmToneWorker();
    const inputs = [1, 2, 3, 4].map((seed) => noise(width, height).map((v) => (v * seed) & 0xffff));
    const expected = inputs.map((input) => {
      const alone = input.slice();
      runTone(toneSteps(plan.passes), alone, { width, height });
      return alone;
    });
    // Four at once on two helpers: two wait.
    const results = await Promise.all(inputs.map((input) => runToneSplit({ data: input.slice(), width, height }, { recipe, forPreview: false, maxLongEdge: undefined, passes: plan.passes, from: 0, to: plan.passes.length })));
    results.forEach((result, i) => expect(Buffer.from(result.data.buffer).equals(Buffer.from(expected[i]!.buffer)), `render ${i}`).toBe(true));
  });

  it('one render at a time keeps one helper; a second starts only when two renders meet', async () => {
    const recipe = recipeOf([newStep('exposure', { ev: 0.3 })]);
    const plan = planRender(recipe, false);
    const [width, height] = [700, 400];
    const run = { recipe, forPreview: false, maxLongEdge: undefined, passes: plan.passes, from: 0, to: plan.passes.length };
    await stopToneWorker();
    await runToneSplit({ data: noise(width, height), width, height }, run);
    await runToneSplit({ data: noise(width, height), width, height }, run);
    expect(toneHelperCount()).toBe(1);
    await Promise.all([1, 2].map(() => runToneSplit({ data: noise(width, height), width, height }, run)));
    expect(toneHelperCount()).toBe(2);
  });

  it("sharp's own 16-bit buffer (which cannot be moved) is toned in place, band by band, exactly", async () => {
    const recipe = recipeOf([newStep('exposure', { ev: 0.5 }), newStep('highlights-shadows', { highlights: -30, shadows: 20 }), newStep('saturation', { amount: 20 })]);
    const plan = planRender(recipe, false);
    // 2600 x 1500: 11.7 M samples, more than one band (8 M), and the last band is a short one.
    const [width, height] = [2600, 1500];
    const bytes = new Uint8Array(width * height * 3);
    noise(width, height).forEach((v, i) => (bytes[i] = v >> 8));
    const { data } = await sharp(bytes, { raw: { width, height, channels: 3 } }).toColourspace('rgb16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
    const samples = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
    const alone = samples.slice();
    runTone(toneSteps(plan.passes), alone, { width, height });
    await warmToneWorker();
    const split = await runToneSplit({ data: samples, width, height }, { recipe, forPreview: false, maxLongEdge: undefined, passes: plan.passes, from: 0, to: plan.passes.length });
    expect(split.data).toBe(samples);
    expect(Buffer.from(split.data.buffer, split.data.byteOffset, split.data.byteLength).equals(Buffer.from(alone.buffer))).toBe(true);
  });

  it("sharp's 16-bit read of 8-bit sRGB is converted and toned on the helper, band by band, in place, exactly", async () => {
    const recipe = recipeOf([newStep('exposure', { ev: -0.2 }), newStep('vibrance', { amount: 30 })]);
    const plan = planRender(recipe, false);
    // 2600 x 1500: more than one band of 8 M samples, and the last band is a short one.
    const [width, height] = [2600, 1500];
    const noisy = new Uint8Array(width * height * 3);
    noise(width, height).forEach((v, i) => (noisy[i] = v >> 8));
    const { data } = await sharp(noisy, { raw: { width, height, channels: 3 } }).toColourspace('rgb16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
    const samples = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
    // The reference: the 8-bit levels, converted on their own, then toned.
    const alone = Uint16Array.from(noisy, (v) => v << 8);
    srgbHighToP3InPlace(alone);
    runTone(toneSteps(plan.passes), alone, { width, height });
    await warmToneWorker();
    const split = await runToneSplit({ data: samples, width, height }, { recipe, forPreview: false, maxLongEdge: undefined, passes: plan.passes, from: 0, to: plan.passes.length }, true);
    // Sharp's buffer cannot be moved: its rows went over and back a band at a time, into it.
    expect(split.data).toBe(samples);
    expect(Buffer.from(split.data.buffer, split.data.byteOffset, split.data.byteLength).equals(Buffer.from(alone.buffer))).toBe(true);
  });

  it('converting sRGB inside the split tone pass equals converting first, then toning', async () => {
    const recipe = recipeOf([newStep('exposure', { ev: -0.4 }), newStep('saturation', { amount: -30 }), newStep('vibrance', { amount: 50 })]);
    const plan = planRender(recipe, false);
    const [width, height] = [640, 481];
    const levels = Uint16Array.from(noise(width, height), (v) => v & 0xff00);
    await warmToneWorker();
    const alone = levels.slice();
    srgbHighToP3InPlace(alone);
    runTone(toneSteps(plan.passes), alone, { width, height });
    const split = await runToneSplit({ data: levels, width, height }, { recipe, forPreview: false, maxLongEdge: undefined, passes: plan.passes, from: 0, to: plan.passes.length }, true);
    expect(Buffer.from(split.data.buffer).equals(Buffer.from(alone.buffer))).toBe(true);
  });
});
