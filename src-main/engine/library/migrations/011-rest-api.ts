import type { Migration } from './migration.ts';

/**
 * The REST API (issue 15). `api_tokens`: named tokens created in Settings, stored as the SHA-256
 * of the secret (a 256-bit random secret needs no slow hash: there is nothing to guess), with the
 * secret's first characters to tell them apart; a revoked token keeps its row so the photos it
 * sent keep a name. `api_submissions`: who sent which photo, and what it asked for (a preset, a
 * recipe) until that is applied (`setup`: each step is recorded in the transaction of the recipe
 * revision it made, so a crash never applies one twice); `inbox_path` is the upload's file in the library's inbox, the
 * source of its ingest job, removed once the original is stored.
 *
 */
export const migration011: Migration = {
  version: 11,
  name: 'rest-api',
  up(db) {
    db.exec(`
      CREATE TABLE api_tokens (
        id           INTEGER PRIMARY KEY,
        name         TEXT NOT NULL,
        scope        TEXT NOT NULL CHECK (scope IN ('read', 'full')),
        secret_hash  TEXT NOT NULL UNIQUE,
        prefix       TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at   TEXT
      ) STRICT;

      CREATE TABLE api_submissions (
        id           INTEGER PRIMARY KEY,
        photo_id     INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        token_id     INTEGER REFERENCES api_tokens(id),
        token_name   TEXT NOT NULL,
        inbox_path   TEXT NOT NULL,
        preset_id    TEXT,
        recipe_json  TEXT,
        setup        TEXT NOT NULL DEFAULT 'waiting' CHECK (setup IN ('waiting', 'recipe-applied', 'done', 'failed')),
        error_code   TEXT,
        error_message TEXT,
        created_at   TEXT NOT NULL
      ) STRICT;
      CREATE INDEX api_submissions_photo ON api_submissions (photo_id, id);
      CREATE INDEX api_submissions_inbox ON api_submissions (inbox_path);
      CREATE INDEX api_submissions_setup ON api_submissions (setup) WHERE setup IN ('waiting', 'recipe-applied');
    `);
  },
};
