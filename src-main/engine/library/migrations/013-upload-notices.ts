import type { Migration } from './migration.ts';

/**
 * What an upload decided that the photographer must hear about (issue 11): a file whose bytes
 * Immich already holds as ANOTHER photo's asset, or in a stack Lightbox did not make, is left alone
 * and not stacked; the notices say which and why. The asset ids are indexed because every duplicate
 * answer is checked against the other photos' records before it is taken as this photo's.
 */
export const migration013: Migration = {
  version: 13,
  name: 'upload-notices',
  up(db) {
    db.exec(`
      ALTER TABLE uploads ADD COLUMN notices_json TEXT NOT NULL DEFAULT '[]';
      CREATE INDEX uploads_original_asset ON uploads(original_asset_id) WHERE original_asset_id IS NOT NULL;
      CREATE INDEX uploads_processed_asset ON uploads(processed_asset_id) WHERE processed_asset_id IS NOT NULL;
    `);
  },
};
