import { createHash } from 'node:crypto';
import type { Photo } from '../../contract/index.ts';
import type { ApprovalSource, ProcessedSource } from '../immich/processed-source.ts';
import type { LibraryLayout } from '../library/library-layout.ts';
import type { Library } from '../library/index.ts';
import { needsReview } from '../recipes/ai-review.ts';
import { parseRecipe } from '../recipes/validate.ts';

/**
 * What the uploader sends as the processed file: the main render of the photo's CURRENT recipe
 * revision. Without one, a render is requested and the uploader waits (the render's success queues
 * the upload again), so an outdated version is never uploaded as the cover.
 */
export function processedFromRenders(library: Library, layout: LibraryLayout, requestRender: (photoId: number) => void): ProcessedSource {
  return async (photoId) => {
    const stored = library.recipes.get(photoId);
    const render = stored && library.renders.forPhoto(photoId).find((r) => r.revision === stored.revision && r.target === 'main');
    if (!stored || !render) {
      requestRender(photoId);
      return null;
    }
    const recipeHash = createHash('sha256').update(JSON.stringify(stored.json)).digest('hex');
    return { path: layout.absolute(render.path), revision: render.revision, recipeHash };
  };
}

/**
 * Approved = ingested cleanly and nothing in its recipe waits for review (an AI crop the
 * photographer has not accepted yet). A photo without a recipe has nothing to review.
 */
export function approvedFromRecipes(library: Library): ApprovalSource {
  return (photo: Photo) => {
    if (photo.error !== null || photo.format === null) return false;
    const stored = library.recipes.get(photo.id);
    if (!stored) return true;
    try {
      return !needsReview(parseRecipe(stored.json));
    } catch {
      return false;
    }
  };
}
