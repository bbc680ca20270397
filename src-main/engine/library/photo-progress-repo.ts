import type { JobKind, JobState, PhotoStage } from '../../contract/index.ts';
import type { Db } from './database.ts';
import { PHOTO_STAGE_SQL } from './photo-stage.ts';

/** What the REST status needs beyond the photo's stage: its jobs in flight and its ingest job. */
export type PhotoProgress = {
  pendingKinds: JobKind[];
  /** The latest ingest job of any source file of the photo (an upload's inbox file, a hot-folder path). */
  ingest: { state: JobState; lastError: string | null } | null;
  /** The latest change of the photo row, its jobs or its recipe (ISO, UTC). */
  changedAt: string;
};

export type FeedRow = { id: number; stage: PhotoStage; changedAt: string };

export type FeedQuery = { after: number; since: string | null; stages: readonly PhotoStage[]; limit: number };

/**
 * A photo changes when its row, one of its jobs or its recipe does: the stage is derived from the
 * jobs and recipe, so the photo row's own updated_at would miss most status changes. Multi-argument
 * max() is NULL when any argument is, hence the COALESCEs.
 */
const CHANGED_AT_SQL = `max(p.updated_at,
  COALESCE((SELECT MAX(j.updated_at) FROM jobs j INDEXED BY jobs_subject WHERE j.subject = CAST(p.id AS TEXT)), ''),
  COALESCE((SELECT r.updated_at FROM recipes r WHERE r.photo_id = p.id), ''))`;

/** Job lookups and the keyset-paged feed behind the REST API's status and list. */
export class PhotoProgressRepo {
  #pending;
  #ingest;
  #changed;
  #feed;

  constructor(db: Db) {
    this.#pending = db
      .prepare<[string], JobKind>(`SELECT DISTINCT kind FROM jobs INDEXED BY jobs_subject WHERE subject = ? AND state IN ('queued', 'running', 'failed')`)
      .pluck();
    this.#ingest = db.prepare<[number], { state: JobState; lastError: string | null }>(`
      SELECT j.state, j.last_error AS lastError FROM files f JOIN jobs j INDEXED BY jobs_subject ON j.subject = f.path
      WHERE f.photo_id = ? AND j.kind = 'ingest' ORDER BY j.id DESC LIMIT 1`);
    this.#changed = db.prepare<[number], string>(`SELECT ${CHANGED_AT_SQL} FROM photos p WHERE p.id = ?`).pluck();
    this.#feed = db.prepare<[Record<string, unknown>], FeedRow>(`
      SELECT id, stage, changedAt FROM (
        SELECT p.id, ${PHOTO_STAGE_SQL} AS stage, ${CHANGED_AT_SQL} AS changedAt FROM photos p WHERE p.id > @after)
      WHERE (@since IS NULL OR changedAt >= @since) AND stage IN (SELECT value FROM json_each(@stages))
      ORDER BY id LIMIT @limit`);
  }

  progress(photoId: number): PhotoProgress {
    return {
      pendingKinds: this.#pending.all(String(photoId)),
      ingest: this.#ingest.get(photoId) ?? null,
      changedAt: this.#changed.get(photoId) ?? '',
    };
  }

  /** Photos after `after` (by id) in any of `stages`, changed at or after `since`. */
  feed(query: FeedQuery): FeedRow[] {
    return this.#feed.all({ after: query.after, since: query.since, stages: JSON.stringify(query.stages), limit: query.limit });
  }
}
