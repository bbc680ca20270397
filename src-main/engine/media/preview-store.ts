import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Library } from '../library/index.ts';
import type { LibraryLayout } from '../library/library-layout.ts';
import { openImage } from './decode.ts';
import { makePreview, writeAtomically } from './derivatives.ts';
import { PreviewCache } from './preview-cache.ts';
import { DiskFullError, findDiskFull } from '../base/disk-space.ts';
import sharp from 'sharp';

export type PreviewStore = {
  /** The preview file of a photo, made now if it is not there yet; null when the photo has none. */
  ensure(photoId: number): Promise<string | null>;
  /**
   * A 1024 px copy of the preview for the editing preview path: a recipe on it renders in a
   * third of the time the 2048 px preview takes (bench/render: p95 55 vs 180 ms).
   */
  ensureEdit(photoId: number): Promise<string | null>;
  /** The size cap and its least-recently-used eviction. */
  cache: PreviewCache;
};

export type PreviewStoreDeps = {
  library: Library;
  layout: LibraryLayout;
  maxPixels?: number;
  concurrency?: number;
  /** Bytes the previews may take (Settings' cache cap), read at every check. */
  capBytes?: () => number;
  /** A preview could not be written for want of space: shown as a thumbnail meanwhile, and said here. */
  diskFull?: (error: DiskFullError) => void;
};

const EDIT_EDGE = 1024;

/**
 * Previews of JPEG and RAW photos are made when first asked for (loupe, render preview path), not
 * at ingest: at ingest they cost four times the thumbnail and most photos of a shoot are only ever
 * seen in the grid. One request per photo at a time (a second asker waits for the same file), and
 * at most `concurrency` decodes at once so a burst of loupe requests cannot starve ingest.
 *
 * Previews and working copies stay under a size cap (preview-cache.ts): an evicted one is made again
 * here when asked for. A write that finds the disk full first evicts old previews to make room and
 * tries once more; failing that, the thumbnail stands in (the loupe shows a smaller image, never a
 * broken one) and `diskFull` is told.
 */
export function createPreviewStore(deps: PreviewStoreDeps): PreviewStore {
  const inFlight = new Map<number, Promise<string | null>>();
  const slots = new Slots(deps.concurrency ?? 2);
  const { cacheDirs } = deps.layout;
  const cache = new PreviewCache({ dirs: [cacheDirs.previews, cacheDirs.edit], thumbsDir: cacheDirs.thumbs, cap: deps.capBytes ?? (() => Number.POSITIVE_INFINITY) });

  /** Writes through `write`; on a full disk, evicts what the write needs (twice over) and tries once more. */
  async function roomy<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      const full = findDiskFull(error);
      if (!full) throw error;
      if ((await cache.makeRoom(2 * (full.neededBytes ?? 4 * 1024 * 1024))) === 0) throw error;
      return write();
    }
  }

  /** The thumbnail in place of a preview that could not be written for want of space. */
  async function standIn(photoId: number, error: unknown): Promise<string | null> {
    const full = findDiskFull(error);
    if (!full) throw error;
    deps.diskFull?.(full);
    const thumb = deps.layout.thumbPath(photoId);
    return (await exists(thumb)) ? thumb : null;
  }

  async function make(photoId: number, file: string): Promise<string | null> {
    const photo = deps.library.photos.get(photoId);
    // No original yet, or one the decoder already refused: there is nothing to show.
    if (!photo?.originalPath || photo.error || photo.mediaRev === 0) return null;
    return slots.run(async () => {
      if (await exists(file)) return file;
      const image = await openImage(deps.layout.absolute(photo.originalPath!), { maxPixels: deps.maxPixels, verify: false });
      try {
        const info = await roomy(async () => {
          await mkdir(path.dirname(file), { recursive: true });
          return makePreview(image, file);
        });
        cache.written(file, info.bytes);
        return file;
      } catch (error) {
        return standIn(photoId, error);
      }
    });
  }

  const editInFlight = new Map<number, Promise<string | null>>();

  async function ensure(photoId: number): Promise<string | null> {
    const file = deps.layout.previewPath(photoId);
    if (await exists(file)) {
      cache.used(file);
      return file;
    }
    let pending = inFlight.get(photoId);
    if (!pending) {
      pending = make(photoId, file).finally(() => inFlight.delete(photoId));
      inFlight.set(photoId, pending);
    }
    return pending;
  }

  async function makeEdit(photoId: number, file: string): Promise<string | null> {
    const preview = await ensure(photoId);
    if (!preview) return null;
    const small = await sharp(preview).resize(EDIT_EDGE, EDIT_EDGE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 90 }).toBuffer();
    try {
      await roomy(async () => {
        await mkdir(path.dirname(file), { recursive: true });
        await writeAtomically(file, small);
      });
    } catch (error) {
      // The preview (or the thumbnail standing in for it) renders the edit too, only slower.
      await standIn(photoId, error);
      return preview;
    }
    cache.written(file, small.length);
    return file;
  }

  return {
    ensure,
    cache,
    async ensureEdit(photoId) {
      const file = deps.layout.editPreviewPath(photoId);
      if (await exists(file)) {
        cache.used(file);
        return file;
      }
      let pending = editInFlight.get(photoId);
      if (!pending) {
        pending = makeEdit(photoId, file).finally(() => editInFlight.delete(photoId));
        editInFlight.set(photoId, pending);
      }
      return pending;
    },
  };
}

const exists = (file: string) => access(file).then(() => true, () => false);

/** A counting semaphore: run() waits for a free slot. */
class Slots {
  #free: number;
  readonly #waiting: Array<() => void> = [];
  constructor(count: number) {
    this.#free = count;
  }
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free += 1;
    }
  }
}
