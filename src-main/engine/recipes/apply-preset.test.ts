import { describe, expect, it } from 'vitest';
import type { Preset, Recipe, RecipeStep } from '../../contract/recipe.ts';
import { applyPreset } from './apply-preset.ts';
import { newRecipe, newStep } from './create.ts';
import { parseRecipe } from './validate.ts';

const SHA = 'c'.repeat(64);
const preset = (steps: RecipeStep[]): Preset => ({ id: 'look', name: 'Look', steps, createdAt: '2024-01-01T00:00:00Z' });
const recipeOf = (steps: RecipeStep[], end = steps.length): Recipe => ({ ...newRecipe(SHA), steps, end });
const summary = (r: Recipe) => r.steps.map((s) => `${s.op}:${s.source}:${s.enabled ? 'on' : 'off'}`);

describe('applyPreset', () => {
  const ownCrop = newStep('crop', { x: 0.1, y: 0.2, w: 0.3, h: 0.4 });

  it('copies user steps as preset steps, replaces the same ops and keeps the photo crop', () => {
    const photo = recipeOf([ownCrop, newStep('exposure', { ev: -1 }), newStep('contrast', { amount: 10 })]);
    const out = applyPreset(photo, preset([newStep('exposure', { ev: 1 }), newStep('saturation', { amount: 20 })]));
    expect(summary(out)).toEqual(['crop:user:on', 'contrast:user:on', 'exposure:preset:look:on', 'saturation:preset:look:on']);
    expect(out.steps[0]!.params).toEqual(ownCrop.params);
    expect(out.steps[2]!.params).toEqual({ ev: 1 });
    expect(out.end).toBe(4);
    // What comes out is a recipe the validator (and so the renderer) accepts.
    expect(parseRecipe(out)).toEqual(out);
  });

  it('a preset crop replaces the photo crop; an AI step is added disabled, to be recomputed, replacing nothing', () => {
    const photo = recipeOf([ownCrop]);
    const ai = newStep('crop', { x: 0, y: 0, w: 0.5, h: 0.5 }, 'ai:subject-crop@2', { confidence: 0.8 });
    expect(summary(applyPreset(photo, preset([ai])))).toEqual(['crop:user:on', 'crop:ai:subject-crop@2:off']);
    expect(applyPreset(photo, preset([ai])).steps[1]).toMatchObject({ recompute: true, needsReview: true, confidence: 0.8 });
    const userCrop = newStep('crop', { x: 0.5, y: 0.5, w: 0.5, h: 0.5 });
    expect(applyPreset(photo, preset([userCrop])).steps).toEqual([{ ...userCrop, source: 'preset:look' }]);
  });

  it('is one edit: undone steps (the redo tail) are dropped', () => {
    const photo = recipeOf([newStep('exposure', { ev: 1 }), newStep('vibrance', { amount: 5 })], 1);
    expect(summary(applyPreset(photo, preset([newStep('sharpen', {})])))).toEqual(['exposure:user:on', 'sharpen:preset:look:on']);
  });
});
