import type { Migration } from './migration.ts';

/**
 * The review window's own columns: the photographer's stars and pick/reject flag. No indexes: the
 * grid's queries sort ids in memory faster than an index helps at library sizes (10,000 photos:
 * under 10 ms a page), and the stage filter must derive the stage of every row anyway.
 */
export const migration005: Migration = {
  version: 5,
  name: 'photo-rating-flag',
  up(db) {
    db.exec(`
      ALTER TABLE photos ADD COLUMN rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5);
      ALTER TABLE photos ADD COLUMN flag TEXT CHECK (flag IN ('pick', 'reject'));
    `);
  },
};
