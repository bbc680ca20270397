import type { Db } from './database.ts';

/** A stored recipe as written. The JSON is returned unparsed: the recipes service validates and migrates it. */
export type StoredRecipe = { photoId: number; json: unknown; revision: number; updatedAt: string };

/** One recipe per photo; every save is a new revision (see migration 003). */
export class RecipesRepo {
  #db;
  #get;
  #upsert;

  constructor(db: Db) {
    this.#db = db;
    this.#get = db.prepare<[number], { photo_id: number; recipe_json: string; revision: number; updated_at: string }>(
      'SELECT photo_id, recipe_json, revision, updated_at FROM recipes WHERE photo_id = ?',
    );
    this.#upsert = db.prepare<[Record<string, unknown>]>(`
      INSERT INTO recipes (photo_id, recipe_json, revision, updated_at) VALUES (@photoId, @json, 1, @now)
      ON CONFLICT (photo_id) DO UPDATE SET recipe_json = excluded.recipe_json, revision = recipes.revision + 1, updated_at = excluded.updated_at`);
  }

  get(photoId: number): StoredRecipe | null {
    const row = this.#get.get(photoId);
    return row ? { photoId: row.photo_id, json: JSON.parse(row.recipe_json), revision: row.revision, updatedAt: row.updated_at } : null;
  }

  /**
   * Stores `recipe` as the photo's next revision and returns it. `expectedRevision` (0 = none yet)
   * makes the read-modify-write of undo/redo/preset safe against a concurrent change: a mismatch
   * returns null and nothing is written.
   */
  save(photoId: number, recipe: unknown, expectedRevision?: number): number | null {
    return this.#db.transaction(() => {
      const current = this.#get.get(photoId)?.revision ?? 0;
      if (expectedRevision !== undefined && expectedRevision !== current) return null;
      this.#upsert.run({ photoId, json: JSON.stringify(recipe), now: new Date().toISOString() });
      return current + 1;
    }).immediate();
  }
}
