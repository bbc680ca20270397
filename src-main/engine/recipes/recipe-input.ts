import { RECIPE_SCHEMA_VERSION, type Recipe } from '../../contract/recipe.ts';
import { RecipeError } from './recipe-error.ts';
import { parseRecipe } from './validate.ts';

/**
 * A recipe that comes from outside the library (`lightbox render --recipe`, a REST upload's
 * `recipe` field): a full recipe (the portable copies under recipes/), a preset file, or just
 * `{ steps }`. The recipe is about ops, so it is applied to `sha256` whatever original it was made
 * for; `madeFor` names that other original so a caller can say so. Throws RecipeError with every
 * problem when it cannot be used.
 */
export function recipeFromInput(text: string, sha256: string): { recipe: Recipe; madeFor: string | null } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RecipeError('invalid-recipe', [{ path: '', message: `not valid JSON (${(error as Error).message})` }]);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !Array.isArray((json as { steps?: unknown }).steps)) {
    throw new RecipeError('invalid-recipe', [{ path: 'steps', message: 'a recipe is a JSON object with a "steps" array' }]);
  }
  const given = json as Record<string, unknown> & { steps: unknown[] };
  const original = given.original as { sha256?: unknown } | undefined;
  const recipe = parseRecipe({
    schema: given.schema ?? RECIPE_SCHEMA_VERSION,
    original: { sha256 },
    steps: given.steps,
    end: given.end ?? given.steps.length,
  });
  return { recipe, madeFor: typeof original?.sha256 === 'string' && original.sha256 !== sha256 ? original.sha256 : null };
}
