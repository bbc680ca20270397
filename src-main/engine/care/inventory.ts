import { CareRepo, pages, type OriginalRow, type RenderRow } from '../library/care-repo.ts';
import type { Db } from '../library/index.ts';
import { photoYearMonth, type LibraryLayout } from '../library/library-layout.ts';

/** The `.xmp` beside a processed file (`x_3.jpg` -> `x_3.xmp`), library-relative with `/`. */
export const sidecarOf = (relativePath: string): string => relativePath.replace(/\.[^./]+$/, '.xmp');

export type Inventory = {
  originals: OriginalRow[];
  renders: RenderRow[];
  /** Portable recipe copies (recipes/YYYY/MM/{sha8}.json), one per photo with a recipe. */
  recipeCopies: Array<{ photoId: number; path: string }>;
};

/**
 * Every file the database says the library holds, read page by page. `db` is the live library or
 * a backup's snapshot: the same questions tell verify what to hash and a backup what to copy.
 */
export async function readInventory(db: Db, layout: Pick<LibraryLayout, 'recipeCopyRelative'>): Promise<Inventory> {
  const repo = new CareRepo(db);
  const inventory: Inventory = { originals: [], renders: [], recipeCopies: [] };
  for await (const rows of pages((after, limit) => repo.originalsAfter(after, limit), (r) => r.photoId)) inventory.originals.push(...rows);
  for await (const rows of pages((after, limit) => repo.rendersAfter(after, limit), (r) => r.id)) inventory.renders.push(...rows);
  for await (const rows of pages((after, limit) => repo.recipeCopiesAfter(after, limit), (r) => r.photoId)) {
    for (const row of rows) {
      inventory.recipeCopies.push({ photoId: row.photoId, path: layout.recipeCopyRelative({ yearMonth: photoYearMonth(row), sha256: row.sha256 }) });
    }
  }
  return inventory;
}

/** Every library-relative path the inventory names (originals, renders, their sidecars, recipe copies). */
export function knownPaths(inventory: Inventory): Set<string> {
  const known = new Set<string>();
  for (const row of inventory.originals) known.add(row.path);
  for (const row of inventory.renders) {
    known.add(row.path);
    known.add(sidecarOf(row.path));
  }
  for (const copy of inventory.recipeCopies) known.add(copy.path);
  return known;
}
