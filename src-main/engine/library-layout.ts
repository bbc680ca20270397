import path from 'node:path';

/**
 * The library folder's layout (DESIGN §2). Everything under cache/ is rebuildable; originals/ is
 * written once per file and never again.
 */
export type LibraryLayout = {
  root: string;
  database: string;
  originalsDir: string;
  thumbPath(photoId: number): string;
  previewPath(photoId: number): string;
  absolute(relativePath: string): string;
};

export function libraryLayout(root: string): LibraryLayout {
  const resolved = path.resolve(root);
  // Shard by id so no folder grows past a few thousand entries on large libraries.
  const shard = (id: number) => String(id % 256).padStart(3, '0');
  return {
    root: resolved,
    database: path.join(resolved, 'lightbox.db'),
    originalsDir: path.join(resolved, 'originals'),
    thumbPath: (id) => path.join(resolved, 'cache', 'thumbs', shard(id), `${id}.jpg`),
    previewPath: (id) => path.join(resolved, 'cache', 'previews', shard(id), `${id}.jpg`),
    absolute: (relativePath) => path.join(resolved, relativePath),
  };
}
