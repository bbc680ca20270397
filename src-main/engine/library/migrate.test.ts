import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './database.ts';
import { openLibrary } from './library.ts';
import { latestVersion, migrate, SchemaTooNewError, schemaVersion } from './migrate.ts';
import { migrations } from './migrations/index.ts';
import { PolicyPresetsRepo } from './policy-presets-repo.ts';
import { UploadsRepo } from './uploads-repo.ts';
import { ApiTokensRepo } from './api-tokens-repo.ts';
import { SubmissionsRepo } from './submissions-repo.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-migrate-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SHA = 'a'.repeat(64);
const SHA1 = 'b'.repeat(40);

/**
 * Representative rows written with the SQL of the version they belong to (as an old Lightbox
 * would have), so later migrations must carry them over.
 */
const seeds: Record<number, (db: Db) => void> = {
  1: (db) => {
    db.prepare(`INSERT INTO folders (id, path, options_json, created_at) VALUES (1, '/hot', '{"recursive":false,"afterIngest":"move-to-done"}', '2024-01-01T00:00:00.000Z')`).run();
    db.prepare(`INSERT INTO photos (id, folder_id, sha256, sha1, file_name, source_path, original_path, bytes, width, height,
      capture_local, capture_offset, capture_source, created_at, updated_at)
      VALUES (7, 1, '${SHA}', '${SHA1}', 'a.jpg', '/hot/a.jpg', 'originals/2024/01/aaaaaaaa_a.jpg', 1234, 640, 480,
      '2024-01-01T10:00:00', '+01:00', 'exif', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')`).run();
    // Version 1 allowed the same file version twice; version 2 keeps the latest.
    const file = db.prepare(`INSERT INTO files (folder_id, path, size, mtime_ms, sha256, photo_id, outcome, seen_at)
      VALUES (1, ?, 1234, 1700000000123.5, '${SHA}', 7, ?, ?)`);
    file.run('/hot/a.jpg', 'ingested', '2024-01-01T00:00:00.000Z');
    file.run('/hot/copy.jpg', 'ingested', '2024-01-01T00:00:01.000Z');
    file.run('/hot/copy.jpg', 'duplicate', '2024-01-01T00:00:02.000Z');
    db.prepare(`INSERT INTO jobs (kind, subject, data, state, run_after, created_at, updated_at)
      VALUES ('derive', '7', '{"photoId":7}', 'done', 0, '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')`).run();
    db.prepare(`INSERT INTO settings (key, value_json) VALUES ('theme', '"dark"')`).run();
    // A dead letter whose code was only the start of its message (before 014-job-error-codes.ts).
    db.prepare(`INSERT INTO jobs (kind, subject, data, state, attempts, run_after, last_error, created_at, updated_at)
      VALUES ('ingest', '/hot/b.jpg', '{', 'dead', 0, 0, 'invalid-job-data: not JSON', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')`).run();
  },
  2: (db) => {
    db.prepare(`INSERT INTO hash_cache (path, size, mtime_ms, sha256, sha1) VALUES ('/hot/a.jpg', 1234, 1700000000123.5, '${SHA}', '${SHA1}')`).run();
  },
  3: (db) => {
    db.prepare(`INSERT INTO recipes (photo_id, recipe_json, revision, updated_at) VALUES (7, ?, 4, '2024-01-02T00:00:00.000Z')`).run(JSON.stringify(RECIPE));
    db.prepare(`INSERT INTO renders (photo_id, revision, target, path, bytes, sha256, width, height, created_at)
      VALUES (7, 4, 'main', 'processed/2024/01/aaaaaaaa_4.jpg', 999, '${SHA}', 320, 240, '2024-01-02T00:00:00.000Z')`).run();
    db.prepare(`INSERT INTO presets (id, name, steps_json, created_at, updated_at) VALUES ('warm', 'Warm', ?, '2024-01-02T00:00:00.000Z', '2024-01-02T00:00:00.000Z')`)
      .run(JSON.stringify(RECIPE.steps));
  },
  4: (db) => {
    db.prepare(`INSERT INTO analysis_results (sha256, model, version, task, provider, status, error_code, error_message, result_json, updated_at)
      VALUES ('${SHA}', 'technical-quality', '1', 'quality', 'local', 'completed', NULL, NULL, '{"score":0.8}', '2024-01-01T00:00:00.000Z')`).run();
  },
  // Rating and flag (005-photo-rating-flag.ts).
  5: (db) => {
    db.prepare(`UPDATE photos SET rating = 4, flag = 'pick' WHERE id = 7`).run();
  },
  // Uploads and folder upload settings (006-uploads.ts).
  6: (db) => {
    db.prepare(`INSERT INTO uploads (photo_id, state, original_asset_id, stack_id, album_done, replaced_json, original_outcome, updated_at)
      VALUES (7, 'uploaded', 'orig-7', 'stack-7', 1, '["old-7"]', 'created', '2024-01-02T00:00:00.000Z')`).run();
    db.prepare(`INSERT INTO folder_uploads (folder_id, settings_json) VALUES (1, '{"albumName":"Trips","what":"both"}')`).run();
  },
  // Folder processing policy (007-folder-policy.ts).
  7: (db) => {
    db.prepare(`UPDATE folders SET presets_json = '["warm"]', crop_review = 'threshold', crop_threshold = 0.6 WHERE id = 1`).run();
    db.prepare(`INSERT INTO folder_presets_applied (photo_id, preset_id, revision, applied_at) VALUES (7, 'warm', 4, '2024-01-03T00:00:00.000Z')`).run();
  },
  // Job indexes (008-job-indexes.ts): no rows of their own.
  8: () => {},
  // A photo sent to Immich from a selection (009-upload-request.ts).
  9: (db) => {
    db.prepare(`UPDATE uploads SET requested = 'original' WHERE photo_id = 7`).run();
  },
  // The search index (010-photo-text.ts) is built from the rows above; photo-text.test.ts checks it.
  10: () => {},
  // REST API tokens and an upload they sent (011-rest-api.ts).
  11: (db) => {
    db.prepare(`INSERT INTO api_tokens (id, name, scope, secret_hash, prefix, created_at) VALUES (1, 'NAS', 'full', '${'c'.repeat(64)}', 'lbx_abcdef', '2024-01-04T00:00:00.000Z')`).run();
    db.prepare(`INSERT INTO api_submissions (photo_id, token_id, token_name, inbox_path, setup, created_at) VALUES (7, 1, 'NAS', '/lib/inbox/a1/a.jpg', 'done', '2024-01-04T00:00:00.000Z')`).run();
  },
  // The capture time resolved as Immich does (012-capture-instant.ts).
  12: (db) => {
    db.prepare(`UPDATE photos SET capture_wall = '2024-01-01T10:00:00.000', capture_instant = '2024-01-01T10:00:00.000+01:00',
      capture_zone = 'UTC+1', capture_zone_source = 'offset-tag' WHERE id = 7`).run();
  },
  // What an upload left alone and why (013-upload-notices.ts).
  13: (db) => {
    db.prepare(`UPDATE uploads SET notices_json = ? WHERE photo_id = 7`).run(JSON.stringify([NOTICE]));
  },
  // A dead letter with its error code (014-job-error-codes.ts).
  14: (db) => {
    db.prepare(`INSERT INTO jobs (kind, subject, data, state, attempts, run_after, last_error, last_error_code, created_at, updated_at)
      VALUES ('ingest', '/hot/c.jpg', '{}', 'dead', 5, 0, 'The disk went away.', 'read-failed', '2024-01-04T00:00:00.000Z', '2024-01-04T00:00:00.000Z')`).run();
  },
  // Folder auto-enhance policy (015-enhance-policy.ts).
  15: (db) => {
    db.prepare(`UPDATE folders SET enhance_review = 'apply', enhance_threshold = 0.7 WHERE id = 1`).run();
  },
};

const NOTICE = { role: 'processed', assetId: 'proc-9', message: 'left with photo 9' };
/** The migration that added upload notices (renumbered at merge). */
const NOTICES_VERSION = migrations.find((m) => m.name === 'upload-notices')!.version;

/** The migration that stored failed jobs' error codes (renumbered at merge). */
const ERROR_CODES_VERSION = migrations.find((m) => m.name === 'job-error-codes')!.version;

/** The migration that added the resolved capture time (renumbered at merge). */
const CAPTURE_VERSION = migrations.find((m) => m.name === 'capture-instant')!.version;

const RECIPE = {
  schema: 1,
  original: { sha256: SHA },
  steps: [{ op: 'exposure', v: 1, enabled: true, params: { thirds: 3 }, source: 'user' }],
  end: 1,
};

/** The migration that added uploads (renumbered on this branch, see migrations/index.ts). */
const UPLOADS_VERSION = migrations.find((m) => m.name === 'uploads')!.version;

/** The migration that added the REST API's tables (renumbered at merge time). */
const REST_VERSION = migrations.find((m) => m.name === 'rest-api')!.version;
/** The migration that added the folder auto-enhance policy (renumbered at merge time). */
const ENHANCE_VERSION = migrations.find((m) => m.name === 'enhance-policy')!.version;

/** The migration that added the folder processing policy (may be renumbered at merge time). */
const POLICY_VERSION = migrations.find((m) => m.name === 'folder-policy')!.version;

/** A database built with only the first `version` migrations, seeded as that version would be. */
function buildAtVersion(file: string, version: number): void {
  const db = new Database(file);
  // Each version's rows are written right after its own migration, as that Lightbox would have (a
  // later migration may add constraints that the earlier rows relied on being absent).
  for (let v = 1; v <= version; v++) {
    migrate(db, migrations.slice(0, v));
    seeds[v]?.(db);
  }
  db.close();
}

/** Tables, indexes and columns: what "the schema is current" means. */
function schemaOf(db: Db) {
  const objects = db.prepare(`SELECT type, name, tbl_name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name`).all() as Array<{ type: string; name: string; tbl_name: string }>;
  const columns = objects
    .filter((o) => o.type === 'table')
    .map((o) => ({ table: o.name, columns: db.prepare(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_xinfo(?)`).all(o.name) }));
  return { objects, columns };
}

describe('migrations', () => {
  it('are numbered 1..n and the seeds cover every version', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(latestVersion).toBeGreaterThanOrEqual(3);
    expect(Object.keys(seeds).map(Number)).toEqual(migrations.map((m) => m.version));
  });

  it('a new database gets every migration and the library pragmas', () => {
    const db = openDatabase(path.join(dir, 'fresh.db'));
    expect(schemaVersion(db)).toBe(latestVersion);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  // Up to and including the latest: opening a current database must keep every version's rows too.
  for (let version = 0; version <= latestVersion; version++) {
    it(`upgrades a version ${version} database and keeps its data`, () => {
      const fresh = openDatabase(path.join(dir, 'fresh.db'));
      const expectedSchema = schemaOf(fresh);
      fresh.close();

      const file = path.join(dir, `v${version}.db`);
      buildAtVersion(file, version);
      const library = openLibrary(file);
      try {
        expect(schemaVersion(library.db)).toBe(latestVersion);
        expect(schemaOf(library.db)).toEqual(expectedSchema);
        if (version === 0) {
          expect(library.photos.list({}).total).toBe(0);
          return;
        }
        expect(library.folders.get(1)).toMatchObject({ path: '/hot', recursive: false, afterIngest: 'move-to-done', polling: false, enabled: true });
        expect(library.photos.get(7)).toMatchObject({
          sha256: SHA,
          fileName: 'a.jpg',
          originalPath: 'originals/2024/01/aaaaaaaa_a.jpg',
          width: 640,
          captureDate: { local: '2024-01-01T10:00:00', offset: '+01:00', source: 'exif' },
          // From version 3 the seeded recipe's current revision has a main render; from the uploads
          // version on, its seeded upload finished.
          stage: version >= UPLOADS_VERSION ? 'uploaded' : version >= 3 ? 'rendered' : 'ingested',
          duplicates: 1,
        });
        // Photos read before the zone was resolved stay unresolved (null), not "no zone".
        expect(library.photos.get(7)!.captureInstant).toEqual(version >= CAPTURE_VERSION
          ? { instant: '2024-01-01T10:00:00.000+01:00', utc: '2024-01-01T09:00:00.000Z', localDateTime: '2024-01-01T10:00:00.000', zone: 'UTC+1', source: 'offset-tag' }
          : null);
        expect(library.files.findByPathAndStat('/hot/copy.jpg', 1234, 1700000000123.5)).toMatchObject({ outcome: 'duplicate', photoId: 7 });
        expect(library.files.countByOutcome()).toEqual({ ingested: 1, duplicate: 1, failed: 0 });
        expect(library.settings.get('theme')).toBe('dark');
        // Dead letters keep their cause as an error code the failed-jobs page groups by.
        expect(library.jobs.failureGroups(10).map((g) => [g.kind, g.code, g.count])).toEqual([
          ...(version >= ERROR_CODES_VERSION ? [['ingest', 'read-failed', 1]] : []),
          ['ingest', 'invalid-job-data', 1],
        ]);
        const cached = library.hashCache.get('/hot/a.jpg', 1234, 1700000000123.5);
        expect(cached).toEqual(version >= 2 ? { sha256: SHA, sha1: SHA1 } : null);
        const quality = library.analysis.get(SHA, 'technical-quality');
        expect(quality).toEqual(version >= 4
          ? { sha256: SHA, model: 'technical-quality', version: '1', task: 'quality', provider: 'local', status: 'completed', error: null, result: { score: 0.8 }, updatedAt: '2024-01-01T00:00:00.000Z' }
          : null);
        if (version >= 3) {
          expect(library.recipes.get(7)).toMatchObject({ json: RECIPE, revision: 4 });
          expect(library.renders.latestMainRevision(7)).toBe(4);
          expect(library.presets.get('warm')).toMatchObject({ name: 'Warm', steps: RECIPE.steps });
        } else {
          expect(library.recipes.get(7)).toBeNull();
          expect(library.presets.list()).toEqual([]);
        }
        const applied = new PolicyPresetsRepo(library.db);
        if (version >= POLICY_VERSION) {
          expect(library.folders.get(1)).toMatchObject({ presets: ['warm'], cropReview: 'threshold', cropThreshold: 0.6 });
          expect(applied.forPhoto(7)).toEqual([{ presetId: 'warm', revision: 4 }]);
        } else {
          // Folders from before the policy keep today's behaviour: no presets, the library's review setting.
          expect(library.folders.get(1)).toMatchObject({ presets: [], cropReview: 'library', cropThreshold: 0.8 });
          expect(applied.forPhoto(7)).toEqual([]);
        }
        const tokens = new ApiTokensRepo(library.db);
        const submissions = new SubmissionsRepo(library.db);
        if (version >= REST_VERSION) {
          expect(tokens.list()).toEqual([{ id: 1, name: 'NAS', scope: 'full', prefix: 'lbx_abcdef', createdAt: '2024-01-04T00:00:00.000Z', lastUsedAt: null, revokedAt: null }]);
          expect(submissions.latestFor(7)).toMatchObject({ tokenId: 1, tokenName: 'NAS', setup: 'done' });
        } else {
          expect(tokens.list()).toEqual([]);
          expect(submissions.latestFor(7)).toBeNull();
        }
        // Folders from before the enhance policy follow the library's auto-enhance setting.
        expect(library.folders.get(1)).toMatchObject(version >= ENHANCE_VERSION ? { enhance: 'apply', enhanceThreshold: 0.7 } : { enhance: 'library', enhanceThreshold: 0.8 });
        const uploads = new UploadsRepo(library.db);
        if (version >= UPLOADS_VERSION) {
          expect(uploads.get(7)).toMatchObject({ state: 'uploaded', pair: { originalAssetId: 'orig-7', stackId: 'stack-7', albumDone: true, replacedAssetIds: ['old-7'] }, originalOutcome: 'created' });
          expect(uploads.get(7)?.notices).toEqual(version >= NOTICES_VERSION ? [NOTICE] : []);
          expect(uploads.photoWithAsset('orig-7', 8)).toBe(7);
          expect(uploads.photoWithAsset('orig-7', 7)).toBeNull();
          expect(uploads.folderSettings(1)).toEqual({ albumName: 'Trips', what: 'both', cover: 'processed', approvalRequired: false });
        } else {
          expect(uploads.get(7)).toBeNull();
          expect(uploads.folderSettings(1)).toEqual({ albumName: null, what: 'none', cover: 'processed', approvalRequired: false });
        }
      } finally {
        library.close();
      }
    });
  }

  it('refuses a database written by a newer Lightbox, and leaves it untouched', () => {
    const file = path.join(dir, 'future.db');
    openDatabase(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${latestVersion + 3}`);
    raw.close();

    expect(() => openDatabase(file)).toThrow(SchemaTooNewError);
    expect(() => openDatabase(file)).toThrow(/newer Lightbox/);
    const after = new Database(file);
    expect(after.pragma('user_version', { simple: true })).toBe(latestVersion + 3);
    after.close();
  });

  it('a failing migration rolls back and leaves the previous version', () => {
    const file = path.join(dir, 'broken.db');
    const db = new Database(file);
    const broken = { version: latestVersion + 1, name: 'broken', up: (d: Db) => d.exec('CREATE TABLE half (x); SELECT * FROM missing_table;') };
    expect(() => migrate(db, [...migrations, broken])).toThrow(/missing_table/);
    expect(schemaVersion(db)).toBe(latestVersion);
    expect(db.prepare(`SELECT COUNT(*) AS n FROM sqlite_schema WHERE name = 'half'`).get()).toEqual({ n: 0 });
    db.close();
  });
});
