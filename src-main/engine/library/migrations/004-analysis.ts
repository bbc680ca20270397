import type { Migration } from './migration.ts';

/**
 * Analysis results, cached by content (photo SHA-256) and model, not by photo id: the same bytes
 * ingested again reuse them, and a result is redone only when its model's version changes.
 * One row per (sha256, model); `task` says what the row answers (faces, subject, quality, hash,
 * crops). `result_json` is compact (boxes as fractions, a 64 px mask as base64 PNG).
 */
export const migration004: Migration = {
  version: 4,
  name: 'analysis',
  up(db) {
    db.exec(`
      CREATE TABLE analysis_results (
        sha256        TEXT NOT NULL,
        model         TEXT NOT NULL,
        version       TEXT NOT NULL,
        task          TEXT NOT NULL,
        provider      TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
        error_code    TEXT,
        error_message TEXT,
        result_json   TEXT,
        updated_at    TEXT NOT NULL,
        PRIMARY KEY (sha256, model)
      ) STRICT;
      CREATE INDEX analysis_task ON analysis_results(task, status);
    `);
  },
};
