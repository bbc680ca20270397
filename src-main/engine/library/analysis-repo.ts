import type { Db } from './database.ts';

export type AnalysisStatus = 'pending' | 'processing' | 'completed' | 'failed';

/** One stored analysis result. `result` is parsed JSON: callers validate it with their own schema. */
export type AnalysisRow = {
  sha256: string;
  model: string;
  version: string;
  task: string;
  provider: string;
  status: AnalysisStatus;
  error: { code: string; message: string } | null;
  result: unknown;
  updatedAt: string;
};

export type AnalysisWrite = Omit<AnalysisRow, 'updatedAt'>;

/** What near-duplicate grouping needs per photo, from the photo row and its stored results. */
export type HashedPhoto = { photoId: number; sha256: string; captureLocal: string | null; hash: unknown; quality: unknown };

type Raw = {
  sha256: string;
  model: string;
  version: string;
  task: string;
  provider: string;
  status: AnalysisStatus;
  error_code: string | null;
  error_message: string | null;
  result_json: string | null;
  updated_at: string;
};

function toRow(r: Raw): AnalysisRow {
  return {
    sha256: r.sha256,
    model: r.model,
    version: r.version,
    task: r.task,
    provider: r.provider,
    status: r.status,
    error: r.error_code === null ? null : { code: r.error_code, message: r.error_message ?? '' },
    result: r.result_json === null ? null : JSON.parse(r.result_json),
    updatedAt: r.updated_at,
  };
}

/** analysis_results, SQL only (migration 004). */
export class AnalysisRepo {
  #one;
  #bySha;
  #upsert;
  #setStatus;
  #hashed;
  #byModel;
  #withoutModel;
  #withGap;
  #neverRun;
  #neverQueued;
  #modelGeneration;

  constructor(db: Db) {
    this.#one = db.prepare<[string, string], Raw>('SELECT * FROM analysis_results WHERE sha256 = ? AND model = ?');
    this.#bySha = db.prepare<[string], Raw>('SELECT * FROM analysis_results WHERE sha256 = ? ORDER BY task, model');
    this.#upsert = db.prepare<[Record<string, unknown>]>(`
      INSERT INTO analysis_results (sha256, model, version, task, provider, status, error_code, error_message, result_json, updated_at)
      VALUES (@sha256, @model, @version, @task, @provider, @status, @error_code, @error_message, @result_json, @now)
      ON CONFLICT (sha256, model) DO UPDATE SET version = excluded.version, task = excluded.task, provider = excluded.provider,
        status = excluded.status, error_code = excluded.error_code, error_message = excluded.error_message,
        result_json = excluded.result_json, updated_at = excluded.updated_at`);
    this.#setStatus = db.prepare<[string, string, string, string]>(
      'UPDATE analysis_results SET status = ?, updated_at = ? WHERE sha256 = ? AND model = ?',
    );
    // One row per photo with a completed hash; its quality row (if any) rides along for the best pick.
    // `+q.task`: the quality row is found by the photo's sha256 (primary key), not by reading every
    // photo's quality row through the (task, status) index.
    this.#hashed = db.prepare<[], { photoId: number; sha256: string; captureLocal: string | null; hash: string; quality: string | null }>(`
      SELECT p.id AS photoId, p.sha256 AS sha256, p.capture_local AS captureLocal, h.result_json AS hash,
        (SELECT q.result_json FROM analysis_results q WHERE q.sha256 = p.sha256 AND +q.task = 'quality' AND +q.status = 'completed' LIMIT 1) AS quality
      FROM photos p JOIN analysis_results h ON h.sha256 = p.sha256 AND h.task = 'hash' AND h.status = 'completed'
      WHERE h.result_json IS NOT NULL
      ORDER BY p.id`);
    // Semantic search: every photo's completed result for one model (CLIP embeddings), and the
    // photos that have none yet (to enqueue after a model is installed, and to count as missing).
    this.#byModel = db.prepare<[string, string, number, number], { photoId: number; result: string }>(`
      SELECT p.id AS photoId, r.result_json AS result FROM analysis_results r
      JOIN photos p ON p.sha256 = r.sha256
      WHERE r.model = ? AND r.status = 'completed' AND r.updated_at >= ? AND r.result_json IS NOT NULL AND p.id > ?
      ORDER BY p.id LIMIT ?`);
    // Changes whenever a result of the model is added or renewed, or the photos change: a cache of
    // decoded embeddings is still good while it stays the same. Read from the (model, status,
    // updated_at) index alone (migration 010): 1 ms at 10,000 photos, where joining every photo to
    // its row took 20.
    this.#modelGeneration = db.prepare<[string], { n: number; at: string | null; photos: number }>(`
      SELECT COUNT(*) AS n, MAX(updated_at) AS at, (SELECT COUNT(*) FROM photos) AS photos
      FROM analysis_results WHERE model = ? AND status = 'completed'`);
    this.#withGap = db.prepare<[string], number>(`
      SELECT p.id FROM analysis_results r JOIN photos p ON p.sha256 = r.sha256
      WHERE r.model = ? AND r.status = 'failed' AND r.error_code IN ('model-missing', 'model-damaged', 'not-found', 'hash-mismatch') AND p.error_code IS NULL
      ORDER BY p.id`).pluck();
    this.#neverRun = db.prepare<[string], number>(`
      SELECT p.id FROM photos p WHERE p.sha256 IS NOT NULL AND p.error_code IS NULL
        AND EXISTS (SELECT 1 FROM analysis_results c WHERE c.sha256 = p.sha256 AND +c.task = 'crops' AND +c.status = 'completed')
        AND NOT EXISTS (SELECT 1 FROM analysis_results r WHERE r.sha256 = p.sha256 AND r.model = ?) ORDER BY p.id`).pluck();
    this.#neverQueued = db.prepare<[], number>(`
      SELECT p.id FROM photos p WHERE p.sha256 IS NOT NULL AND p.error_code IS NULL
        AND EXISTS (SELECT 1 FROM jobs j INDEXED BY jobs_subject WHERE j.subject = CAST(p.id AS TEXT) AND j.kind = 'derive' AND j.state = 'done')
        AND NOT EXISTS (SELECT 1 FROM jobs j INDEXED BY jobs_subject WHERE j.subject = CAST(p.id AS TEXT) AND j.kind = 'analyze')
        AND NOT EXISTS (SELECT 1 FROM analysis_results r WHERE r.sha256 = p.sha256) ORDER BY p.id`).pluck();
    this.#withoutModel = db.prepare<[string], number>(`
      SELECT p.id FROM photos p WHERE p.sha256 IS NOT NULL AND p.error_code IS NULL AND NOT EXISTS (
        SELECT 1 FROM analysis_results r WHERE r.sha256 = p.sha256 AND r.model = ? AND r.status = 'completed') ORDER BY p.id`).pluck();
  }

  /**
   * Photos whose result of `model` is missing because the model was (missing-model and
   * damaged-model rows, and the not-found and hash-mismatch failures older versions stored for the
   * same cause): what to analyse again once the model is back.
   */
  photosWithGap(model: string): number[] {
    return this.#withGap.all(model);
  }

  /**
   * Photos analysed to the end (their crops are stored) with no row at all for `model`: analysed
   * while its task did not run (moderation without its weights). A photo not analysed yet is not
   * one: its own analysis, after its thumbnail, comes in the usual order (and an unreadable file
   * never gets one).
   */
  photosNeverRun(model: string): number[] {
    return this.#neverRun.all(model);
  }

  /**
   * Derived photos whose analysis was never queued: no analyze job in any state and not one result
   * row (queueing one marks its rows pending). A crash between the derive job's end and the analyze
   * job it queues leaves such a photo; nothing else would ever analyse it.
   */
  photosNeverAnalysed(): number[] {
    return this.#neverQueued.all();
  }

  /**
   * Every photo's completed result of `model`, or only those written at or after `since` (an ISO
   * time), in photo order. `page` reads them `limit` photos at a time after photo `after`, so a
   * caller can let the event loop run between pages.
   */
  completedByModel(model: string, since = '', page: { after: number; limit: number } = { after: 0, limit: -1 }): Array<{ photoId: number; result: unknown }> {
    return this.#byModel.all(model, since, page.after, page.limit).map((r) => ({ photoId: r.photoId, result: JSON.parse(r.result) }));
  }

  /** How many completed results of `model` there are, the newest one's time, and how many photos. */
  modelGeneration(model: string): { count: number; newest: string | null; photos: number } {
    const g = this.#modelGeneration.get(model)!;
    return { count: g.n, newest: g.at, photos: g.photos };
  }

  photosWithout(model: string): number[] {
    return this.#withoutModel.all(model);
  }

  get(sha256: string, model: string): AnalysisRow | null {
    const r = this.#one.get(sha256, model);
    return r ? toRow(r) : null;
  }

  forPhoto(sha256: string): AnalysisRow[] {
    return this.#bySha.all(sha256).map(toRow);
  }

  put(row: AnalysisWrite): void {
    this.#upsert.run({
      sha256: row.sha256,
      model: row.model,
      version: row.version,
      task: row.task,
      provider: row.provider,
      status: row.status,
      error_code: row.error?.code ?? null,
      error_message: row.error?.message ?? null,
      result_json: row.result === null || row.result === undefined ? null : JSON.stringify(row.result),
      now: new Date().toISOString(),
    });
  }

  setStatus(sha256: string, model: string, status: AnalysisStatus): void {
    this.#setStatus.run(status, new Date().toISOString(), sha256, model);
  }

  hashedPhotos(): HashedPhoto[] {
    return this.#hashed.all().map((r) => ({
      photoId: r.photoId,
      sha256: r.sha256,
      captureLocal: r.captureLocal,
      hash: JSON.parse(r.hash),
      quality: r.quality === null ? null : JSON.parse(r.quality),
    }));
  }
}
