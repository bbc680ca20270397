import { describe, expect, it } from 'vitest';
import { parseRecipe } from '../../recipes/validate.ts';
import { proposalToCropStep } from './to-crop-step.ts';

describe('proposalToCropStep', () => {
  it('makes a current-version crop step from a model, with its confidence, marked for review', () => {
    const step = proposalToCropStep({ aspect: '4:5', box: { x: 0.1, y: 0.05, w: 0.5, h: 0.9 }, angle: -1.5, confidence: 0.83, reason: 'Keeps the face' });
    expect(step).toEqual({
      op: 'crop',
      v: 2,
      enabled: true,
      params: { x: 0.1, y: 0.05, w: 0.5, h: 0.9, angle: -1.5 },
      source: 'ai:crop-proposals@1',
      confidence: 0.83,
      needsReview: true,
    });
    // A recipe holding it is valid as stored.
    const recipe = parseRecipe({ schema: 1, original: { sha256: 'a'.repeat(64) }, steps: [step], end: 1 });
    expect(recipe.steps[0]).toEqual(step);
  });

  it('pulls a float overshoot back inside the photo', () => {
    const step = proposalToCropStep({ aspect: '16:9', box: { x: 0.4000000000000001, y: 0, w: 0.6, h: 1 }, angle: 0, confidence: 0.5, reason: '' });
    const p = step.params as { x: number; w: number };
    expect(p.x + p.w).toBeLessThanOrEqual(1);
  });
});
