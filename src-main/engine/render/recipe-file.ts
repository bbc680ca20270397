import path from 'node:path';
import type { Recipe } from '../../contract/index.ts';
import { newStep } from '../recipes/create.ts';
import { activeSteps } from '../recipes/history.ts';
import type { OutputFormat } from '../recipes/op-module.ts';
import { recipeFromInput } from '../recipes/recipe-input.ts';
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
  const { recipe, madeFor } = recipeFromInput(text, source.sha256);
  const warnings = madeFor ? [`the recipe was made for another original (${madeFor.slice(0, 12)}…); its steps are applied to this file as they are`] : [];
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
