import type { Migration } from './migration.ts';

/**
 * Recipes, renders and presets (DESIGN §2, §3). SQLite is the source of truth for recipes; the JSON
 * files under recipes/ are portable copies.
 *
 * - `recipes`: one row per photo. `recipe_json` is the whole recipe, redo tail included: its `end`
 *   pointer is the undo history (darktable's history_end). `revision` grows by one on every change
 *   (edit, undo, redo, preset), so a render can say which state of the recipe it shows.
 * - `renders`: one row per written file, keyed by (photo, revision, target). `path` is relative to
 *   the library so a moved library keeps working.
 * - `presets`: recipes without an original. `id` is the text that appears in `preset:<id>` step
 *   sources, so it is a stable string, not a rowid.
 */
export const migration003: Migration = {
  version: 3,
  name: 'recipes',
  up(db) {
    db.exec(`
      CREATE TABLE recipes (
        photo_id    INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
        recipe_json TEXT NOT NULL,
        revision    INTEGER NOT NULL CHECK (revision > 0),
        updated_at  TEXT NOT NULL
      ) STRICT;

      CREATE TABLE renders (
        id         INTEGER PRIMARY KEY,
        photo_id   INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        revision   INTEGER NOT NULL,
        target     TEXT NOT NULL,
        path       TEXT NOT NULL,
        bytes      INTEGER NOT NULL,
        sha256     TEXT NOT NULL,
        width      INTEGER NOT NULL,
        height     INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (photo_id, revision, target)
      ) STRICT;

      CREATE TABLE presets (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        steps_json TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX presets_name ON presets(name);
    `);
  },
};
