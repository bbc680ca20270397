import type { Db } from './database.ts';

/**
 * Which folder-policy preset already went into which photo (migration 007). The row is written in
 * the transaction that stores the recipe revision it made (RecipesRepo.save's `within`), so "applied"
 * and "recorded" can never disagree after a crash.
 */
export class PolicyPresetsRepo {
  #has;
  #insert;
  #list;

  constructor(db: Db) {
    this.#has = db.prepare<[number, string], { n: number }>('SELECT 1 AS n FROM folder_presets_applied WHERE photo_id = ? AND preset_id = ?');
    this.#insert = db.prepare<[number, string, number, string]>(
      'INSERT OR IGNORE INTO folder_presets_applied (photo_id, preset_id, revision, applied_at) VALUES (?, ?, ?, ?)',
    );
    this.#list = db.prepare<[number], { presetId: string; revision: number }>(
      'SELECT preset_id AS presetId, revision FROM folder_presets_applied WHERE photo_id = ? ORDER BY revision, preset_id',
    );
  }

  applied(photoId: number, presetId: string): boolean {
    return this.#has.get(photoId, presetId) !== undefined;
  }

  record(photoId: number, presetId: string, revision: number): void {
    this.#insert.run(photoId, presetId, revision, new Date().toISOString());
  }

  forPhoto(photoId: number): Array<{ presetId: string; revision: number }> {
    return this.#list.all(photoId);
  }
}
