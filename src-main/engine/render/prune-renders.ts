import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Library } from '../library/index.ts';
import { photoYearMonth, type LibraryLayout } from '../library/library-layout.ts';
import { sidecarPath } from './render-to-library.ts';

/** How many rendered revisions of a photo stay on disk unless the library says otherwise. */
export const DEFAULT_KEEP_REVISIONS = 2;

const RENDER_FILE = /^([0-9a-f]{8})_(\d+)(?:_[a-z0-9-]+)?\.(?:jpg|webp|avif|tif|png|xmp)$/;

/**
 * Deletes the files and rows of all but the newest `keep` rendered revisions (the current revision
 * is always kept). Only files under processed/ are ever removed, so an original cannot be touched
 * whatever a row says. Also removes files of older revisions that have no row (a crash between
 * writing a file and recording it), when no row of any photo names them (two photos may share an
 * 8-hex prefix). Returns the revisions removed.
 */
export async function pruneRenders(library: Library, layout: LibraryLayout, photoId: number, keep: number): Promise<number[]> {
  const photo = library.photos.get(photoId);
  if (!photo?.sha256) return [];
  const records = library.renders.forPhoto(photoId);
  const revisions = [...new Set(records.map((r) => r.revision))].sort((a, b) => b - a);
  const kept = new Set(revisions.slice(0, Math.max(1, keep)));
  const current = library.recipes.get(photoId)?.revision;
  if (current !== undefined) kept.add(current);
  const removed: number[] = [];
  for (const revision of revisions) {
    if (kept.has(revision)) continue;
    for (const record of records.filter((r) => r.revision === revision)) {
      if (!isProcessed(record.path)) continue;
      const file = layout.absolute(record.path);
      await rm(file, { force: true });
      await rm(sidecarPath(file), { force: true });
    }
    library.renders.deleteRevision(photoId, revision);
    removed.push(revision);
  }
  await removeOrphans(library, layout, photo.sha256.slice(0, 8), photoYearMonth(photo), Math.min(...kept));
  return removed;
}

function isProcessed(relativePath: string): boolean {
  const normal = path.posix.normalize(relativePath.replaceAll('\\', '/'));
  return normal.startsWith('processed/') && !normal.includes('../');
}

async function removeOrphans(library: Library, layout: LibraryLayout, sha8: string, yearMonth: string, oldestKept: number): Promise<void> {
  const dirRelative = `processed/${yearMonth}`;
  const names = await readdir(layout.absolute(dirRelative)).catch(() => [] as string[]);
  const inUse = new Set(names.length ? library.renders.allPathsUnder(dirRelative) : []);
  for (const name of names) {
    const m = RENDER_FILE.exec(name);
    if (!m || m[1] !== sha8 || Number(m[2]) >= oldestKept) continue;
    const relative = `${dirRelative}/${name}`;
    const image = name.endsWith('.xmp') ? null : relative;
    // A sidecar stays while any image of that base name is recorded.
    const base = name.slice(0, name.lastIndexOf('.'));
    const recorded = image ? inUse.has(image) : [...inUse].some((p) => path.posix.basename(p).startsWith(`${base}.`));
    if (!recorded) await rm(layout.absolute(relative), { force: true });
  }
}
