import type { Db } from './database.ts';

/** A stored recipe as written. The JSON is returned unparsed: the recipes service validates and migrates it. */
export type StoredRecipe = { photoId: number; json: unknown; revision: number; updatedAt: string };

/** One recipe per photo; every save is a new revision (see migration 003). */
export class RecipesRepo {
  #db;
  #get;
  #upsert;
  #unrendered;

  constructor(db: Db) {
    this.#db = db;
    this.#get = db.prepare<[number], { photo_id: number; recipe_json: string; revision: number; updated_at: string }>(
      'SELECT photo_id, recipe_json, revision, updated_at FROM recipes WHERE photo_id = ?',
    );
    this.#upsert = db.prepare<[Record<string, unknown>]>(`
      INSERT INTO recipes (photo_id, recipe_json, revision, updated_at) VALUES (@photoId, @json, 1, @now)
      ON CONFLICT (photo_id) DO UPDATE SET recipe_json = excluded.recipe_json, revision = recipes.revision + 1, updated_at = excluded.updated_at`);
    this.#unrendered = db.prepare<[], { photoId: number; revision: number }>(`
      SELECT r.photo_id AS photoId, r.revision FROM recipes r
      WHERE NOT EXISTS (SELECT 1 FROM renders x WHERE x.photo_id = r.photo_id AND x.revision = r.revision AND x.target = 'main')
        AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = 'render' AND j.subject = CAST(r.photo_id AS TEXT)
                        AND j.state IN ('queued', 'running', 'failed', 'dead'))
      ORDER BY r.photo_id`);
  }

  /**
   * Recipes whose current revision has no main render and no render job that is waiting, running or
   * dead: a crash came between storing the edit and queueing its render. (A dead render stays
   * dead until the photographer retries it; it is not re-queued at every start.)
   */
  unrendered(): Array<{ photoId: number; revision: number }> {
    return this.#unrendered.all();
  }

  get(photoId: number): StoredRecipe | null {
    const row = this.#get.get(photoId);
    return row ? { photoId: row.photo_id, json: JSON.parse(row.recipe_json), revision: row.revision, updatedAt: row.updated_at } : null;
  }

  /**
   * Stores `recipe` as the photo's next revision and returns it. `expectedRevision` (0 = none yet)
   * makes the read-modify-write of undo/redo/preset safe against a concurrent change: a mismatch
   * returns null and nothing is written. `within` runs in the same transaction, after the write,
   * with the new revision: what must be stored together with this revision or not at all.
   */
  save(photoId: number, recipe: unknown, expectedRevision?: number, within?: (revision: number) => void): number | null {
    return this.#db.transaction(() => {
      const current = this.#get.get(photoId)?.revision ?? 0;
      if (expectedRevision !== undefined && expectedRevision !== current) return null;
      this.#upsert.run({ photoId, json: JSON.stringify(recipe), now: new Date().toISOString() });
      within?.(current + 1);
      return current + 1;
    }).immediate();
  }
}
