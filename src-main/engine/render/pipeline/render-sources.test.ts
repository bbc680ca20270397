import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../../test-support/corpus.ts';
import type { Recipe, RecipeStep } from '../../../contract/recipe.ts';
import { openImage, stopHeicWorker } from '../../media/index.ts';
import { newRecipe, newStep } from '../../recipes/create.ts';
import { exportTarget } from './export-targets.ts';
import { renderPreview, renderRecipe } from './render-recipe.ts';
import { dHash, deltaE76Stats, hamming, meanColour } from './testing/colour-difference.ts';
import { readIcc } from './testing/icc.ts';

const recipeOf = (steps: RecipeStep[]): Recipe => ({ ...newRecipe('4'.repeat(64)), steps, end: steps.length });
const pngOut = (colourSpace = 'srgb') => newStep('output', { format: 'png', quality: 100, tiffBitDepth: 8, colourSpace });
const longEdge = (n: number) => newStep('resize', { mode: 'long-edge', longEdge: n, allowUpscale: false });

async function fingerprint(data: Buffer) {
  const raw = await sharp(data).removeAlpha().raw().toBuffer();
  const grey = await sharp(data).greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer();
  const meta = await sharp(data).metadata();
  return { mean: meanColour(raw), hash: dHash(grey), width: meta.width, height: meta.height };
}

afterAll(() => stopHeicWorker());

describe.skipIf(!hasCorpus)('render: originals through media/openImage', () => {
  it('renders a Display P3 HEIC (which sharp alone cannot decode) to sRGB without a colour shift', async () => {
    const file = corpusPath('heic/iphone_IMG_5195.HEIC');
    const out = await renderRecipe({ path: file }, recipeOf([longEdge(400), pngOut()]));
    expect([out.info.width, out.info.height]).toEqual([310, 400]);
    // Reference: openImage's own pipeline, converted by sharp from the embedded P3 profile to sRGB.
    const reference = await (await openImage(file)).pipeline().resize(310, 400, { fit: 'fill', kernel: 'lanczos3' }).toColourspace('srgb').raw().toBuffer();
    const d = deltaE76Stats(await sharp(out.data).raw().toBuffer(), reference);
    expect(d.shift, `shift ${d.shift}`).toBeLessThan(0.6);
    expect(d.mean, `mean ${d.mean}`).toBeLessThan(1.5);
  });

  it('a HEIC rendered to Display P3 embeds the P3 profile, and twice gives the same bytes', async () => {
    const file = { path: corpusPath('heic/Stonehenge_NikonD5300.heic') };
    const recipe = recipeOf([newStep('crop', { x: 0.1, y: 0.1, w: 0.8, h: 0.8 }), newStep('saturation', { amount: 20 }), newStep('output', { format: 'jpeg', quality: 90, tiffBitDepth: 8, colourSpace: 'display-p3' })]);
    const a = await renderRecipe(file, recipe);
    const b = await renderRecipe(file, recipe);
    expect(a.info).toMatchObject({ width: 240, height: 160 });
    expect(readIcc((await sharp(a.data).metadata()).icc!).red[0]).toBeCloseTo(0.515, 2);
    expect(a.data.equals(b.data)).toBe(true);
  });

  it('the same full recipe on a corpus JPEG twice gives byte-identical output', async () => {
    const file = { path: corpusPath('jpeg/orientation/Landscape_6.jpg') };
    const recipe = recipeOf([
      newStep('crop', { x: 0.1, y: 0.05, w: 0.7, h: 0.8, angle: 3 }),
      newStep('rotate', { turn: '180', flipH: true, flipV: false }),
      newStep('exposure', { ev: 0.5 }), newStep('contrast', { amount: 20 }), newStep('highlights-shadows', { highlights: -20, shadows: 20 }),
      newStep('white-balance', { temperature: 10, tint: 5 }), newStep('saturation', { amount: 10 }), newStep('vibrance', { amount: 15 }),
      longEdge(700), newStep('sharpen', { amount: 30, radius: 1 }),
      newStep('watermark', { text: '© Lightbox', position: 'bottom', opacity: 0.5, fontSize: 0.04, colour: '#ffffff' }),
      newStep('output', { format: 'webp', quality: 82, tiffBitDepth: 8, colourSpace: 'srgb' }),
    ]);
    const a = await renderRecipe(file, recipe, { target: exportTarget('portrait-4x5', 'extend', 'blur') });
    const b = await renderRecipe(file, recipe, { target: exportTarget('portrait-4x5', 'extend', 'blur') });
    expect(a.data.equals(b.data)).toBe(true);
    expect(a.info.width / a.info.height).toBeCloseTo(4 / 5, 2);
  });

  it('crops land on the same content for all eight EXIF orientations when the original is read at output size', async () => {
    // The same waterfall region as render-corpus.test.ts, but with a resize, so the crop and the
    // resize happen inside the decoder (and orientations 2 and 4 need their crop mirrored).
    const recipe = recipeOf([newStep('crop', { x: 0.55, y: 0.12, w: 0.3, h: 0.6 }), longEdge(200), pngOut()]);
    const prints = [];
    for (let o = 1; o <= 8; o++) prints.push(await fingerprint((await renderRecipe({ path: corpusPath(`jpeg/orientation/Landscape_${o}.jpg`) }, recipe)).data));
    const ref = prints[0]!;
    expect([ref.width, ref.height]).toEqual([150, 200]);
    prints.forEach((p, i) => {
      expect([p.width, p.height], `orientation ${i + 1}`).toEqual([150, 200]);
      p.mean.forEach((c, k) => expect(Math.abs(c - ref.mean[k]!), `orientation ${i + 1} channel ${k}`).toBeLessThan(3));
      expect(hamming(p.hash, ref.hash), `orientation ${i + 1} dHash`).toBeLessThanOrEqual(4);
    });
  });

  it('the preview path caps the long edge when asked and keeps the framing', async () => {
    const original = corpusPath('jpeg/orientation/Landscape_3.jpg');
    const recipe = recipeOf([newStep('crop', { x: 0.2, y: 0.1, w: 0.6, h: 0.8 }), newStep('exposure', { ev: 0.3 }), pngOut()]);
    const preview = await renderPreview(original, recipe, { maxLongEdge: 300 });
    expect([preview.info.width, preview.info.height]).toEqual([300, 267]);
    const full = await fingerprint((await renderRecipe({ path: original }, recipe)).data);
    expect(hamming((await fingerprint(preview.data)).hash, full.hash)).toBeLessThanOrEqual(4);
  });
});

describe('render: export target backdrop', () => {
  it('a large extend canvas gets a blurred, darkened backdrop (computed small, scaled up)', async () => {
    // Left half red, right half blue: the blurred backdrop must be dark and mixed at the centre line.
    const raw = Buffer.alloc(1200 * 800 * 3);
    for (let i = 0; i < 1200 * 800; i++) raw.set((i % 1200) < 600 ? [220, 20, 20] : [20, 20, 220], i * 3);
    const input = { buffer: await sharp(raw, { raw: { width: 1200, height: 800, channels: 3 } }).png().toBuffer() };
    const out = await renderRecipe(input, recipeOf([pngOut()]), { target: exportTarget('story-9x16', 'extend', 'blur') });
    expect([out.info.width, out.info.height]).toEqual([1200, 2133]);
    const { data } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [...data.subarray((y * 1200 + x) * 3, (y * 1200 + x) * 3 + 3)];
    // Top band (backdrop), far left: red, darkened to about 55%.
    const [r, , b] = at(30, 100);
    expect(r).toBeGreaterThan(90);
    expect(r).toBeLessThan(180);
    expect(b).toBeLessThan(60);
    // At the centre line the blur mixes red and blue; in the photo itself the edge stays sharp.
    const mid = at(600, 100);
    expect(Math.abs(mid[0]! - mid[2]!)).toBeLessThan(40);
    expect(at(598, 1066)[0]).toBeGreaterThan(200);
    expect(at(602, 1066)[2]).toBeGreaterThan(200);
  });
});
