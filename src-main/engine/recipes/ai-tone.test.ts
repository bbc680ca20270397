import { describe, expect, it } from 'vitest';
import type { Recipe, RecipeStep } from '../../contract/recipe.ts';
import { decideStep, resolveRecompute, withAiTone } from './ai-tone.ts';
import { applyPreset } from './apply-preset.ts';
import { newRecipe, newStep } from './create.ts';
import { needsReview } from './ai-review.ts';
import { parseRecipe } from './validate.ts';

const SHA = 'd'.repeat(64);
const recipeOf = (steps: RecipeStep[], end = steps.length): Recipe => ({ ...newRecipe(SHA), steps, end });
const ai = (op: string, params: Record<string, unknown>, source: RecipeStep['source'] = 'ai:auto-enhance@1') =>
  ({ ...newStep(op, params, source, { confidence: 0.7, needsReview: true }), reason: `${op} because` });
const summary = (r: Recipe) => r.steps.slice(0, r.end).map((s) => `${s.op}:${s.source}${s.needsReview ? '?' : ''}`);

describe('AI tone steps in a recipe', () => {
  const crop = newStep('crop', { x: 0.1, y: 0.1, w: 0.8, h: 0.8 }, 'ai:crop-proposals@1', { confidence: 0.9, needsReview: true });

  it('adds proposals after the crop, waiting for review, and leaves an identical proposal alone', () => {
    const proposal = [ai('white-balance', { temperature: -20, tint: 5 }), ai('exposure', { ev: 0.8 })];
    const once = withAiTone(recipeOf([crop]), proposal)!;
    expect(summary(once)).toEqual(['crop:ai:crop-proposals@1?', 'white-balance:ai:auto-enhance@1?', 'exposure:ai:auto-enhance@1?']);
    expect(parseRecipe(once).steps[2]!.reason).toBe('exposure because');
    expect(withAiTone(once, proposal)).toBeNull();
  });

  it('replaces the earlier proposal in place and drops ops no longer proposed', () => {
    const user = newStep('sharpen', { amount: 30, radius: 1 });
    const first = withAiTone(recipeOf([crop, user]), [ai('exposure', { ev: 0.8 }), ai('vibrance', { amount: 20 })])!;
    expect(summary(first)).toEqual(['crop:ai:crop-proposals@1?', 'sharpen:user', 'exposure:ai:auto-enhance@1?', 'vibrance:ai:auto-enhance@1?']);
    const second = withAiTone(first, [ai('exposure', { ev: 1.2 })])!;
    expect(summary(second)).toEqual(['crop:ai:crop-proposals@1?', 'sharpen:user', 'exposure:ai:auto-enhance@1?']);
    expect(second.steps[2]!.params).toEqual({ ev: 1.2 });
    // A photo that now needs nothing loses its old proposals.
    expect(summary(withAiTone(second, [])!)).toEqual(['crop:ai:crop-proposals@1?', 'sharpen:user']);
  });

  it('never touches an op the photographer or a preset set, and goes before their tone edits', () => {
    const mine = newStep('exposure', { ev: -0.3 });
    const theirs = newStep('contrast', { amount: 15 }, 'preset:look');
    const out = withAiTone(recipeOf([mine, theirs]), [ai('white-balance', { temperature: 10, tint: 0 }), ai('exposure', { ev: 1 }), ai('contrast', { amount: 30 })])!;
    expect(summary(out)).toEqual(['white-balance:ai:auto-enhance@1?', 'exposure:user', 'contrast:preset:look']);
    expect(out.steps[1]!.params).toEqual({ ev: -0.3 });
  });

  it('keeps an approved step when the same proposal comes again (a re-analysis)', () => {
    const approved = decideStep(withAiTone(recipeOf([]), [ai('exposure', { ev: 0.8 })])!, 0, 'approve');
    expect(needsReview(approved)).toBe(false);
    expect(withAiTone(approved, [ai('exposure', { ev: 0.8 })])).toBeNull();
  });

  it('a series match replaces exposure and white balance only', () => {
    const enhanced = withAiTone(recipeOf([]), [ai('white-balance', { temperature: -20, tint: 5 }), ai('exposure', { ev: 0.8 }), ai('contrast', { amount: 20 })])!;
    const matched = withAiTone(enhanced, [ai('white-balance', { temperature: 5, tint: 0 }, 'ai:series-match@1'), ai('exposure', { ev: 0.2 }, 'ai:series-match@1')], new Set(['exposure', 'white-balance']))!;
    expect(summary(matched)).toEqual(['white-balance:ai:series-match@1?', 'exposure:ai:series-match@1?', 'contrast:ai:auto-enhance@1?']);
  });

  it('decides one step: approve keeps it reviewed, reject removes it; a step not waiting is refused', () => {
    const waiting = withAiTone(recipeOf([crop]), [ai('exposure', { ev: 0.8 }), ai('vibrance', { amount: 20 })])!;
    const approved = decideStep(waiting, 1, 'approve');
    expect(summary(approved)).toEqual(['crop:ai:crop-proposals@1?', 'exposure:ai:auto-enhance@1', 'vibrance:ai:auto-enhance@1?']);
    const rejected = decideStep(approved, 2, 'reject');
    expect(summary(rejected)).toEqual(['crop:ai:crop-proposals@1?', 'exposure:ai:auto-enhance@1']);
    expect(() => decideStep(rejected, 1, 'approve')).toThrow(RangeError);
    expect(() => decideStep(rejected, 5, 'reject')).toThrow(RangeError);
  });

  it('resolves a preset\'s adaptive steps with the photo\'s own proposals, dropping ops it does not need', () => {
    const preset = { id: 'auto-look', name: 'Auto look', createdAt: '2024-01-01T00:00:00Z', steps: [ai('exposure', { ev: 1.5 }), ai('white-balance', { temperature: 30, tint: 0 }), newStep('sharpen', { amount: 40, radius: 1 })] };
    const applied = applyPreset(recipeOf([]), preset);
    expect(applied.steps.filter((s) => s.recompute).map((s) => s.op)).toEqual(['exposure', 'white-balance']);
    const own = [ai('exposure', { ev: -0.4 }), ai('vibrance', { amount: 20 })];
    const resolved = resolveRecompute(applied, own)!;
    // This photo's exposure; no white balance (it needs none); vibrance was not in the preset.
    expect(summary(resolved)).toEqual(['exposure:ai:auto-enhance@1?', 'sharpen:preset:auto-look']);
    expect(resolved.steps[0]!.params).toEqual({ ev: -0.4 });
    expect(resolved.steps.some((s) => s.recompute)).toBe(false);
    expect(resolveRecompute(resolved, own)).toBeNull();
  });
});
