import type { Migration } from './migration.ts';

/**
 * Per-folder auto-enhance policy (issue 12), beside the crop review policy of migration 007: follow
 * the library setting, off, proposed for review, or applied at once from a confidence. Real columns
 * with CHECKs like the crop policy's; existing folders follow the library.
 */
export const migration015: Migration = {
  version: 15,
  name: 'enhance-policy',
  up(db) {
    db.exec(`
      ALTER TABLE folders ADD COLUMN enhance_review TEXT NOT NULL DEFAULT 'library'
        CHECK (enhance_review IN ('library', 'off', 'propose', 'apply'));
      ALTER TABLE folders ADD COLUMN enhance_threshold REAL NOT NULL DEFAULT 0.8
        CHECK (enhance_threshold >= 0 AND enhance_threshold <= 1);
    `);
  },
};
