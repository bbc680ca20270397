import type { Migration } from './migration.ts';

/**
 * Restart speed: a (path, size, mtime) -> hash cache so unchanged files are not re-read, one files
 * row per file version (looked up on every watcher event), and job lookups by subject for the
 * derived photo stage.
 */
export const migration002: Migration = {
  version: 2,
  name: 'hash-cache',
  up(db) {
    db.exec(`
      CREATE TABLE hash_cache (
        path     TEXT PRIMARY KEY,
        size     INTEGER NOT NULL,
        mtime_ms REAL NOT NULL,
        sha256   TEXT NOT NULL,
        sha1     TEXT NOT NULL
      ) STRICT;

      -- Version 1 could record the same file version twice (a retried ingest): keep the latest.
      DELETE FROM files WHERE id NOT IN (SELECT MAX(id) FROM files GROUP BY path, size, mtime_ms);
      CREATE UNIQUE INDEX files_version ON files(path, size, mtime_ms);

      CREATE INDEX jobs_subject ON jobs(subject, state);
    `);
  },
};
