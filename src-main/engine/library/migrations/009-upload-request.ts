import type { Migration } from './migration.ts';

/**
 * "Upload" on a selection (issue 6's batch actions): the photographer sends these photos now,
 * whatever their folder's upload setting. Kept on the photo's upload row, so a retry or a restart
 * still knows; null means the folder decides as before.
 */
export const migration009: Migration = {
  version: 9,
  name: 'upload-request',
  up(db) {
    db.exec(`ALTER TABLE uploads ADD COLUMN requested TEXT CHECK (requested IN ('both', 'processed', 'original'));`);
  },
};
