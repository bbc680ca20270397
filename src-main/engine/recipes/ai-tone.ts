import type { Recipe, RecipeStep } from '../../contract/recipe.ts';

/**
 * AI tone and colour steps (auto-enhance, series match) in a recipe. Unlike the one AI crop, they
 * are several steps, each reviewed on its own, and they must never fight the photographer: an op
 * the photographer (or a preset) set is theirs.
 */

/** The tone and colour ops an AI tone step may carry. */
export const TONE_OPS: ReadonlySet<string> = new Set(['white-balance', 'black-point', 'exposure', 'contrast', 'highlights-shadows', 'vibrance', 'saturation']);

const isAi = (step: RecipeStep) => step.source.startsWith('ai:');
/** Steps from auto-enhance or series match (any version): what a new proposal replaces. */
export const isAiTone = (step: RecipeStep): boolean => isAi(step) && TONE_OPS.has(step.op) && /^ai:(auto-enhance|series-match)@/.test(step.source);

const same = (a: RecipeStep, b: RecipeStep) =>
  a.op === b.op && a.source === b.source && JSON.stringify(a.params) === JSON.stringify(b.params) && a.needsReview === b.needsReview && a.enabled === b.enabled;

/**
 * The recipe with `proposed` as its AI tone steps for the ops in `scope` (auto-enhance: every tone
 * op; series match: exposure and white balance), or null when nothing would change:
 * - earlier AI tone steps of those ops go (a re-analysis, a newer match), including ones a preset
 *   left waiting to be recomputed;
 * - an op the photographer or a preset set in the active steps keeps their step, and its proposal is
 *   dropped (two exposures would stack);
 * - new steps go where the first removed one was, else before the first remaining tone step (so the
 *   photographer's own tone edits still apply on top), else at the end.
 * Adding steps drops the redo tail, as any edit does.
 */
export function withAiTone(recipe: Recipe, proposed: readonly RecipeStep[], scope: ReadonlySet<string> = TONE_OPS): Recipe | null {
  const active = recipe.steps.slice(0, recipe.end);
  const owned = new Set(active.filter((s) => s.enabled && !isAi(s) && TONE_OPS.has(s.op)).map((s) => s.op));
  const replaced = (s: RecipeStep) => isAiTone(s) && scope.has(s.op);
  // A proposal identical to the step already there keeps that step, with its review state: a
  // re-analysis does not ask the photographer again about what they already approved.
  const incoming = proposed
    .filter((s) => scope.has(s.op) && !owned.has(s.op))
    .map((s) => active.find((a) => replaced(a) && a.enabled && a.op === s.op && a.source === s.source && JSON.stringify(a.params) === JSON.stringify(s.params)) ?? s);
  const firstReplaced = active.findIndex(replaced);
  const kept = active.filter((s) => !replaced(s));
  const old = active.filter(replaced);
  if (old.length === incoming.length && old.every((s, i) => same(s, incoming[i]!))) return null;
  let at = firstReplaced >= 0 ? active.slice(0, firstReplaced).filter((s) => !replaced(s)).length : kept.findIndex((s) => TONE_OPS.has(s.op));
  if (at < 0) at = kept.length;
  const steps = [...kept.slice(0, at), ...incoming, ...kept.slice(at)];
  return { ...recipe, steps, end: steps.length };
}

/**
 * AI tone steps a preset brought (disabled, `recompute`: resolved for another photo) filled in with
 * this photo's own proposals for the same ops; an op this photo does not need is dropped. Null when
 * the recipe has no such step waiting.
 */
export function resolveRecompute(recipe: Recipe, proposed: readonly RecipeStep[]): Recipe | null {
  const ops = new Set(recipe.steps.slice(0, recipe.end).filter((s) => s.recompute === true && isAiTone(s)).map((s) => s.op));
  // The waiting steps are AI tone steps of exactly these ops: withAiTone puts the photo's own in their place.
  return ops.size === 0 ? null : withAiTone(recipe, proposed, ops);
}

/**
 * The photographer's word on ONE step waiting for review: approved (it stays, reviewed) or rejected
 * (it leaves the recipe). One edit, undoable. Throws a RangeError for a step that is not an active,
 * enabled step waiting for review.
 */
export function decideStep(recipe: Recipe, index: number, decision: 'approve' | 'reject'): Recipe {
  const active = recipe.steps.slice(0, recipe.end);
  const step = active[index];
  if (!step || !step.enabled || step.needsReview !== true) {
    throw new RangeError(`step ${index} is not waiting for review (the recipe has ${active.length} active steps)`);
  }
  const steps = decision === 'approve' ? active.map((s, i) => (i === index ? { ...s, needsReview: false } : s)) : active.filter((_, i) => i !== index);
  return { ...recipe, steps, end: steps.length };
}
