import path from 'node:path';
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../../test-support/corpus.ts';
import { GOLDEN_EDGE, goldenCases, recipeOf } from './golden/golden-cases.ts';
import type { GoldenCase } from './golden/golden-cases.ts';
import { renderRecipe } from './render-recipe.ts';
import { deltaE76Stats } from './testing/colour-difference.ts';

const expectedDir = path.join(import.meta.dirname, 'golden', 'expected');

async function srgbRaster(image: Sharp) {
  const { data, info } = await image.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function renderCase(c: GoldenCase) {
  const out = await renderRecipe({ path: corpusPath(c.photo) }, recipeOf(c.steps), c.target ? { target: c.target } : {});
  let img = sharp(out.data);
  if (c.full) img = img.resize(GOLDEN_EDGE, GOLDEN_EDGE, { fit: 'inside', kernel: 'lanczos3' });
  return srgbRaster(img);
}

const golden = (name: string) => srgbRaster(sharp(path.join(expectedDir, `${name}.webp`)));

/**
 * Perceptual tolerance against the renderer as it was before the speed-up, which did everything on
 * 16-bit P3 pixels at full size. The fast path resamples 8-bit originals in their own encoding
 * before the profile is applied and resizes before tone, which moves single pixels at edges (a
 * 160 px golden is nearly all edges) but not the picture: the mean ΔE76 stays under the "just
 * noticeable" 2.3 and the average colour (`shift`) stays put, which a wrong or missing op would move.
 */
const MEAN_TOLERANCE = 2;
const P99_TOLERANCE = 12;
const SHIFT_TOLERANCE = 0.6;

describe.skipIf(!hasCorpus)('render: golden images', () => {
  for (const c of goldenCases()) {
    it(`${c.name} matches its golden image`, async () => {
      const [actual, expected] = await Promise.all([renderCase(c), golden(c.name)]);
      expect([actual.width, actual.height]).toEqual([expected.width, expected.height]);
      const d = deltaE76Stats(actual.data, expected.data);
      const stats = `mean ΔE76 ${d.mean.toFixed(3)}, p99 ${d.p99.toFixed(2)}, max ${d.max.toFixed(2)}, shift ${d.shift.toFixed(3)}`;
      expect(d.mean, stats).toBeLessThan(MEAN_TOLERANCE);
      expect(d.p99, stats).toBeLessThan(P99_TOLERANCE);
      expect(d.shift, stats).toBeLessThan(SHIFT_TOLERANCE);
    });
  }

  it('the tolerance is tight enough to see a single op go missing or change sign', async () => {
    for (const name of ['landscape-exposure-up', 'landscape-contrast', 'landscape-saturation-down', 'landscape-vibrance', 'landscape-white-balance', 'landscape-highlights-shadows', 'landscape-sharpen', 'rocket-saturation-up', 'rocket-exposure-down', 'rocket-vibrance']) {
      const none = await golden(`${name.split('-')[0]}-none`);
      const d = deltaE76Stats((await golden(name)).data, none.data);
      expect(d.mean > MEAN_TOLERANCE || d.p99 > P99_TOLERANCE || d.shift > SHIFT_TOLERANCE, `${name} vs none: mean ${d.mean.toFixed(2)}, p99 ${d.p99.toFixed(2)}, shift ${d.shift.toFixed(2)}`).toBe(true);
    }
  });
});
