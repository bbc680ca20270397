import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Library } from '../library/index.ts';
import type { JobContext, JobData } from '../jobs/index.ts';
import type { LibraryLayout } from '../library-layout.ts';
import { MediaError } from './media-error.ts';
import { openImage } from './decode.ts';
import { readMetadata } from './metadata.ts';
import { makeDerivatives } from './derivatives.ts';

export type DeriveDeps = {
  library: Library;
  layout: LibraryLayout;
  maxPixels?: number;
};

/**
 * Reads a stored original once: metadata, oriented dimensions, thumbnail and preview. A file the
 * decoder rejects gets its specific error on the photo (the job itself is done: retrying a
 * truncated JPEG will not un-truncate it); anything else is thrown so the queue retries.
 */
export function createDeriveHandler(deps: DeriveDeps) {
  const { library, layout } = deps;
  return async (job: JobData<'derive'>, _ctx: JobContext): Promise<void> => {
    const photo = library.photos.get(job.photoId);
    if (!photo?.originalPath) return;
    const original = layout.absolute(photo.originalPath);
    const metadata = await readMetadata(original);
    try {
      const image = await openImage(original, { maxPixels: deps.maxPixels });
      const out = { thumbPath: layout.thumbPath(photo.id), previewPath: layout.previewPath(photo.id) };
      await Promise.all([mkdir(path.dirname(out.thumbPath), { recursive: true }), mkdir(path.dirname(out.previewPath), { recursive: true })]);
      await makeDerivatives(image, out);
      library.photos.setMedia(photo.id, {
        format: image.format,
        width: image.width,
        height: image.height,
        orientation: image.orientation,
        captureDate: metadata.captureDate,
        gps: metadata.gps,
        metadata: metadata.metadata,
        warnings: [...image.warnings, ...metadata.warnings],
      });
      library.photos.setError(photo.id, null);
      library.photos.bumpMediaRev(photo.id);
    } catch (error) {
      // Only the file's own faults belong on the photo; a full disk or a lost mount is retried.
      if (!(error instanceof MediaError) || error.code === 'store-failed') throw error;
      library.photos.setMedia(photo.id, {
        format: null,
        width: null,
        height: null,
        orientation: metadata.orientation,
        captureDate: metadata.captureDate,
        gps: metadata.gps,
        metadata: metadata.metadata,
        warnings: metadata.warnings,
      });
      library.photos.setError(photo.id, { code: error.code, message: error.message });
    }
  };
}
