import path from 'node:path';

/**
 * The library folder's layout (DESIGN §2). Everything under cache/ is rebuildable; originals/ is
 * written once per file and never again.
 */
export type LibraryLayout = {
  root: string;
  database: string;
  originalsDir: string;
  /** cache/thumbs, cache/previews and cache/edit: what thumbPath, previewPath and editPreviewPath shard into. */
  cacheDirs: { thumbs: string; previews: string; edit: string };
  thumbPath(photoId: number): string;
  previewPath(photoId: number): string;
  /** The 1024 px working copy the editing preview path renders from. */
  editPreviewPath(photoId: number): string;
  absolute(relativePath: string): string;
  /** `processed/YYYY/MM/{sha8}_{rev}.{ext}`; an export target adds `_{target}` before the extension. */
  processedRelative(file: { yearMonth: string; sha256: string; revision: number; ext: string; target?: string }): string;
  /** `recipes/YYYY/MM/{sha8}.json`: the portable copy of a photo's recipe. */
  recipeCopyRelative(file: { yearMonth: string; sha256: string }): string;
};

/**
 * The `YYYY/MM` a photo's derived files go under: the same month as its original (the capture date
 * picked it at ingest), so processed files and recipes sit beside the originals they came from.
 */
export function photoYearMonth(photo: { originalPath: string | null; createdAt: string }): string {
  const match = photo.originalPath ? /^originals\/(\d{4})\/(\d{2})\//.exec(photo.originalPath) : null;
  if (match) return `${match[1]}/${match[2]}`;
  return photo.createdAt.slice(0, 7).replace('-', '/');
}

export function libraryLayout(root: string): LibraryLayout {
  const resolved = path.resolve(root);
  // Shard by id so no folder grows past a few thousand entries on large libraries.
  const shard = (id: number) => String(id % 256).padStart(3, '0');
  return {
    root: resolved,
    database: path.join(resolved, 'lightbox.db'),
    originalsDir: path.join(resolved, 'originals'),
    cacheDirs: { thumbs: path.join(resolved, 'cache', 'thumbs'), previews: path.join(resolved, 'cache', 'previews'), edit: path.join(resolved, 'cache', 'edit') },
    thumbPath: (id) => path.join(resolved, 'cache', 'thumbs', shard(id), `${id}.jpg`),
    previewPath: (id) => path.join(resolved, 'cache', 'previews', shard(id), `${id}.jpg`),
    editPreviewPath: (id) => path.join(resolved, 'cache', 'edit', shard(id), `${id}.jpg`),
    absolute: (relativePath) => path.join(resolved, relativePath),
    processedRelative: ({ yearMonth, sha256, revision, ext, target }) =>
      `processed/${yearMonth}/${sha256.slice(0, 8)}_${revision}${target && target !== 'main' ? `_${target}` : ''}.${ext}`,
    recipeCopyRelative: ({ yearMonth, sha256 }) => `recipes/${yearMonth}/${sha256.slice(0, 8)}.json`,
  };
}
