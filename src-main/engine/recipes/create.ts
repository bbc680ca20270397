import type { Recipe, RecipeStep, StepSource } from '../../contract/recipe.ts';
import { RECIPE_SCHEMA_VERSION } from '../../contract/recipe.ts';
import { RecipeError, formatPath } from './recipe-error.ts';
import { getOp } from './registry.ts';

export function newRecipe(sha256: string): Recipe {
  return { schema: RECIPE_SCHEMA_VERSION, original: { sha256 }, steps: [], end: 0 };
}

/**
 * A step at its op's CURRENT version, params merged over the op's defaults and validated, so a
 * step made in code can never be one that parseRecipe would later refuse.
 */
export function newStep(op: string, params: Record<string, unknown> = {}, source: StepSource = 'user', extra: Pick<RecipeStep, 'confidence' | 'needsReview'> = {}): RecipeStep {
  const mod = getOp(op);
  if (!mod) throw new RecipeError('invalid-recipe', [{ path: 'op', message: `unknown op "${op}"` }]);
  const merged = { ...(mod.defaults as Record<string, unknown>), ...params };
  const schema = mod.schemas[mod.version]!;
  // Params of another shape than the defaults (resize's 'box' mode) are taken as given.
  let r = schema.safeParse(merged);
  if (!r.success) {
    const asGiven = schema.safeParse(params);
    if (asGiven.success) r = asGiven;
  }
  if (!r.success) {
    throw new RecipeError('invalid-recipe', r.error.issues.map((i) => ({ path: formatPath(['params', ...i.path]), message: i.message })));
  }
  return { op, v: mod.version, enabled: true, params: r.data, source, ...extra };
}
