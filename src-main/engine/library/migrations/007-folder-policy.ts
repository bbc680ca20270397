import type { Migration } from './migration.ts';

/**
 * Per-folder processing policy (issues 4 and 6): presets applied to every photo a folder brings in,
 * and how its AI crop proposals are reviewed. Real columns with CHECKs, so a bad value is refused at
 * write time; existing folders get today's behaviour (no presets, follow the library setting).
 *
 * `folder_presets_applied` remembers which policy preset went into which photo, written in the same
 * transaction as the recipe revision it made: a retried job, a restart after a crash or a re-ingest
 * can then never stack a preset twice (nor overwrite an edit made after it).
 */
export const migration007: Migration = {
  version: 7,
  name: 'folder-policy',
  up(db) {
    db.exec(`
      ALTER TABLE folders ADD COLUMN presets_json TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE folders ADD COLUMN crop_review TEXT NOT NULL DEFAULT 'library'
        CHECK (crop_review IN ('library', 'always', 'threshold', 'never'));
      ALTER TABLE folders ADD COLUMN crop_threshold REAL NOT NULL DEFAULT 0.8
        CHECK (crop_threshold >= 0 AND crop_threshold <= 1);

      CREATE TABLE folder_presets_applied (
        photo_id   INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        preset_id  TEXT NOT NULL,
        revision   INTEGER NOT NULL,
        applied_at TEXT NOT NULL,
        PRIMARY KEY (photo_id, preset_id)
      ) STRICT;
    `);
  },
};
