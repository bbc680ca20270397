import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Recipe } from '../../../contract/recipe.ts';
import { newRecipe, newStep } from '../../recipes/create.ts';
import { EXPORT_TARGET_IDS, TARGET_ASPECTS, exportTarget } from './export-targets.ts';
import { renderRecipe } from './render-recipe.ts';

const recipe = (): Recipe => {
  const steps = [newStep('crop', { x: 0.1, y: 0.1, w: 0.8, h: 0.7 }), newStep('output', { format: 'png', quality: 100, tiffBitDepth: 8, colourSpace: 'srgb' })];
  return { ...newRecipe('5'.repeat(64)), steps, end: steps.length };
};

const input = async () => ({
  buffer: await sharp({ create: { width: 331, height: 217, channels: 3, background: { r: 200, g: 60, b: 40 } } }).png().toBuffer(),
});

describe('export targets', () => {
  for (const id of EXPORT_TARGET_IDS) {
    for (const [strategy, background] of [['crop', 'blur'], ['extend', 'blur'], ['extend', '#ffffff']] as const) {
      it(`${id} by ${strategy}${strategy === 'extend' ? ` on ${background}` : ''} has the right aspect within 1 px`, async () => {
        const out = await renderRecipe(await input(), recipe(), { target: exportTarget(id, strategy, background) });
        const { width, height } = out.info;
        const aspect = TARGET_ASPECTS[id];
        expect(Math.abs(width - height * aspect)).toBeLessThanOrEqual(1);
        // The recipe crop is 265x152: crop shrinks one side, extend grows one side.
        if (strategy === 'crop') expect(width <= 265 && height <= 152 && (width === 265 || height === 152)).toBe(true);
        else expect(width >= 265 && height >= 152 && (width === 265 || height === 152)).toBe(true);
      });
    }
  }

  it('extend on a colour pads with exactly that colour and keeps the photo in the middle', async () => {
    const out = await renderRecipe(await input(), recipe(), { target: exportTarget('square', 'extend', '#ffffff') });
    const { data, info } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
    expect([info.width, info.height]).toEqual([265, 265]);
    expect(at(0, 0)).toEqual([255, 255, 255]);
    expect(at(132, 132).map((v, i) => Math.abs(v - [200, 60, 40][i]!)).every((d) => d <= 2)).toBe(true);
  });

  it('extend on blur pads with a darkened copy of the photo', async () => {
    const out = await renderRecipe(await input(), recipe(), { target: exportTarget('story-9x16', 'extend', 'blur') });
    const { data, info } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
    const [r, g] = [...data.subarray((2 * info.width + 2) * 3, (2 * info.width + 2) * 3 + 2)];
    expect(r!).toBeLessThan(200 - 20);
    expect(r!).toBeGreaterThan(g! + 40);
  });
});
