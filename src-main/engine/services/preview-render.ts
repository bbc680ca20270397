import { ApiError, type Recipe } from '../../contract/index.ts';
import type { PreviewStore } from '../media/preview-store.ts';
import { renderPreview } from '../render/pipeline/index.ts';
import { parseRecipe } from '../recipes/validate.ts';
import { recipeApiError, type RecipesService } from './recipes-service.ts';

/**
 * The loupe's working size. The source is the 1024 px working copy (previews.ensureEdit); the cap
 * keeps a recipe that enlarges (an extend frame) from growing past it.
 */
const EDIT_PREVIEW_EDGE = 1024;

export type PreviewRender = { dataUrl: string; width: number; height: number; ms: number };

/**
 * The preview path: a recipe (the stored one, or steps still being edited) on the photo's cached
 * preview, for instant feedback while a slider moves. Nothing is stored; the final render always
 * comes from the original.
 */
export async function renderEditPreview(
  deps: { recipes: RecipesService; previews: PreviewStore },
  input: { photoId: number; steps?: unknown[]; end?: number },
): Promise<PreviewRender> {
  const started = performance.now();
  const { photo, recipe: current } = deps.recipes.current(input.photoId);
  let recipe: Recipe = current;
  if (input.steps) {
    try {
      recipe = parseRecipe({ schema: 1, original: { sha256: photo.sha256 }, steps: input.steps, end: input.end ?? input.steps.length });
    } catch (error) {
      recipeApiError(error);
    }
  }
  const previewPath = await deps.previews.ensureEdit(input.photoId);
  if (!previewPath) throw new ApiError('bad-request', `Photo ${input.photoId} has no preview: ${photo.error?.message ?? 'its pixels could not be read'}.`);
  const rendered = await renderPreview(previewPath, recipe, { maxLongEdge: EDIT_PREVIEW_EDGE });
  return {
    dataUrl: `data:image/jpeg;base64,${rendered.data.toString('base64')}`,
    width: rendered.info.width,
    height: rendered.info.height,
    ms: performance.now() - started,
  };
}
