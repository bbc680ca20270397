import { describe, expect, it } from 'vitest';
import { newRecipe, newStep } from '../../recipes/create.ts';
import { parseRecipe } from '../../recipes/validate.ts';
import type { RgbImage } from '../rgb-image.ts';
import { EXPOSURE_MODEL } from './exposure.ts';
import { proposeEnhance } from './propose-enhance.ts';
import { enhanceToSteps } from './to-enhance-steps.ts';

/** A frame almost black, like a lens-cap shot: every sample 0..14 with some texture, so it is not flat. */
function nearBlack(width = 160, height = 120): RgbImage {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = ((x * 7 + y * 13) % 15) | 0;
      data.set([v, Math.max(0, v - 2), Math.max(0, v - 5)], (y * width + x) * 3);
    }
  }
  return { data, width, height };
}

const noContext = { faces: [], subject: null, objects: [], tags: [] };

function flat(value: number, width = 8, height = 8): RgbImage {
  return { data: Buffer.alloc(width * height * 3, value), width, height };
}

/** Accepting every proposal gives a recipe the renderer takes. */
function acceptAll(image: RgbImage) {
  const result = proposeEnhance(image, noContext);
  const recipe = { ...newRecipe('b'.repeat(64)), steps: [...enhanceToSteps(result, 0), newStep('output', { format: 'png' })] };
  expect(() => parseRecipe({ ...recipe, end: recipe.steps.length })).not.toThrow();
  return result;
}

describe('auto-enhance proposals stay within what the recipe takes', () => {
  it('holds a near-black frame at the proposable exposure limit, for review (it read +7.6 EV)', () => {
    const result = acceptAll(nearBlack());
    const exposure = result.steps.find((s) => s.op === 'exposure');
    expect(exposure, JSON.stringify(result.steps)).toBeDefined();
    expect(exposure!.params).toEqual({ ev: EXPOSURE_MODEL.maxEv });
    expect(exposure!.confidence).toBeLessThanOrEqual(EXPOSURE_MODEL.maxEvConfidence);
    expect(exposure!.reason).toMatch(/further than the model was fitted for/);
  });

  it('reads a blank white frame as having no haze (its black point was 99.6 %, past the op\'s 30 %)', () => {
    const result = acceptAll(flat(255));
    expect(result.steps.map((s) => s.op)).not.toContain('black-point');
  });

  it('proposes for a 1x1 image without failing', () => {
    acceptAll(flat(200, 1, 1));
  });
});
