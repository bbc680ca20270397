import type { Recipe, RecipeStep } from '../../contract/index.ts';

const isAi = (step: RecipeStep) => step.source.startsWith('ai:');

/**
 * The recipe with `step` (an AI crop proposal) as its crop, or null to leave the recipe alone. A
 * crop the photographer made or a preset brought always wins over a proposal; an earlier AI crop
 * is replaced in place (a re-analysis with a newer model), not stacked: two crops would crop the crop.
 * Adding a step drops the redo tail, as any edit does.
 */
export function withAiCrop(recipe: Recipe, step: RecipeStep): Recipe | null {
  const active = recipe.steps.slice(0, recipe.end);
  const at = active.findIndex((s) => s.op === 'crop' && s.enabled);
  if (at >= 0 && !isAi(active[at]!)) return null;
  if (at >= 0 && JSON.stringify(active[at]!.params) === JSON.stringify(step.params) && active[at]!.needsReview === step.needsReview) return null;
  const steps = at >= 0 ? active.map((s, i) => (i === at ? step : s)) : [step, ...active];
  return { ...recipe, steps, end: steps.length };
}

/** Every active step that waited for review, approved; null when nothing waited. */
export function approveAll(recipe: Recipe): Recipe | null {
  const waiting = needsReview(recipe);
  if (!waiting) return null;
  const steps = recipe.steps.map((s, i) => (i < recipe.end && s.enabled && s.needsReview ? { ...s, needsReview: false } : s));
  return { ...recipe, steps };
}

/**
 * The photographer says no to what the AI proposed: every active step still waiting for review
 * leaves the recipe (one edit, undoable); null when nothing waited. An approved AI step stays.
 */
export function rejectAll(recipe: Recipe): Recipe | null {
  if (!needsReview(recipe)) return null;
  const steps = recipe.steps.slice(0, recipe.end).filter((s) => !(s.enabled && s.needsReview));
  return { ...recipe, steps, end: steps.length };
}

/**
 * Steps still waiting for the photographer's eye. A disabled step (an AI step a preset brought,
 * waiting to be recomputed for this photo) changes no pixels, so it holds nothing up.
 */
export function needsReview(recipe: Recipe): boolean {
  return recipe.steps.slice(0, recipe.end).some((s) => s.enabled && s.needsReview === true);
}
