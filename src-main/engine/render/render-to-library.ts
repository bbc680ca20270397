import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Photo, Recipe, RenderOutput, RenderTarget } from '../../contract/index.ts';
import { newRecipe } from '../recipes/create.ts';
import { buildXmpSidecar, exportTarget, renderRecipe, type ExportTarget } from './pipeline/index.ts';
import { photoYearMonth, type LibraryLayout } from '../library/library-layout.ts';
import type { RenderRecord } from '../library/index.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { FILE_EXTENSIONS, targetKey } from './target-key.ts';

export type RenderedFile = RenderOutput & { record: RenderRecord };

/**
 * Renders one output of a photo's recipe from its ORIGINAL and writes it, with its XMP sidecar,
 * under processed/YYYY/MM/{sha8}_{rev}[_{target}].{ext}. Same recipe + same original gives the same
 * bytes (the renderer is deterministic), so a retried job rewrites an identical file.
 */
export async function renderToLibrary(
  layout: LibraryLayout,
  photo: Photo & { sha256: string; originalPath: string },
  recipe: Recipe,
  revision: number,
  target: RenderTarget | undefined,
): Promise<RenderedFile> {
  const original = layout.absolute(photo.originalPath);
  const image = await renderRecipe({ path: original }, recipe, target ? { target: exportTarget(target.id, target.strategy, target.background as ExportTarget['background']) } : {});
  const key = targetKey(target);
  const relativePath = layout.processedRelative({
    yearMonth: photoYearMonth(photo),
    sha256: photo.sha256,
    revision,
    ext: FILE_EXTENSIONS[image.info.format],
    target: key,
  });
  const absolute = layout.absolute(relativePath);
  await writeFileAtomic(absolute, image.data);
  // Written after the image: a sidecar without its image would describe nothing. An image whose
  // sidecar could not be written (a full disk) is removed: a render is both files or neither.
  await writeFileAtomic(sidecarPath(absolute), processedSidecar(photo)).catch(async (error: unknown) => {
    await rm(absolute, { force: true });
    throw error;
  });
  const sha256 = createHash('sha256').update(image.data).digest('hex');
  const record: RenderRecord = {
    photoId: photo.id, revision, target: key, path: relativePath, bytes: image.data.length, sha256,
    width: image.info.width, height: image.info.height, createdAt: new Date().toISOString(),
  };
  return { target: key, path: absolute, relativePath, bytes: record.bytes, sha256, width: record.width, height: record.height, record };
}

/** `x_3.jpg` -> `x_3.xmp`: Lightroom's convention (the name without its extension). */
export function sidecarPath(file: string): string {
  return path.join(path.dirname(file), `${path.basename(file, path.extname(file))}.xmp`);
}

/**
 * The processed file's pixels are already cropped, straightened and turned, and carry no EXIF
 * orientation: its sidecar must say "no crop, orientation 1", or Lightroom would crop it a second
 * time. It carries what the photographer said about the photo (rating, caption, keywords).
 */
function processedSidecar(photo: Photo & { sha256: string }): string {
  const meta = photo.metadata;
  const rating = meta?.rating;
  return buildXmpSidecar({
    recipe: newRecipe(photo.sha256),
    orientation: 1,
    rating: rating !== null && rating !== undefined && Number.isInteger(rating) && rating >= -1 && rating <= 5 ? rating : undefined,
    description: meta?.description ?? undefined,
    keywords: meta?.keywords ?? [],
  });
}
