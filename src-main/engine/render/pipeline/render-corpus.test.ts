import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../../test-support/corpus.ts';
import type { Recipe, RecipeStep } from '../../../contract/recipe.ts';
import { newRecipe, newStep } from '../../recipes/create.ts';
import { parseRecipe } from '../../recipes/validate.ts';
import { readIcc } from './testing/icc.ts';
import { renderPreview, renderRecipe } from './render-recipe.ts';
import { dHash, deltaE, hamming, meanColour } from './testing/colour-difference.ts';

const recipeOf = (steps: RecipeStep[]): Recipe => ({ ...newRecipe('2'.repeat(64)), steps, end: steps.length });
const pngOut = newStep('output', { format: 'png', quality: 100, tiffBitDepth: 8, colourSpace: 'srgb' });

async function fingerprint(data: Buffer) {
  const raw = await sharp(data).removeAlpha().raw().toBuffer();
  const grey = await sharp(data).greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer();
  const meta = await sharp(data).metadata();
  return { mean: meanColour(raw), hash: dHash(grey), width: meta.width, height: meta.height };
}

describe.skipIf(!hasCorpus)('render: corpus photos', () => {
  it('a crop on the oriented image lands on the same content for all eight EXIF orientations', async () => {
    // The waterfall, clear of the orientation labels and the digit drawn in each file.
    const recipe = recipeOf([newStep('crop', { x: 0.55, y: 0.12, w: 0.3, h: 0.6 }), pngOut]);
    const prints = [];
    for (let o = 1; o <= 8; o++) prints.push(await fingerprint((await renderRecipe({ path: corpusPath(`jpeg/orientation/Landscape_${o}.jpg`) }, recipe)).data));
    const ref = prints[0]!;
    expect([ref.width, ref.height]).toEqual([540, 720]);
    prints.forEach((p, i) => {
      expect([p.width, p.height], `orientation ${i + 1}`).toEqual([ref.width, ref.height]);
      p.mean.forEach((c, k) => expect(Math.abs(c - ref.mean[k]!), `orientation ${i + 1} channel ${k}`).toBeLessThan(3));
      expect(hamming(p.hash, ref.hash), `orientation ${i + 1} dHash`).toBeLessThanOrEqual(4);
    });
    // And a different crop really is different content.
    const other = await fingerprint((await renderRecipe({ path: corpusPath('jpeg/orientation/Landscape_1.jpg') }, recipeOf([newStep('crop', { x: 0.05, y: 0.12, w: 0.3, h: 0.6 }), pngOut]))).data);
    expect(hamming(other.hash, ref.hash)).toBeGreaterThan(12);
  });

  for (const file of ['other/png/p3.png', 'jpeg/colorspace/libvips-sample-A98.jpg', 'other/png/prophoto.png', 'jpeg/colorspace/CMYK_with_profile.jpg']) {
    it(`${file} renders to sRGB without a visible colour shift against sharp's own ICC conversion`, async () => {
      const ours = await sharp((await renderRecipe({ path: corpusPath(file) }, recipeOf([pngOut]))).data).raw().toBuffer();
      const reference = await sharp(corpusPath(file)).autoOrient().flatten({ background: '#ffffff' }).removeAlpha().raw().toBuffer();
      const d = deltaE(ours, reference);
      // Both go through lcms with perceptual intent; ours via the 16-bit P3 working space, so
      // rounding differs a little. Mean ΔE76 under 1.5 and no pixel past 3 is not visible.
      expect(d.mean).toBeLessThan(1.5);
      expect(d.max).toBeLessThan(3);
    });
  }

  it('Adobe RGB in, Display P3 out: the P3 profile is embedded and the colours hold', async () => {
    const file = corpusPath('jpeg/colorspace/libvips-sample-A98.jpg');
    const out = await renderRecipe({ path: file }, recipeOf([newStep('output', { format: 'jpeg', quality: 95, tiffBitDepth: 8, colourSpace: 'display-p3' })]));
    const meta = await sharp(out.data).metadata();
    expect(readIcc(meta.icc!).red[0]).toBeCloseTo(0.515, 2);
    const d = deltaE(await sharp(out.data).raw().toBuffer(), await sharp(file).raw().toBuffer());
    expect(d.mean).toBeLessThan(1.5);
  });

  it('a recipe with every older op version loads and renders exactly like its migrated form', async () => {
    const file = { path: corpusPath('jpeg/orientation/Landscape_6.jpg') };
    const legacy = {
      schema: 1,
      original: { sha256: '3'.repeat(64) },
      steps: [
        // Oriented 1800x1200; the old UI showed a 600x900 preview turned clockwise.
        { op: 'crop', v: 1, enabled: true, source: 'user', params: { left: 60, top: 90, width: 300, height: 450, previewWidth: 600, previewHeight: 900, rotation: 1 } },
        { op: 'exposure', v: 1, enabled: true, source: 'preset:old-look', params: { thirds: 2 } },
        { op: 'output', v: 1, enabled: true, source: 'user', params: { format: 'png', quality: 100, tiffBitDepth: 8, colourSpace: 'srgb' } },
      ],
      end: 3,
    };
    const migrated = parseRecipe(legacy);
    expect(migrated.steps.map((s) => `${s.op}@${s.v}`)).toEqual(['crop@2', 'exposure@2', 'output@2']);
    expect(migrated.steps[2]!.params).toMatchObject({ format: 'png', metadata: 'folder' });
    const crop = migrated.steps[0]!.params as Record<string, number>;
    expect(crop.x).toBeCloseTo(0.1, 12);
    expect(crop.y).toBeCloseTo(0.4, 12);
    expect(crop.w).toBeCloseTo(0.5, 12);
    expect(crop.h).toBeCloseTo(0.5, 12);
    const fromLegacy = await renderRecipe(file, migrated);
    const current = recipeOf([newStep('crop', { x: 0.1, y: 0.4, w: 0.5, h: 0.5 }), newStep('exposure', { ev: 2 / 3 }), pngOut]);
    const fromCurrent = await renderRecipe(file, current);
    expect(fromLegacy.info).toMatchObject({ width: 900, height: 600 });
    expect(fromLegacy.data.equals(fromCurrent.data)).toBe(true);
  });

  it('the preview path applies the same crop fractions to a small preview', async () => {
    const original = corpusPath('jpeg/orientation/Landscape_8.jpg');
    const dir = await import('node:fs/promises').then((fs) => fs.mkdtemp(`${(process.env.TMPDIR ?? '/tmp')}/lightbox-preview-`));
    const previewPath = `${dir}/preview.jpg`;
    try {
      await sharp(original).autoOrient().resize(1024).jpeg({ quality: 92 }).toFile(previewPath);
      const recipe = recipeOf([newStep('crop', { x: 0.55, y: 0.12, w: 0.3, h: 0.6 }), newStep('output', { format: 'tiff', quality: 90, tiffBitDepth: 16, colourSpace: 'adobe-rgb' })]);
      const preview = await renderPreview(previewPath, recipe);
      expect(preview.contentType).toBe('image/jpeg');
      expect([preview.info.width, preview.info.height]).toEqual([307, 410]);
      const full = await fingerprint((await renderRecipe({ path: original }, recipe)).data);
      const small = await fingerprint(preview.data);
      expect(hamming(full.hash, small.hash)).toBeLessThanOrEqual(6);
    } finally {
      await import('node:fs/promises').then((fs) => fs.rm(dir, { recursive: true, force: true }));
    }
  });
});
