import path from 'node:path';
import { buildXmpSidecar } from '../render/pipeline/index.ts';
import type { RecipesService } from './recipes-service.ts';

/**
 * The sidecar that goes next to the original (`IMG_1.xmp`): the recipe's crop as Camera Raw
 * settings on the stored image, the photographer's stars (a reject flag as -1), the caption and
 * keywords the file came with.
 */
export function originalSidecar(recipes: RecipesService, photoId: number): { fileName: string; xmp: string } {
  const { photo, recipe } = recipes.current(photoId);
  const rating = photo.flag === 'reject' ? -1 : photo.rating || undefined;
  const xmp = buildXmpSidecar({
    recipe,
    orientation: photo.orientation ?? 1,
    ...(photo.width && photo.height ? { imageSize: { width: photo.width, height: photo.height } } : {}),
    ...(rating !== undefined ? { rating } : {}),
    ...(photo.metadata?.description ? { description: photo.metadata.description } : {}),
    ...(photo.metadata?.keywords.length ? { keywords: photo.metadata.keywords } : {}),
  });
  return { fileName: `${path.parse(photo.fileName).name}.xmp`, xmp };
}
