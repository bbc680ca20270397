import type { Migration } from './migration.ts';

/**
 * Immich uploads (issue 5). One row per photo with what is known to exist on the server (the
 * uploader's PairState, saved after every id the server hands back, so a crash never uploads twice),
 * and per hot folder what to upload where. Folder settings live in their own table, keyed by folder,
 * so the folders table stays as it is. The server URL is a setting; the API key is never stored here.
 */
export const migration006: Migration = {
  version: 6,
  name: 'uploads',
  up(db) {
    db.exec(`
      CREATE TABLE uploads (
        photo_id           INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
        state              TEXT NOT NULL CHECK (state IN ('queued', 'uploading', 'waiting-render', 'waiting-approval', 'offline', 'paused', 'uploaded', 'failed')),
        original_asset_id  TEXT,
        processed_asset_id TEXT,
        processed_sha1     TEXT,
        processed_revision INTEGER,
        stack_id           TEXT,
        album_done         INTEGER NOT NULL DEFAULT 0,
        metadata_done      INTEGER NOT NULL DEFAULT 0,
        replaced_json      TEXT NOT NULL DEFAULT '[]',
        -- What the server said the last time each file was sent: created | duplicate (for summaries).
        original_outcome   TEXT,
        processed_outcome  TEXT,
        error_code         TEXT,
        error_message      TEXT,
        updated_at         TEXT NOT NULL
      ) STRICT;
      CREATE INDEX uploads_state ON uploads(state);

      CREATE TABLE folder_uploads (
        folder_id     INTEGER PRIMARY KEY REFERENCES folders(id) ON DELETE CASCADE,
        settings_json TEXT NOT NULL
      ) STRICT;
    `);
  },
};
