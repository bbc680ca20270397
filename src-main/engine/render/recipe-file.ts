import path from 'node:path';
import { RECIPE_SCHEMA_VERSION, type Recipe } from '../../contract/index.ts';
import { newStep } from '../recipes/create.ts';
import { activeSteps } from '../recipes/history.ts';
import type { OutputFormat } from '../recipes/op-module.ts';
import { RecipeError } from '../recipes/recipe-error.ts';
import { parseRecipe } from '../recipes/validate.ts';
import { FILE_EXTENSIONS } from './target-key.ts';

const FORMAT_BY_EXTENSION: Record<string, OutputFormat> = {
  '.jpg': 'jpeg', '.jpeg': 'jpeg', '.webp': 'webp', '.avif': 'avif', '.tif': 'tiff', '.tiff': 'tiff', '.png': 'png',
};

export type RecipeForFile = {
  recipe: Recipe;
  /** Things worth telling the user that do not stop the render. */
  warnings: string[];
};

/**
 * A recipe file for rendering an arbitrary image (`lightbox render`), outside any library. Accepts a
 * full recipe (the portable copies under recipes/), a preset file, or just `{ steps }`: the recipe
 * is about ops, so it is applied to this file whatever original it was made for (with a warning).
 * Without an output step, the format follows the output file's extension. Throws RecipeError with
 * every problem when the recipe cannot be used.
 */
export function recipeForFile(text: string, source: { sha256: string }, outFile: string): RecipeForFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RecipeError('invalid-recipe', [{ path: '', message: `not valid JSON (${(error as Error).message})` }]);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !Array.isArray((json as { steps?: unknown }).steps)) {
    throw new RecipeError('invalid-recipe', [{ path: 'steps', message: 'a recipe file is a JSON object with a "steps" array' }]);
  }
  const given = json as Record<string, unknown> & { steps: unknown[] };
  const warnings: string[] = [];
  const original = given.original as { sha256?: unknown } | undefined;
  if (typeof original?.sha256 === 'string' && original.sha256 !== source.sha256) {
    warnings.push(`the recipe was made for another original (${original.sha256.slice(0, 12)}…); its steps are applied to this file as they are`);
  }
  const recipe = parseRecipe({
    schema: given.schema ?? RECIPE_SCHEMA_VERSION,
    original: { sha256: source.sha256 },
    steps: given.steps,
    end: given.end ?? given.steps.length,
  });
  return withOutputFor(recipe, outFile, warnings);
}

function withOutputFor(recipe: Recipe, outFile: string, warnings: string[]): RecipeForFile {
  const ext = path.extname(outFile).toLowerCase();
  const wanted = FORMAT_BY_EXTENSION[ext];
  const output = activeSteps(recipe).filter((s) => s.op === 'output').at(-1);
  if (output) {
    const format = (output.params as { format: OutputFormat }).format;
    if (wanted !== format) warnings.push(`the recipe writes ${format.toUpperCase()}, but the output file is named "${path.basename(outFile)}" (usually .${FILE_EXTENSIONS[format]})`);
    return { recipe, warnings };
  }
  if (!wanted) {
    warnings.push(`"${ext || '(no extension)'}" is not an image extension Lightbox writes; writing JPEG`);
    return { recipe, warnings };
  }
  // Added at the end of the ACTIVE steps: the redo tail (if any) is dropped, as for any edit.
  const steps = [...recipe.steps.slice(0, recipe.end), newStep('output', { format: wanted })];
  return { recipe: { ...recipe, steps, end: steps.length }, warnings };
}
