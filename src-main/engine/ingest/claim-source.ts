import type { Library } from '../library/index.ts';

export type SourceToClaim = {
  folderId: number | null;
  /** The file ingest reads (a hot-folder path, an upload in the library's inbox). */
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string;
  sha1: string;
  fileName: string;
  /** What the photo shows as its source; the path unless the file is the library's own (an upload). */
  sourcePath?: string;
};

/**
 * Intent first, bytes second: the photo row (without an original yet) claims this content, so a
 * crash can never leave a stored original that no row points to, and a byte-identical file arriving
 * meanwhile is recorded as a duplicate of the same photo. One transaction; the caller stores the
 * bytes afterwards (ingest-handler.ts `ensureStored`).
 */
export function claimSource(library: Library, source: SourceToClaim): { photoId: number; isNew: boolean } {
  return library.db.transaction(() => {
    const file = { folderId: source.folderId, path: source.path, size: source.size, mtimeMs: source.mtimeMs, sha256: source.sha256, error: null };
    const existing = library.photos.findBySha256(source.sha256);
    if (existing) {
      library.files.record({ ...file, photoId: existing.id, outcome: 'duplicate' });
      return { photoId: existing.id, isNew: false };
    }
    const photoId = library.photos.insert({
      folderId: source.folderId,
      sha256: source.sha256,
      sha1: source.sha1,
      fileName: source.fileName,
      sourcePath: source.sourcePath ?? source.path,
      bytes: source.size,
      originalPath: null,
      error: null,
      captureDate: null,
    });
    library.files.record({ ...file, photoId, outcome: 'ingested' });
    return { photoId, isNew: true };
  })();
}
