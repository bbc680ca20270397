import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Recipe, RecipeStep } from '../../../contract/recipe.ts';
import { newRecipe, newStep } from '../../recipes/create.ts';
import { ADOBE_RGB_DESCRIPTION, buildAdobeRgbCompatibleProfile } from './adobe-rgb-profile.ts';
import { renderRecipe } from './render-recipe.ts';
import { deltaE } from './testing/colour-difference.ts';
import { readIcc } from './testing/icc.ts';

/** Red colorants (D50) that tell the three output spaces apart. */
const RED_X = { srgb: 0.436, 'display-p3': 0.515, 'adobe-rgb': 0.61 } as const;

const photo = () => {
  const w = 48, h = 32;
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set([(x * 5) % 256, (y * 8) % 256, ((x + y) * 3) % 256], (y * w + x) * 3);
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
};

const withOutput = (output: Record<string, unknown>, steps: RecipeStep[] = []): Recipe => {
  const all = [...steps, newStep('output', { format: 'jpeg', quality: 90, tiffBitDepth: 8, colourSpace: 'srgb', ...output })];
  return { ...newRecipe('1'.repeat(64)), steps: all, end: all.length };
};

const SHARP_FORMAT = { jpeg: 'jpeg', webp: 'webp', avif: 'heif', tiff: 'tiff', png: 'png' } as const;

describe('render: output encode', () => {
  for (const format of ['jpeg', 'webp', 'avif', 'tiff', 'png'] as const) {
    for (const colourSpace of ['srgb', 'display-p3', 'adobe-rgb'] as const) {
      it(`${format} in ${colourSpace} decodes with that format and an embedded ${colourSpace} profile`, async () => {
        const out = await renderRecipe({ buffer: await photo() }, withOutput({ format, colourSpace }));
        const meta = await sharp(out.data).metadata();
        expect(meta.format).toBe(SHARP_FORMAT[format]);
        expect(out.info).toEqual({ format, width: 48, height: 32, size: out.data.length });
        expect(out.contentType).toBe(`image/${format}`);
        expect(meta.icc, 'ICC profile embedded').toBeInstanceOf(Buffer);
        const icc = readIcc(meta.icc!);
        expect(icc.red[0]).toBeCloseTo(RED_X[colourSpace], 2);
        if (colourSpace === 'adobe-rgb') expect(icc.description).toBe(ADOBE_RGB_DESCRIPTION);
      });
    }
  }

  it('writes 16-bit TIFF when asked, 8-bit otherwise', async () => {
    const input = { buffer: await photo() };
    const deep = await sharp((await renderRecipe(input, withOutput({ format: 'tiff', tiffBitDepth: 16, colourSpace: 'display-p3' }))).data).metadata();
    expect(deep.depth).toBe('ushort');
    expect(readIcc(deep.icc!).red[0]).toBeCloseTo(RED_X['display-p3'], 2);
    const shallow = await sharp((await renderRecipe(input, withOutput({ format: 'tiff', tiffBitDepth: 8 }))).data).metadata();
    expect(shallow.depth).toBe('uchar');
  });

  it('a P3 or Adobe RGB render shows the same colours as the sRGB render once colour-managed', async () => {
    const input = { buffer: await photo() };
    const srgb = await sharp((await renderRecipe(input, withOutput({ format: 'png' }))).data).raw().toBuffer();
    for (const colourSpace of ['display-p3', 'adobe-rgb'] as const) {
      const wide = await sharp((await renderRecipe(input, withOutput({ format: 'png', colourSpace }))).data).raw().toBuffer(); // sharp converts to sRGB via the embedded profile
      const d = deltaE(srgb, wide);
      expect(d.mean, colourSpace).toBeLessThan(0.5);
      expect(d.max, colourSpace).toBeLessThan(2.3);
    }
  });

  it('renders byte-identical files twice in a row, for every format', async () => {
    const input = { buffer: await photo() };
    const steps = [newStep('crop', { x: 0.1, y: 0.1, w: 0.8, h: 0.7, angle: 4 }), newStep('vibrance', { amount: 30 }), newStep('exposure', { ev: 0.3 }), newStep('sharpen', { amount: 40, radius: 1 })];
    for (const format of ['jpeg', 'webp', 'avif', 'tiff', 'png'] as const) {
      const recipe = withOutput({ format, colourSpace: 'display-p3', quality: 80 }, steps);
      const a = await renderRecipe(input, recipe);
      const b = await renderRecipe(input, recipe);
      expect(a.data.equals(b.data), format).toBe(true);
    }
  });

  it('builds a deterministic Adobe RGB (1998)-compatible profile with the published colorants', () => {
    const icc = buildAdobeRgbCompatibleProfile();
    expect(icc.equals(buildAdobeRgbCompatibleProfile())).toBe(true);
    expect(icc.readUInt32BE(0)).toBe(icc.length);
    expect(icc.toString('latin1', 36, 40)).toBe('acsp');
    const { red } = readIcc(icc);
    // Adobe's own profile stores 0.6097 0.3111 0.0195 (D50-adapted).
    expect(red[0]).toBeCloseTo(0.6097, 3);
    expect(red[1]).toBeCloseTo(0.3111, 3);
    expect(red[2]).toBeCloseTo(0.0195, 3);
  });
});
