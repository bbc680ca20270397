import { describe, expect, it } from 'vitest';
import { newRecipe, newStep } from './create.ts';
import { approveAll, needsReview, rejectAll, withAiCrop } from './ai-review.ts';

const SHA = 'a'.repeat(64);
const aiCrop = (x: number) => newStep('crop', { x, y: 0.1, w: 0.5, h: 0.5 }, 'ai:crop-proposals@1', { confidence: 0.8, needsReview: true });

describe('AI crops in a recipe', () => {
  it('puts a proposal first in an empty or crop-less recipe, waiting for review', () => {
    const exposure = newStep('exposure', { ev: 0.5 });
    const recipe = withAiCrop({ ...newRecipe(SHA), steps: [exposure], end: 1 }, aiCrop(0.1))!;
    expect(recipe.steps.map((s) => s.op)).toEqual(['crop', 'exposure']);
    expect(recipe.end).toBe(2);
    expect(needsReview(recipe)).toBe(true);
  });

  it('never replaces a crop the photographer or a preset made', () => {
    for (const source of ['user', 'preset:square'] as const) {
      const mine = newStep('crop', { x: 0, y: 0, w: 0.9, h: 0.9 }, source);
      expect(withAiCrop({ ...newRecipe(SHA), steps: [mine], end: 1 }, aiCrop(0.1))).toBeNull();
    }
  });

  it('replaces an earlier AI crop in place, and leaves an identical one alone', () => {
    const first = withAiCrop(newRecipe(SHA), aiCrop(0.1))!;
    expect(withAiCrop(first, aiCrop(0.1))).toBeNull();
    const second = withAiCrop(first, aiCrop(0.3))!;
    expect(second.steps).toHaveLength(1);
    expect((second.steps[0]!.params as { x: number }).x).toBe(0.3);
  });

  it('drops the redo tail like any edit, and ignores undone crops', () => {
    const undoneUserCrop = newStep('crop', { x: 0, y: 0, w: 0.5, h: 0.5 }, 'user');
    const recipe = withAiCrop({ ...newRecipe(SHA), steps: [undoneUserCrop], end: 0 }, aiCrop(0.2))!;
    expect(recipe.steps).toHaveLength(1);
    expect(recipe.steps[0]!.source).toBe('ai:crop-proposals@1');
  });

  it('approves every waiting step once, and says when nothing waited', () => {
    const waiting = withAiCrop(newRecipe(SHA), aiCrop(0.1))!;
    const approved = approveAll(waiting)!;
    expect(needsReview(approved)).toBe(false);
    expect(approved.steps[0]!.params).toEqual(waiting.steps[0]!.params);
    expect(approveAll(approved)).toBeNull();
  });

  it('lets a disabled step waiting for review (a preset’s AI step to recompute) hold nothing up', () => {
    const disabled = { ...aiCrop(0.1), enabled: false };
    expect(needsReview({ ...newRecipe(SHA), steps: [disabled], end: 1 })).toBe(false);
    expect(approveAll({ ...newRecipe(SHA), steps: [disabled], end: 1 })).toBeNull();
  });

  it('rejects only what waits: the proposal goes, the photographer\'s steps and an approved AI step stay', () => {
    const exposure = newStep('exposure', { ev: 0.5 });
    const waiting = withAiCrop({ ...newRecipe(SHA), steps: [exposure], end: 1 }, aiCrop(0.1))!;
    const rejected = rejectAll(waiting)!;
    expect(rejected.steps.map((s) => s.op)).toEqual(['exposure']);
    expect(rejected.end).toBe(1);
    expect(needsReview(rejected)).toBe(false);
    expect(rejectAll(rejected)).toBeNull();
    expect(rejectAll(approveAll(waiting)!)).toBeNull();
  });
});
