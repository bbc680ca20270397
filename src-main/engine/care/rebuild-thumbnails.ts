import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CareRepo, pages } from '../library/care-repo.ts';
import type { Library } from '../library/index.ts';
import type { LibraryLayout } from '../library/library-layout.ts';
import { makeDerivatives, openImage } from '../media/index.ts';

/**
 * Makes the thumbnail of every photo that has none (a restored library, a cache folder someone
 * emptied): the grid shows thumbnails only, and unlike previews they are not made on demand.
 * Photos whose pixels could not be read keep having none. Returns how many were made.
 */
export async function rebuildThumbnails(deps: { library: Library; layout: LibraryLayout }, signal?: AbortSignal): Promise<number> {
  const repo = new CareRepo(deps.library.db);
  let made = 0;
  for await (const rows of pages((after, limit) => repo.originalsAfter(after, limit), (r) => r.photoId)) {
    for (const row of rows) {
      signal?.throwIfAborted();
      const thumbPath = deps.layout.thumbPath(row.photoId);
      if (await access(thumbPath).then(() => true, () => false)) continue;
      const photo = deps.library.photos.get(row.photoId);
      if (!photo || photo.error || photo.mediaRev === 0) continue;
      const image = await openImage(deps.layout.absolute(row.path), { verify: false }).catch(() => null);
      if (!image) continue;
      await mkdir(path.dirname(thumbPath), { recursive: true });
      await makeDerivatives(image, { thumbPath });
      made++;
    }
  }
  return made;
}
