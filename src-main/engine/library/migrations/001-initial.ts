import type { Migration } from './migration.ts';

/**
 * The first schema. STRICT tables so a wrong type is an error at write time, not a surprise at read
 * time. Folder options are JSON: a new option with a zod default needs no migration.
 */
export const migration001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE folders (
        id           INTEGER PRIMARY KEY,
        path         TEXT NOT NULL UNIQUE,
        options_json TEXT NOT NULL,
        created_at   TEXT NOT NULL
      ) STRICT;

      CREATE TABLE photos (
        id             INTEGER PRIMARY KEY,
        folder_id      INTEGER REFERENCES folders(id) ON DELETE SET NULL,
        sha256         TEXT UNIQUE,
        sha1           TEXT,
        file_name      TEXT NOT NULL,
        source_path    TEXT NOT NULL,
        original_path  TEXT,
        bytes          INTEGER NOT NULL,
        format         TEXT,
        width          INTEGER,
        height         INTEGER,
        orientation    INTEGER,
        capture_local  TEXT,
        capture_offset TEXT,
        capture_source TEXT,
        gps_lat        REAL,
        gps_lon        REAL,
        gps_alt        REAL,
        metadata_json  TEXT,
        error_code     TEXT,
        error_message  TEXT,
        warnings_json  TEXT NOT NULL DEFAULT '[]',
        media_rev      INTEGER NOT NULL DEFAULT 0,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL
      ) STRICT;
      CREATE INDEX photos_folder ON photos(folder_id);

      CREATE TABLE files (
        id            INTEGER PRIMARY KEY,
        folder_id     INTEGER REFERENCES folders(id) ON DELETE SET NULL,
        path          TEXT NOT NULL,
        size          INTEGER NOT NULL,
        mtime_ms      REAL NOT NULL,
        sha256        TEXT,
        photo_id      INTEGER REFERENCES photos(id) ON DELETE CASCADE,
        outcome       TEXT NOT NULL CHECK (outcome IN ('ingested', 'duplicate', 'failed')),
        error_code    TEXT,
        error_message TEXT,
        seen_at       TEXT NOT NULL
      ) STRICT;
      CREATE INDEX files_photo ON files(photo_id, outcome);

      CREATE TABLE jobs (
        id          INTEGER PRIMARY KEY,
        kind        TEXT NOT NULL,
        subject     TEXT,
        data        TEXT NOT NULL,
        priority    INTEGER NOT NULL DEFAULT 0,
        state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'dead')),
        attempts    INTEGER NOT NULL DEFAULT 0,
        run_after   INTEGER NOT NULL,
        lease_until INTEGER,
        last_error  TEXT,
        dedupe_key  TEXT,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      ) STRICT;
      -- Unique among unfinished jobs only: the same work may be asked for again once it has finished.
      CREATE UNIQUE INDEX jobs_dedupe ON jobs(dedupe_key) WHERE state IN ('queued', 'running', 'failed');
      CREATE INDEX jobs_claim ON jobs(kind, state, priority, id);

      CREATE TABLE settings (
        key        TEXT PRIMARY KEY,
        value_json TEXT NOT NULL
      ) STRICT;
    `);
  },
};
