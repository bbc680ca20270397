/**
 * A photo's stage, derived from its error and its jobs (DESIGN §2), as one SQL expression over a
 * `photos` row aliased `p`. This is the only place the rule lives; get and list (and its stage
 * filter) both use it, so they cannot disagree. Photo jobs use `subject = String(photoId)`.
 *
 *   failed       the photo has an error, or one of its jobs is dead
 *   analysing    its analyze job is queued, running, or failed and waiting to retry
 *   processing   one of its other jobs is queued, running, or failed and waiting to retry
 *   uploaded     its upload to Immich finished (original and/or processed, as its folder asks)
 *   rendered     the CURRENT revision of its recipe has a main render (an edit makes it processing again)
 *   needs-review its recipe has an active, enabled step waiting for review (an AI crop proposal)
 *   ingested     its derive job is done
 *   new          none of the above (stored, nothing queued yet)
 */
export const PHOTO_STAGE_SQL = `
  CASE
    WHEN p.error_code IS NOT NULL
      OR EXISTS (SELECT 1 FROM jobs j WHERE j.subject = CAST(p.id AS TEXT) AND j.state = 'dead')
      THEN 'failed'
    WHEN EXISTS (SELECT 1 FROM jobs j WHERE j.subject = CAST(p.id AS TEXT) AND j.kind = 'analyze' AND j.state IN ('queued', 'running', 'failed'))
      THEN 'analysing'
    WHEN EXISTS (SELECT 1 FROM jobs j WHERE j.subject = CAST(p.id AS TEXT) AND j.state IN ('queued', 'running', 'failed'))
      THEN 'processing'
    WHEN EXISTS (SELECT 1 FROM uploads u WHERE u.photo_id = p.id AND u.state = 'uploaded')
      THEN 'uploaded'
    WHEN EXISTS (SELECT 1 FROM recipes r JOIN renders x ON x.photo_id = r.photo_id AND x.revision = r.revision AND x.target = 'main'
                 WHERE r.photo_id = p.id)
      THEN 'rendered'
    WHEN EXISTS (SELECT 1 FROM recipes r, json_each(r.recipe_json, '$.steps') s
                 WHERE r.photo_id = p.id AND s.key < json_extract(r.recipe_json, '$.end') AND json_extract(s.value, '$.needsReview') = 1
                   AND json_extract(s.value, '$.enabled') = 1)
      THEN 'needs-review'
    WHEN EXISTS (SELECT 1 FROM jobs j WHERE j.subject = CAST(p.id AS TEXT) AND j.kind = 'derive' AND j.state = 'done')
      THEN 'ingested'
    ELSE 'new'
  END`;

/** How many other source files had the same bytes as photo `p`. */
export const PHOTO_DUPLICATES_SQL = `(SELECT COUNT(*) FROM files f WHERE f.photo_id = p.id AND f.outcome = 'duplicate')`;
