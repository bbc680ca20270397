import { PhotoQuery, type AppError, type CaptureDate, type Gps, type MediaWarning, type Photo, type PhotoMetadata } from '../../contract/index.ts';
import type { z } from 'zod';
import type { Db } from './database.ts';
import { PHOTO_DUPLICATES_SQL, PHOTO_STAGE_SQL } from './photo-stage.ts';
import { captureColumns, errorColumns, gpsColumns, metadataJson, toPhoto, warningsJson, type PhotoRow } from './photo-row.ts';

/** What ingest knows when it stores (or fails to store) a file. */
export type NewPhoto = {
  folderId: number | null;
  sha256: string | null;
  sha1: string | null;
  fileName: string;
  sourcePath: string;
  bytes: number;
  originalPath: string | null;
  error: AppError | null;
  captureDate: CaptureDate | null;
};

/** What decoding an original tells us. */
export type PhotoMedia = {
  format: string | null;
  width: number | null;
  height: number | null;
  orientation: number | null;
  captureDate: CaptureDate | null;
  gps: Gps | null;
  metadata: PhotoMetadata | null;
  warnings: MediaWarning[];
};

const SELECT_PHOTO = `SELECT p.*, ${PHOTO_STAGE_SQL} AS stage, ${PHOTO_DUPLICATES_SQL} AS duplicates FROM photos p`;

// Stage is computed, so filtering on it needs the inner query; duplicates is only counted for the page.
const FILTERED = `
  SELECT p.*, ${PHOTO_STAGE_SQL} AS stage FROM photos p
  WHERE (@folderId IS NULL OR p.folder_id = @folderId)`;

type ListParams = { folderId: number | null; stage: string | null; limit: number; offset: number };

export class PhotosRepo {
  #insert;
  #byId;
  #bySha;
  #page;
  #count;
  #setMedia;
  #setError;
  #bumpRev;
  #setOriginal;

  constructor(db: Db) {
    this.#insert = db.prepare<[Record<string, unknown>], { id: number }>(`
      INSERT INTO photos (folder_id, sha256, sha1, file_name, source_path, original_path, bytes,
        capture_local, capture_offset, capture_source, error_code, error_message, created_at, updated_at)
      VALUES (@folder_id, @sha256, @sha1, @file_name, @source_path, @original_path, @bytes,
        @capture_local, @capture_offset, @capture_source, @error_code, @error_message, @now, @now)
      RETURNING id`);
    this.#byId = db.prepare<[number], PhotoRow>(`${SELECT_PHOTO} WHERE p.id = ?`);
    this.#bySha = db.prepare<[string], { id: number }>('SELECT id FROM photos WHERE sha256 = ?');
    this.#page = db.prepare<[ListParams], PhotoRow>(`
      SELECT p.*, ${PHOTO_DUPLICATES_SQL} AS duplicates FROM (${FILTERED}) p
      WHERE (@stage IS NULL OR p.stage = @stage)
      ORDER BY p.id DESC LIMIT @limit OFFSET @offset`);
    this.#count = db.prepare<[Omit<ListParams, 'limit' | 'offset'>], { total: number }>(`
      SELECT COUNT(*) AS total FROM (${FILTERED}) p WHERE (@stage IS NULL OR p.stage = @stage)`);
    this.#setMedia = db.prepare<[Record<string, unknown>]>(`
      UPDATE photos SET format = @format, width = @width, height = @height, orientation = @orientation,
        capture_local = @capture_local, capture_offset = @capture_offset, capture_source = @capture_source,
        gps_lat = @gps_lat, gps_lon = @gps_lon, gps_alt = @gps_alt,
        metadata_json = @metadata_json, warnings_json = @warnings_json, updated_at = @now
      WHERE id = @id`);
    this.#setError = db.prepare<[Record<string, unknown>]>(
      'UPDATE photos SET error_code = @error_code, error_message = @error_message, updated_at = @now WHERE id = @id',
    );
    this.#bumpRev = db.prepare<[string, number]>('UPDATE photos SET media_rev = media_rev + 1, updated_at = ? WHERE id = ?');
    this.#setOriginal = db.prepare<[string, string, number]>('UPDATE photos SET original_path = ?, updated_at = ? WHERE id = ?');
  }

  /** Throws on a second photo with the same sha256: callers check `findBySha256` in the same transaction. */
  insert(photo: NewPhoto): number {
    const row = this.#insert.get({
      folder_id: photo.folderId,
      sha256: photo.sha256,
      sha1: photo.sha1,
      file_name: photo.fileName,
      source_path: photo.sourcePath,
      original_path: photo.originalPath,
      bytes: photo.bytes,
      ...captureColumns(photo.captureDate),
      ...errorColumns(photo.error),
      now: new Date().toISOString(),
    });
    return row!.id;
  }

  get(id: number): Photo | null {
    const row = this.#byId.get(id);
    return row ? toPhoto(row) : null;
  }

  findBySha256(sha256: string): { id: number } | null {
    return this.#bySha.get(sha256) ?? null;
  }

  /** Newest first. Accepts the query before or after zod defaults. */
  list(input: z.input<typeof PhotoQuery>): { photos: Photo[]; total: number } {
    const query = PhotoQuery.parse(input);
    const filter = { folderId: query.folderId ?? null, stage: query.stage ?? null };
    const photos = this.#page.all({ ...filter, limit: query.limit, offset: query.offset }).map(toPhoto);
    return { photos, total: this.#count.get(filter)!.total };
  }

  setMedia(id: number, media: PhotoMedia): void {
    this.#setMedia.run({
      id,
      format: media.format,
      width: media.width,
      height: media.height,
      orientation: media.orientation,
      ...captureColumns(media.captureDate),
      ...gpsColumns(media.gps),
      metadata_json: metadataJson(media.metadata),
      warnings_json: warningsJson(media.warnings),
      now: new Date().toISOString(),
    });
  }

  setError(id: number, error: AppError | null): void {
    this.#setError.run({ id, ...errorColumns(error), now: new Date().toISOString() });
  }

  /** Thumbnails and previews were rebuilt: a new rev makes their URLs (and caches) change. */
  bumpMediaRev(id: number): void {
    this.#bumpRev.run(new Date().toISOString(), id);
  }

  setOriginalPath(id: number, relativePath: string): void {
    this.#setOriginal.run(relativePath, new Date().toISOString(), id);
  }
}
