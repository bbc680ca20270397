import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../../test-support/corpus.ts';
import type { Recipe, RecipeStep } from '../../../contract/recipe.ts';
import { newRecipe, newStep } from '../../recipes/create.ts';
import { renderRecipe } from './render-recipe.ts';
import { deltaE76Stats } from './testing/colour-difference.ts';
import { readIcc } from './testing/icc.ts';

const recipeOf = (steps: RecipeStep[]): Recipe => ({ ...newRecipe('6'.repeat(64)), steps, end: steps.length });
const crop = newStep('crop', { x: 0.12, y: 0.08, w: 0.7, h: 0.75 });
const SRGB_RED_X = 0.4361;

/**
 * A render with nothing after the read (an AI crop, or no step) and sRGB output is one streaming
 * sharp pipeline from the original (RenderSource.direct). It must look like the 16-bit path it
 * stands in for, carry the same facts (size, sRGB profile), and replay byte for byte.
 */
describe.skipIf(!hasCorpus)('render: one sharp pipeline for a crop', () => {
  const cases: Array<[string, string, RecipeStep[]]> = [
    ['an untagged camera JPEG turned by EXIF (orientation 6)', 'jpeg/camera/Samsung_SM-J327T1.jpg', [crop]],
    ['an sRGB-tagged JPEG', 'jpeg/camera/Apple_iPhone_4.jpg', [crop]],
    ['a mirrored original (orientation 2)', 'jpeg/orientation/Landscape_2.jpg', [crop]],
    ['no step at all', 'jpeg/orientation/Portrait_5.jpg', []],
  ];
  for (const [what, photo, steps] of cases) {
    it(`${what}: within a just-noticeable difference of the 16-bit path, same size, sRGB profile, same bytes twice`, async () => {
      const input = { path: corpusPath(photo) };
      const recipe = recipeOf(steps);
      const [one, again, wide] = await Promise.all([renderRecipe(input, recipe), renderRecipe(input, recipe), renderRecipe(input, recipe, { oneChain: false })]);
      expect(one.data.equals(again.data)).toBe(true);
      // Another path than the 16-bit one made it (its bytes differ), and it looks the same (below).
      expect(one.data.equals(wide.data)).toBe(false);
      expect([one.info.width, one.info.height]).toEqual([wide.info.width, wide.info.height]);
      const meta = await sharp(one.data).metadata();
      expect(meta.format).toBe('jpeg');
      expect(readIcc(meta.icc!).red[0]).toBeCloseTo(SRGB_RED_X, 2);
      const [a, b] = await Promise.all([one, wide].map((r) => sharp(r.data).removeAlpha().toColourspace('srgb').raw().toBuffer()));
      const d = deltaE76Stats(a!, b!);
      const stats = `mean ΔE76 ${d.mean.toFixed(3)}, p99 ${d.p99.toFixed(2)}, shift ${d.shift.toFixed(3)}`;
      expect(d.mean, stats).toBeLessThan(1);
      expect(d.p99, stats).toBeLessThan(4);
      expect(d.shift, stats).toBeLessThan(0.3);
    });
  }

  for (const [what, photo] of [
    ['a CMYK original (its profile is applied at full size)', 'jpeg/colorspace/CMYK_with_profile.jpg'],
    ['an Adobe RGB original (its colours are converted at 16 bits)', 'jpeg/camera/Canon_EOS_7D.jpg'],
  ]) {
    it(`${what} still takes the 16-bit path`, async () => {
      const input = { path: corpusPath(photo!) };
      const [one, wide] = await Promise.all([renderRecipe(input, recipeOf([crop])), renderRecipe(input, recipeOf([crop]), { oneChain: false })]);
      expect(one.data.equals(wide.data)).toBe(true);
    });
  }
});
