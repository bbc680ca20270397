import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { MediaWarning, Photo } from '../../contract/index.ts';
import type { Library, PhotoMedia } from '../library/index.ts';
import type { JobContext, JobData } from '../jobs/index.ts';
import type { LibraryLayout } from '../library/library-layout.ts';
import { MediaError } from './media-error.ts';
import { openImage } from './decode.ts';
import { readMetadata } from './metadata.ts';
import { makeDerivatives, previewAtIngest } from './derivatives.ts';

export type DeriveDeps = {
  library: Library;
  layout: LibraryLayout;
  maxPixels?: number;
  /** A preview made at ingest goes under the cache's cap like the ones made on demand (preview-cache.ts). */
  previewWritten?: (file: string, bytes: number) => void;
};

/**
 * Reads a stored original once: metadata, oriented dimensions, thumbnail (and the preview where a
 * second decode later would cost as much as the first, see previewAtIngest). A file the
 * decoder rejects gets its specific error on the photo (the job itself is done: retrying a
 * truncated JPEG will not un-truncate it); anything else is thrown so the queue retries.
 */
export function createDeriveHandler(deps: DeriveDeps) {
  const { library, layout } = deps;
  return async (job: JobData<'derive'>, _ctx: JobContext): Promise<void> => {
    const photo = library.photos.get(job.photoId);
    if (!photo?.originalPath) return;
    const original = layout.absolute(photo.originalPath);
    // Metadata was read at ingest (source + sidecar); a photo stored by an older version has none.
    const known = photo.metadata ? fromPhoto(photo) : await readMetadata(original);
    try {
      // The thumbnail decodes every pixel with the same failOn rule, so it is the truncation check.
      const image = await openImage(original, { maxPixels: deps.maxPixels, verify: false });
      const thumbPath = layout.thumbPath(photo.id);
      const previewPath = previewAtIngest(image.format) ? layout.previewPath(photo.id) : undefined;
      await Promise.all([thumbPath, previewPath].map((file) => file && mkdir(path.dirname(file), { recursive: true })));
      const made = await makeDerivatives(image, { thumbPath, previewPath });
      if (previewPath && made.preview) deps.previewWritten?.(previewPath, made.preview.bytes);
      library.db.transaction(() => {
        library.photos.setMedia(photo.id, {
          ...known,
          format: image.format,
          width: image.width,
          height: image.height,
          orientation: image.orientation,
          warnings: mergeWarnings(known.warnings, image.warnings),
        });
        library.photos.setError(photo.id, null);
        library.photos.bumpMediaRev(photo.id);
      })();
    } catch (error) {
      // Only the file's own faults belong on the photo; a full disk or a lost mount is retried.
      if (!(error instanceof MediaError) || error.code === 'store-failed') throw error;
      library.db.transaction(() => {
        library.photos.setMedia(photo.id, { ...known, format: null, width: null, height: null });
        library.photos.setError(photo.id, { code: error.code, message: error.message });
      })();
    }
  };
}

type Known = Omit<PhotoMedia, 'format' | 'width' | 'height'>;

function fromPhoto(photo: Photo): Known {
  return { orientation: photo.orientation, captureDate: photo.captureDate, captureInstant: photo.captureInstant ?? null, gps: photo.gps, metadata: photo.metadata, warnings: photo.warnings };
}

/** A retried derive must not list the same decoder warning twice. */
function mergeWarnings(a: MediaWarning[], b: MediaWarning[]): MediaWarning[] {
  const seen = new Set(a.map((w) => `${w.code}\u0000${w.message}`));
  return [...a, ...b.filter((w) => !seen.has(`${w.code}\u0000${w.message}`))];
}
