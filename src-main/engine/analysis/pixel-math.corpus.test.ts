import { describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus, readManifest } from '../../../test-support/corpus.ts';
import { openImage } from '../media/decode.ts';
import { MediaError } from '../media/media-error.ts';
import { newRecipe, newStep } from '../recipes/create.ts';
import { parseRecipe } from '../recipes/validate.ts';
import { decodeForAnalysis } from './analyze-image.ts';
import { enhanceToSteps } from './enhance/to-enhance-steps.ts';
import { inProcessPixelMath } from './pixel-math.ts';

/**
 * Every readable corpus file through the model-free analysis steps, as the analyze job decodes it.
 * Blank exiftool stubs, 1x1 PNGs and a near-black frame each once failed a photo's whole analysis
 * with a proposal the recipe refused; a photographer's folder holds such files too.
 */
const files = readManifest().filter((row) => !row.path.startsWith('bad/'));

describe.skipIf(!hasCorpus)('quality, hash, crops and auto-enhance on every readable corpus file', () => {
  it.each(files.map((f) => f.path))('%s', async (rel) => {
    let image;
    try {
      image = await openImage(corpusPath(rel));
    } catch (error) {
      // Files we cannot read say so specifically (other tests check the words).
      expect(error).toBeInstanceOf(MediaError);
      expect((error as MediaError).code).not.toBe('internal');
      return;
    }
    const rgb = await decodeForAnalysis(image);
    const quality = await inProcessPixelMath.quality(rgb);
    expect(quality.score).toBeGreaterThanOrEqual(0);
    expect((await inProcessPixelMath.hash(rgb)).hash).toMatch(/^[0-9a-f]{128}$/);
    const crops = await inProcessPixelMath.crops({ rgb, width: image.width, height: image.height, faces: [], subject: null, objects: [] });
    for (const p of crops.proposals) expect(p.box.x + p.box.w).toBeLessThanOrEqual(1 + 1e-9);
    const enhance = await inProcessPixelMath.enhance({ rgb, faces: [], subject: null, objects: [], tags: [] });
    const recipe = { ...newRecipe('c'.repeat(64)), steps: [...enhanceToSteps(enhance, 0), newStep('output', { format: 'jpeg' })] };
    expect(() => parseRecipe({ ...recipe, end: recipe.steps.length })).not.toThrow();
  });
});
