import type { Db } from './database.ts';

/** A stored original as the photos table names it. */
export type OriginalRow = { photoId: number; path: string; sha256: string; bytes: number; fileName: string };

/** A rendered file; `current` when its revision is the photo's current recipe revision (it can be rendered again). */
export type RenderRow = { id: number; photoId: number; revision: number; target: string; path: string; sha256: string; bytes: number; current: boolean };

/** A photo with a recipe: where its portable recipe copy goes (render/recipe-copy.ts). */
export type RecipeCopyRow = { photoId: number; sha256: string; originalPath: string | null; createdAt: string };

/** A photo that claimed its bytes (a sha256) but has no stored original and no error saying why. */
export type UnstoredRow = { photoId: number; fileName: string; sourcePath: string; sha256: string };

/**
 * The questions library care asks (verify, backup, restore): every file the library should hold,
 * page by page in id order so a large library is read without holding the event loop for long.
 */
export class CareRepo {
  #originals;
  #renders;
  #recipeCopies;
  #unstored;
  #renderExists;
  #forgetRender;
  #originalOf;

  constructor(db: Db) {
    this.#originals = db.prepare<[number, number], OriginalRow>(`
      SELECT id AS photoId, original_path AS path, sha256, bytes, file_name AS fileName FROM photos
      WHERE id > ? AND original_path IS NOT NULL AND sha256 IS NOT NULL ORDER BY id LIMIT ?`);
    this.#renders = db.prepare<[number, number], Omit<RenderRow, 'current'> & { current: number }>(`
      SELECT x.id, x.photo_id AS photoId, x.revision, x.target, x.path, x.sha256, x.bytes,
        COALESCE(x.revision = (SELECT r.revision FROM recipes r WHERE r.photo_id = x.photo_id), 0) AS current
      FROM renders x WHERE x.id > ? ORDER BY x.id LIMIT ?`);
    this.#recipeCopies = db.prepare<[number, number], RecipeCopyRow>(`
      SELECT p.id AS photoId, p.sha256, p.original_path AS originalPath, p.created_at AS createdAt
      FROM recipes r JOIN photos p ON p.id = r.photo_id WHERE p.id > ? AND p.sha256 IS NOT NULL ORDER BY p.id LIMIT ?`);
    this.#unstored = db.prepare<[], UnstoredRow>(`
      SELECT id AS photoId, file_name AS fileName, source_path AS sourcePath, sha256 FROM photos
      WHERE original_path IS NULL AND sha256 IS NOT NULL AND error_code IS NULL ORDER BY id`);
    this.#renderExists = db
      .prepare<[number, number, string, string], number>('SELECT 1 FROM renders WHERE photo_id = ? AND revision = ? AND target = ? AND path = ?')
      .pluck();
    this.#forgetRender = db.prepare<[number, number, string]>('DELETE FROM renders WHERE photo_id = ? AND revision = ? AND target = ?');
    this.#originalOf = db.prepare<[number], OriginalRow>(`
      SELECT id AS photoId, original_path AS path, sha256, bytes, file_name AS fileName FROM photos
      WHERE id = ? AND original_path IS NOT NULL AND sha256 IS NOT NULL`);
  }

  originalsAfter(photoId: number, limit: number): OriginalRow[] {
    return this.#originals.all(photoId, limit);
  }

  rendersAfter(id: number, limit: number): RenderRow[] {
    return this.#renders.all(id, limit).map((row) => ({ ...row, current: row.current === 1 }));
  }

  recipeCopiesAfter(photoId: number, limit: number): RecipeCopyRow[] {
    return this.#recipeCopies.all(photoId, limit);
  }

  unstored(): UnstoredRow[] {
    return this.#unstored.all();
  }

  /** A render row read a moment ago may have been pruned since (a render job finished meanwhile). */
  renderStillRecorded(row: Pick<RenderRow, 'photoId' | 'revision' | 'target' | 'path'>): boolean {
    return this.#renderExists.get(row.photoId, row.revision, row.target, row.path) !== undefined;
  }

  forgetRender(row: Pick<RenderRow, 'photoId' | 'revision' | 'target'>): void {
    this.#forgetRender.run(row.photoId, row.revision, row.target);
  }

  original(photoId: number): OriginalRow | null {
    return this.#originalOf.get(photoId) ?? null;
  }
}

/** Reads every page of `page` (rows in id order, `key` their id), letting the event loop run between pages. */
export async function* pages<T>(page: (after: number, limit: number) => T[], key: (row: T) => number, size = 1000): AsyncGenerator<T[]> {
  let after = 0;
  for (;;) {
    const rows = page(after, size);
    if (rows.length === 0) return;
    yield rows;
    after = key(rows.at(-1)!);
    if (rows.length < size) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
