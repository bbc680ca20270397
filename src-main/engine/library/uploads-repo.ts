import { z } from 'zod';
import { FolderUploadSettings, RequestedUpload, UploadNotice, type AppError, type UploadCounts, type UploadFileOutcome, type UploadPairState, type UploadState } from '../../contract/index.ts';
import type { Db } from './database.ts';

const ReplacedIds = z.array(z.string());
const Notices = z.array(UploadNotice);

export type UploadRecord = {
  photoId: number;
  state: UploadState;
  pair: UploadPairState;
  processedRevision: number | null;
  originalOutcome: UploadFileOutcome | null;
  processedOutcome: UploadFileOutcome | null;
  notices: UploadNotice[];
  error: AppError | null;
  updatedAt: string;
};

type Row = {
  photo_id: number;
  state: UploadState;
  original_asset_id: string | null;
  processed_asset_id: string | null;
  processed_sha1: string | null;
  processed_revision: number | null;
  stack_id: string | null;
  album_done: number;
  metadata_done: number;
  replaced_json: string;
  original_outcome: UploadFileOutcome | null;
  processed_outcome: UploadFileOutcome | null;
  notices_json: string;
  error_code: string | null;
  error_message: string | null;
  updated_at: string;
};

function toRecord(row: Row): UploadRecord {
  const replaced = ReplacedIds.parse(JSON.parse(row.replaced_json));
  const pair: UploadPairState = {
    ...(row.original_asset_id ? { originalAssetId: row.original_asset_id } : {}),
    ...(row.processed_asset_id ? { processedAssetId: row.processed_asset_id } : {}),
    ...(row.processed_sha1 ? { processedSha1: row.processed_sha1 } : {}),
    ...(row.stack_id ? { stackId: row.stack_id } : {}),
    ...(row.album_done ? { albumDone: true } : {}),
    ...(row.metadata_done ? { metadataDone: true } : {}),
    ...(replaced.length ? { replacedAssetIds: replaced } : {}),
  };
  return {
    photoId: row.photo_id,
    state: row.state,
    pair,
    processedRevision: row.processed_revision,
    originalOutcome: row.original_outcome,
    processedOutcome: row.processed_outcome,
    notices: Notices.parse(JSON.parse(row.notices_json)),
    error: row.error_code ? ({ code: row.error_code, message: row.error_message ?? '' } as AppError) : null,
    updatedAt: row.updated_at,
  };
}

/** Per-photo upload state and per-folder upload settings (migration 006). */
export class UploadsRepo {
  #get;
  #ensure;
  #savePair;
  #setState;
  #setOutcome;
  #counts;
  #byState;
  #toQueue;
  #folderGet;
  #folderSet;
  #requested;
  #request;
  #setNotices;
  #byAsset;

  constructor(db: Db) {
    this.#get = db.prepare<[number], Row>('SELECT * FROM uploads WHERE photo_id = ?');
    this.#ensure = db.prepare<[number, string]>(`INSERT INTO uploads (photo_id, state, updated_at) VALUES (?, 'queued', ?) ON CONFLICT (photo_id) DO NOTHING`);
    this.#savePair = db.prepare(`
      UPDATE uploads SET original_asset_id = @original, processed_asset_id = @processed, processed_sha1 = @sha1,
        processed_revision = COALESCE(@revision, processed_revision), stack_id = @stack, album_done = @album,
        metadata_done = @metadata, replaced_json = @replaced, updated_at = @now
      WHERE photo_id = @photoId`);
    this.#setState = db.prepare(`UPDATE uploads SET state = @state, error_code = @code, error_message = @message, updated_at = @now WHERE photo_id = @photoId`);
    this.#setOutcome = db.prepare(`
      UPDATE uploads SET original_outcome = COALESCE(@original, original_outcome), processed_outcome = COALESCE(@processed, processed_outcome), updated_at = @now
      WHERE photo_id = @photoId`);
    this.#counts = db.prepare<[], { state: UploadState; n: number }>('SELECT state, COUNT(*) AS n FROM uploads GROUP BY state');
    this.#byState = db.prepare<[string], Row>('SELECT * FROM uploads WHERE state = ? ORDER BY photo_id');
    this.#toQueue = db
      .prepare<[], number>(`
        SELECT p.id FROM photos p
        WHERE EXISTS (SELECT 1 FROM jobs j WHERE j.subject = CAST(p.id AS TEXT) AND j.kind = 'derive' AND j.state = 'done')
          AND NOT EXISTS (SELECT 1 FROM uploads u WHERE u.photo_id = p.id AND (u.state = 'failed'
            -- Uploaded, unless a newer revision's render is there to replace the one sent (its end
            -- queues the upload again; a crash may have come between).
            OR (u.state = 'uploaded' AND NOT (u.processed_revision IS NOT NULL AND EXISTS (
              SELECT 1 FROM recipes r JOIN renders d ON d.photo_id = r.photo_id AND d.revision = r.revision AND d.target = 'main'
              WHERE r.photo_id = p.id AND r.revision <> u.processed_revision)))
            -- A render under way queues the upload when it is done; without one, nothing would.
            OR (u.state = 'waiting-render' AND EXISTS (SELECT 1 FROM jobs j WHERE j.subject = CAST(p.id AS TEXT) AND j.kind = 'render' AND j.state IN ('queued', 'running', 'failed')))))
          AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.subject = CAST(p.id AS TEXT) AND j.kind = 'upload' AND j.state IN ('queued', 'running', 'failed', 'dead'))
          -- Analysis decides what the processed file shows (its AI crop); its end queues the upload.
          AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.subject = CAST(p.id AS TEXT) AND j.kind = 'analyze' AND j.state IN ('queued', 'running', 'failed'))
        ORDER BY p.id`)
      .pluck();
    this.#folderGet = db.prepare<[number], string>('SELECT settings_json FROM folder_uploads WHERE folder_id = ?').pluck();
    this.#requested = db.prepare<[number], string | null>('SELECT requested FROM uploads WHERE photo_id = ?').pluck();
    this.#request = db.prepare<[string, string, number]>('UPDATE uploads SET requested = ?, updated_at = ? WHERE photo_id = ?');
    this.#setNotices = db.prepare<[string, string, number]>('UPDATE uploads SET notices_json = ?, updated_at = ? WHERE photo_id = ?');
    this.#byAsset = db
      .prepare<[string, string, number], number>('SELECT photo_id FROM uploads WHERE (original_asset_id = ? OR processed_asset_id = ?) AND photo_id <> ? LIMIT 1')
      .pluck();
    this.#folderSet = db.prepare<[number, string]>(
      'INSERT INTO folder_uploads (folder_id, settings_json) VALUES (?, ?) ON CONFLICT (folder_id) DO UPDATE SET settings_json = excluded.settings_json',
    );
  }

  get(photoId: number): UploadRecord | null {
    const row = this.#get.get(photoId);
    return row ? toRecord(row) : null;
  }

  /** What the photographer asked to send for this photo from a selection, or null: its folder decides. */
  requestedFor(photoId: number): RequestedUpload | null {
    return RequestedUpload.nullable().catch(null).parse(this.#requested.get(photoId) ?? null);
  }

  /** Records "send this photo now" (the row is created when missing). */
  request(photoId: number, what: RequestedUpload): void {
    this.ensure(photoId);
    this.#request.run(what, new Date().toISOString(), photoId);
  }

  /** The row for a photo, created 'queued' when missing. */
  ensure(photoId: number): UploadRecord {
    this.#ensure.run(photoId, new Date().toISOString());
    return this.get(photoId)!;
  }

  /** Called after every id the server hands back: this is what makes a restart idempotent. */
  savePair(photoId: number, pair: UploadPairState, processedRevision: number | null = null): void {
    this.#savePair.run({
      photoId,
      original: pair.originalAssetId ?? null,
      processed: pair.processedAssetId ?? null,
      sha1: pair.processedSha1 ?? null,
      revision: processedRevision,
      stack: pair.stackId ?? null,
      album: pair.albumDone ? 1 : 0,
      metadata: pair.metadataDone ? 1 : 0,
      replaced: JSON.stringify(pair.replacedAssetIds ?? []),
      now: new Date().toISOString(),
    });
  }

  setState(photoId: number, state: UploadState, error: AppError | null = null): void {
    this.#setState.run({ photoId, state, code: error?.code ?? null, message: error?.message ?? null, now: new Date().toISOString() });
  }

  /** Only a created/duplicate answer is recorded; a phase skipped because the id was known keeps the earlier answer. */
  setOutcomes(photoId: number, outcomes: { original?: UploadFileOutcome | null; processed?: UploadFileOutcome | null }): void {
    this.#setOutcome.run({ photoId, original: outcomes.original ?? null, processed: outcomes.processed ?? null, now: new Date().toISOString() });
  }

  /** Replaces what the last finished upload of this photo had to report. */
  setNotices(photoId: number, notices: UploadNotice[]): void {
    this.#setNotices.run(JSON.stringify(notices), new Date().toISOString(), photoId);
  }

  /** The other photo whose record holds this Immich asset as its original or processed file. */
  photoWithAsset(assetId: string, exceptPhotoId: number): number | null {
    return this.#byAsset.get(assetId, assetId, exceptPhotoId) ?? null;
  }

  counts(): UploadCounts & { uploading: number } {
    const by = Object.fromEntries(this.#counts.all().map((r) => [r.state, r.n])) as Partial<Record<UploadState, number>>;
    const n = (...states: UploadState[]) => states.reduce((sum, s) => sum + (by[s] ?? 0), 0);
    return {
      pending: n('queued', 'uploading', 'offline', 'paused'),
      waiting: n('waiting-render', 'waiting-approval'),
      uploaded: n('uploaded'),
      failed: n('failed'),
      uploading: n('uploading'),
    };
  }

  /**
   * Derived photos with no upload yet, or one left unfinished with no job to finish it. That
   * includes the waits whose event a crash can swallow: one waiting for a render with no render
   * job, one uploaded while the render of a newer revision is there (a crash between a render's
   * end and the upload it queues left either), and one waiting for approval (the caller asks
   * whether it has come). A photo still being analysed waits: after a crash, uploading it at once
   * rendered the recipe before its AI crop, then uploaded the render again when analysis added it.
   */
  photosToQueue(): number[] {
    return this.#toQueue.all();
  }

  inState(state: UploadState): UploadRecord[] {
    return this.#byState.all(state).map(toRecord);
  }

  folderSettings(folderId: number): FolderUploadSettings {
    const json = this.#folderGet.get(folderId);
    // Parsed on read: settings stored by an older build get the current defaults.
    return FolderUploadSettings.parse(json === undefined ? {} : JSON.parse(json));
  }

  setFolderSettings(folderId: number, settings: FolderUploadSettings): FolderUploadSettings {
    const parsed = FolderUploadSettings.parse(settings);
    this.#folderSet.run(folderId, JSON.stringify(parsed));
    return parsed;
  }
}
