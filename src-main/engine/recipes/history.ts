import type { Recipe, RecipeStep } from '../../contract/recipe.ts';

/**
 * Undo/redo as pure functions over the recipe's `end` pointer (darktable's history_end): steps at
 * and after `end` are the redo tail. Any new edit made while some steps are undone drops that tail,
 * as in every editor: you cannot redo into a branch you have just replaced.
 */

export function activeSteps(recipe: Recipe): RecipeStep[] {
  return recipe.steps.slice(0, recipe.end).filter((s) => s.enabled);
}

export function addStep(recipe: Recipe, step: RecipeStep): Recipe {
  const steps = [...recipe.steps.slice(0, recipe.end), step];
  return { ...recipe, steps, end: steps.length };
}

/**
 * Changes an active step in place (e.g. dragging the crop again, or toggling `enabled`). The edit
 * drops the redo tail like any new edit. Editing an undone step is refused: the UI cannot show it.
 */
export function updateStep(recipe: Recipe, index: number, patch: Partial<Omit<RecipeStep, 'op'>>): Recipe {
  if (!Number.isInteger(index) || index < 0 || index >= recipe.end) {
    throw new RangeError(`step ${index} is not active (0..${recipe.end - 1})`);
  }
  const steps = recipe.steps.slice(0, recipe.end);
  steps[index] = { ...steps[index]!, ...patch };
  return { ...recipe, steps, end: steps.length };
}

export const canUndo = (recipe: Recipe): boolean => recipe.end > 0;
export const canRedo = (recipe: Recipe): boolean => recipe.end < recipe.steps.length;

export function undo(recipe: Recipe): Recipe {
  return canUndo(recipe) ? { ...recipe, end: recipe.end - 1 } : recipe;
}

export function redo(recipe: Recipe): Recipe {
  return canRedo(recipe) ? { ...recipe, end: recipe.end + 1 } : recipe;
}
