import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { GOLDEN_EDGE, goldenCases, recipeOf } from './golden/golden-cases.ts';
import type { GoldenCase } from './golden/golden-cases.ts';
import { renderRecipe } from './render-recipe.ts';
import { deltaE76Stats } from './testing/colour-difference.ts';

const expectedDir = path.join(import.meta.dirname, 'golden', 'expected');

async function srgbRaster(image: sharp.Sharp) {
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
 * Perceptual tolerance against the renderer as it was before the speed-up: the fast path resizes
 * before tone and reads originals through shrink-on-load, so pixels move a little, but the mean
 * ΔE76 stays under "just noticeable" (2.3) by a margin and only the odd edge pixel goes further.
 */
const MEAN_TOLERANCE = 1.0;
const P99_TOLERANCE = 5;

describe.skipIf(!hasCorpus)('render: golden images', () => {
  for (const c of goldenCases()) {
    it(`${c.name} matches its golden image`, async () => {
      const [actual, expected] = await Promise.all([renderCase(c), golden(c.name)]);
      expect([actual.width, actual.height]).toEqual([expected.width, expected.height]);
      const d = deltaE76Stats(actual.data, expected.data);
      expect(d.mean, `mean ΔE76 ${d.mean.toFixed(3)}, p99 ${d.p99.toFixed(2)}, max ${d.max.toFixed(2)}`).toBeLessThan(MEAN_TOLERANCE);
      expect(d.p99, `p99 ΔE76 ${d.p99.toFixed(2)}`).toBeLessThan(P99_TOLERANCE);
    });
  }

  it('the tolerance is tight enough to see a single op go missing or change sign', async () => {
    const none = await golden('landscape-none');
    for (const name of ['landscape-exposure-up', 'landscape-contrast', 'landscape-saturation-down', 'landscape-vibrance', 'landscape-white-balance', 'landscape-highlights-shadows', 'landscape-sharpen']) {
      const d = deltaE76Stats((await golden(name)).data, none.data);
      expect(d.mean > MEAN_TOLERANCE || d.p99 > P99_TOLERANCE, `${name} vs none: mean ${d.mean.toFixed(2)}, p99 ${d.p99.toFixed(2)}`).toBe(true);
    }
  });
});
