import type { Preset, Recipe, RecipeStep } from '../../contract/recipe.ts';

const isAi = (step: RecipeStep) => step.source.startsWith('ai:');

/**
 * A preset applied to one photo's recipe (DESIGN §3, Lightroom's adaptive presets):
 * - the preset's user (and preset) steps are copied, marked `preset:<id>`, and replace the photo's
 *   active steps of the same op, so nothing is applied twice (two crops would crop the crop);
 * - its AI steps were resolved for ANOTHER photo: they are added disabled with `recompute`, so the
 *   photo's own result stays until the model runs on this photo, and they replace nothing;
 * - so the photo's own crop is kept unless the preset has a (non-AI) crop of its own.
 * The result is one new edit: the redo tail is dropped like any edit's.
 */
export function applyPreset(recipe: Recipe, preset: Preset): Recipe {
  const incoming: RecipeStep[] = preset.steps.map((step) =>
    isAi(step) ? { ...step, enabled: false, recompute: true, needsReview: true } : { ...step, source: `preset:${preset.id}` },
  );
  const replaced = new Set(incoming.filter((s) => !s.recompute && s.enabled).map((s) => s.op));
  const kept = recipe.steps.slice(0, recipe.end).filter((s) => !replaced.has(s.op));
  const steps = [...kept, ...incoming];
  return { ...recipe, steps, end: steps.length };
}
