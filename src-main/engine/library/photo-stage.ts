/**
 * A photo's stage, derived from its error, its jobs, its recipe, renders and upload (DESIGN §2), as
 * one SQL expression over a `photos` row aliased `p`. This is the only place the rule lives; get,
 * list (and its stage filter) and counts all use it, so they cannot disagree. Photo jobs use
 * `subject = String(photoId)`. "Pending" below means queued, running, or failed and waiting to retry.
 *
 *   failed       the photo has an error, or one of its jobs is dead
 *   analysing    its analyze job is pending
 *   approved     its recipe is approved (see APPROVED) and a job of it is pending: the render (or
 *                anything else) the approval started, so the photographer reads "approved, being
 *                made", not a generic "processing"
 *   processing   one of its other jobs is pending
 *   uploaded     its upload to Immich finished (original and/or processed, as its folder asks)
 *   rendered     the CURRENT revision of its recipe has a main render (an edit makes it
 *                approved/processing again until that revision is rendered)
 *   approved     approved, nothing pending, nothing rendered for this revision yet (a render that
 *                was interrupted and is re-queued at the next start)
 *   needs-review its recipe has an active, enabled step waiting for review (an AI crop proposal)
 *   ingested     its derive job is done
 *   new          none of the above (stored, nothing queued yet)
 *
 * So an AI crop reads needs-review -> approved -> rendered -> (processing while uploading) ->
 * uploaded, and a later edit of an approved photo reads approved again until it is rendered.
 */

/** The active steps (`steps[0..end)`) that change pixels, as rows `s` of the recipe `r`. */
const ACTIVE_ENABLED_STEPS = `json_each(r.recipe_json, '$.steps') s
  WHERE s.key < json_extract(r.recipe_json, '$.end') AND json_extract(s.value, '$.enabled') = 1`;

/**
 * The photographer (or the folder's auto-approve threshold) accepted what the AI proposed and the
 * machine has not written the result yet: the current recipe has an active, enabled `ai:` step, no
 * such step still waits for review, and the current revision has no main render. One pass over the
 * steps: a recipe with no AI step (only the photographer's or a preset's edits) is never approved,
 * and a disabled AI step (a preset's, waiting to be recomputed) changes no pixels so it counts for
 * nothing either way.
 */
const APPROVED = `EXISTS (SELECT 1 FROM recipes r, ${ACTIVE_ENABLED_STEPS}
    AND r.photo_id = p.id
    AND NOT EXISTS (SELECT 1 FROM renders x WHERE x.photo_id = r.photo_id AND x.revision = r.revision AND x.target = 'main')
  GROUP BY r.photo_id
  HAVING SUM(COALESCE(json_extract(s.value, '$.needsReview'), 0) = 1) = 0
     AND SUM(substr(json_extract(s.value, '$.source'), 1, 3) = 'ai:') > 0)`;

const PENDING_JOB = `EXISTS (SELECT 1 FROM jobs j INDEXED BY jobs_subject WHERE j.subject = CAST(p.id AS TEXT) AND j.state IN ('queued', 'running', 'failed'))`;

// Within each WHEN the cheap indexed test comes first, so the recipe's JSON is only read for the
// photos that get that far. Every jobs lookup names jobs_subject: until the library is closed once
// (PRAGMA optimize) SQLite has no statistics, and for "kind = 'analyze' AND state IN (...)" or
// "kind = 'derive' AND state = 'done'" it picked jobs_claim (kind, state) and walked every done job
// of that kind for every photo: photos.counts on 10,000 photos took 5 s instead of 30 ms.
export const PHOTO_STAGE_SQL = `
  CASE
    WHEN p.error_code IS NOT NULL
      OR EXISTS (SELECT 1 FROM jobs j INDEXED BY jobs_subject WHERE j.subject = CAST(p.id AS TEXT) AND j.state = 'dead')
      THEN 'failed'
    WHEN EXISTS (SELECT 1 FROM jobs j INDEXED BY jobs_subject WHERE j.subject = CAST(p.id AS TEXT) AND j.kind = 'analyze' AND j.state IN ('queued', 'running', 'failed'))
      THEN 'analysing'
    WHEN ${PENDING_JOB} AND ${APPROVED}
      THEN 'approved'
    WHEN ${PENDING_JOB}
      THEN 'processing'
    WHEN EXISTS (SELECT 1 FROM uploads u WHERE u.photo_id = p.id AND u.state = 'uploaded')
      THEN 'uploaded'
    WHEN EXISTS (SELECT 1 FROM recipes r JOIN renders x ON x.photo_id = r.photo_id AND x.revision = r.revision AND x.target = 'main'
                 WHERE r.photo_id = p.id)
      THEN 'rendered'
    WHEN ${APPROVED}
      THEN 'approved'
    WHEN EXISTS (SELECT 1 FROM recipes r, ${ACTIVE_ENABLED_STEPS}
                 AND r.photo_id = p.id AND json_extract(s.value, '$.needsReview') = 1)
      THEN 'needs-review'
    WHEN EXISTS (SELECT 1 FROM jobs j INDEXED BY jobs_subject WHERE j.subject = CAST(p.id AS TEXT) AND j.kind = 'derive' AND j.state = 'done')
      THEN 'ingested'
    ELSE 'new'
  END`;

/** How many other source files had the same bytes as photo `p`. */
export const PHOTO_DUPLICATES_SQL = `(SELECT COUNT(*) FROM files f WHERE f.photo_id = p.id AND f.outcome = 'duplicate')`;

/** Photo `p` was dropped more than once (for the Duplicates filter; the files index answers it). */
export const HAS_DUPLICATES_SQL = `EXISTS (SELECT 1 FROM files f WHERE f.photo_id = p.id AND f.outcome = 'duplicate')`;

/**
 * Photo `p`'s analyses that could not run for want of their model, as a JSON array (null without
 * any): the photo reads "analysis incomplete", not failed. Found through the results' primary key.
 */
export const PHOTO_ANALYSIS_GAPS_SQL = `(SELECT json_group_array(json_object('task', g.task, 'model', g.model, 'code', g.error_code, 'message', g.error_message))
  FROM analysis_results g WHERE g.sha256 = p.sha256 AND +g.status = 'failed' AND +g.error_code IN ('model-missing', 'model-damaged'))`;
