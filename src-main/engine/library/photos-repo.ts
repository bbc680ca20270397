import { PhotoFilter, PhotoQuery, PhotoStage, type AppError, type CaptureDate, type CaptureInstant, type Gps, type MediaWarning, type Photo, type PhotoCounts, type PhotoMetadata, type PhotoSortKey } from '../../contract/index.ts';
import type { z } from 'zod';
import type { Db } from './database.ts';
import { PHOTO_ANALYSIS_GAPS_SQL, PHOTO_DUPLICATES_SQL, PHOTO_STAGE_SQL } from './photo-stage.ts';
import { COUNT_SQL, ROWS_BY_IDS_SQL, STAGE_COUNTS_SQL, filterParams, idsSql, pageIdsSql, type FilterParams } from './photo-list-sql.ts';
import { captureColumns, captureInstantColumns, errorColumns, gpsColumns, metadataJson, toPhoto, warningsJson, type PhotoRow } from './photo-row.ts';

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
  /** Null: no capture date, or (with a captureDate) not resolved by the reader. */
  captureInstant: CaptureInstant | null;
  gps: Gps | null;
  metadata: PhotoMetadata | null;
  warnings: MediaWarning[];
};

const SELECT_PHOTO = `SELECT p.*, ${PHOTO_STAGE_SQL} AS stage, ${PHOTO_DUPLICATES_SQL} AS duplicates, ${PHOTO_ANALYSIS_GAPS_SQL} AS analysis_gaps FROM photos p`;

type PageParams = FilterParams & { limit: number; offset: number };
type Statement<P, R> = { all(params: P): R[] };
export class PhotosRepo {
  #insert;
  #byId;
  #bySha;
  #db: Db;
  #pages = new Map<string, Statement<PageParams, { id: number }>>();
  #rowsByIds;
  #ids = new Map<string, Statement<FilterParams, { id: number }>>();
  #count;
  #stageCounts;
  #setMedia;
  #setError;
  #bumpRev;
  #setOriginal;
  #rate;
  #flag;

  constructor(db: Db) {
    this.#insert = db.prepare<[Record<string, unknown>], { id: number }>(`
      INSERT INTO photos (folder_id, sha256, sha1, file_name, source_path, original_path, bytes,
        capture_local, capture_offset, capture_source, error_code, error_message, created_at, updated_at)
      VALUES (@folder_id, @sha256, @sha1, @file_name, @source_path, @original_path, @bytes,
        @capture_local, @capture_offset, @capture_source, @error_code, @error_message, @now, @now)
      RETURNING id`);
    this.#byId = db.prepare<[number], PhotoRow>(`${SELECT_PHOTO} WHERE p.id = ?`);
    this.#bySha = db.prepare<[string], { id: number }>('SELECT id FROM photos WHERE sha256 = ?');
    this.#db = db;
    this.#rowsByIds = db.prepare<[string], PhotoRow>(ROWS_BY_IDS_SQL);
    this.#count = db.prepare<[FilterParams], { total: number }>(COUNT_SQL);
    this.#stageCounts = db.prepare<[Omit<FilterParams, 'stage'>], { stage: string; n: number; duplicates: number }>(STAGE_COUNTS_SQL);
    this.#setMedia = db.prepare<[Record<string, unknown>]>(`
      UPDATE photos SET format = @format, width = @width, height = @height, orientation = @orientation,
        capture_local = @capture_local, capture_offset = @capture_offset, capture_source = @capture_source,
        capture_wall = @capture_wall, capture_instant = @capture_instant, capture_zone = @capture_zone, capture_zone_source = @capture_zone_source,
        gps_lat = @gps_lat, gps_lon = @gps_lon, gps_alt = @gps_alt,
        metadata_json = @metadata_json, warnings_json = @warnings_json, updated_at = @now
      WHERE id = @id`);
    this.#setError = db.prepare<[Record<string, unknown>]>(
      'UPDATE photos SET error_code = @error_code, error_message = @error_message, updated_at = @now WHERE id = @id',
    );
    this.#bumpRev = db.prepare<[string, number]>('UPDATE photos SET media_rev = media_rev + 1, updated_at = ? WHERE id = ?');
    this.#rate = db.prepare<[number, string, string]>('UPDATE photos SET rating = ?, updated_at = ? WHERE id IN (SELECT value FROM json_each(?))');
    this.#flag = db.prepare<[string | null, string, string]>('UPDATE photos SET flag = ?, updated_at = ? WHERE id IN (SELECT value FROM json_each(?))');
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

  /**
   * One page in the query's order (newest import first by default). Accepts the query before or
   * after zod defaults. `similar`: what semantic search found for the text, best first, when the
   * query asked for it (the engine resolves it: it needs the CLIP model, this class only SQL).
   */
  list(input: z.input<typeof PhotoQuery>, similar: readonly number[] | null = null): { photos: Photo[]; total: number } {
    const query = PhotoQuery.parse(input);
    const filter = filterParams(query, similar);
    const page = this.#statement(this.#pages, query.sort, query.order, pageIdsSql);
    const ids = page.all({ ...filter, limit: query.limit, offset: query.offset }).map((row) => row.id);
    const rows = new Map(this.#rowsByIds.all(JSON.stringify(ids)).map((row) => [row.id, row]));
    // A row deleted between the two statements is simply left out of the page.
    const photos = ids.flatMap((id) => {
      const row = rows.get(id);
      return row ? [toPhoto(row)] : [];
    });
    return { photos, total: this.#count.get(filter)!.total };
  }

  /** Every id the query matches, in its order: "select all filtered" without loading every photo. */
  ids(input: Omit<z.input<typeof PhotoQuery>, 'limit' | 'offset'>, similar: readonly number[] | null = null): number[] {
    const query = PhotoQuery.parse(input);
    return this.#statement(this.#ids, query.sort, query.order, idsSql).all(filterParams(query, similar)).map((row) => row.id);
  }

  /** How many photos the filter matches per stage (every stage present, zero when none) and how many have duplicates. */
  counts(input: z.input<typeof PhotoFilter>, similar: readonly number[] | null = null): PhotoCounts {
    const { stage: _unused, ...filter } = filterParams(PhotoFilter.parse(input), similar);
    const byStage = Object.fromEntries(PhotoStage.options.map((stage) => [stage, 0])) as Record<PhotoStage, number>;
    let total = 0;
    let duplicates = 0;
    for (const row of this.#stageCounts.all(filter)) {
      const stage = PhotoStage.parse(row.stage);
      byStage[stage] = row.n;
      total += row.n;
      duplicates += row.duplicates;
    }
    return { total, byStage, duplicates };
  }

  // Eight sort/order combinations at most: prepared on first use and kept.
  #statement<P, R>(cache: Map<string, Statement<P, R>>, sort: PhotoSortKey, order: 'asc' | 'desc', sql: (sort: PhotoSortKey, order: 'asc' | 'desc') => string): Statement<P, R> {
    const key = `${sort}:${order}`;
    let statement = cache.get(key);
    if (!statement) cache.set(key, (statement = this.#db.prepare<[P], R>(sql(sort, order))));
    return statement;
  }

  setMedia(id: number, media: PhotoMedia): void {
    this.#setMedia.run({
      id,
      format: media.format,
      width: media.width,
      height: media.height,
      orientation: media.orientation,
      ...captureColumns(media.captureDate),
      ...captureInstantColumns(media.captureDate ? media.captureInstant : null),
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

  /** Stars for many photos in one statement; returns how many rows exist among `ids`. */
  setRating(ids: number[], rating: number): number {
    return this.#rate.run(rating, new Date().toISOString(), JSON.stringify(ids)).changes;
  }

  setFlag(ids: number[], flag: 'pick' | 'reject' | null): number {
    return this.#flag.run(flag, new Date().toISOString(), JSON.stringify(ids)).changes;
  }

  setOriginalPath(id: number, relativePath: string): void {
    this.#setOriginal.run(relativePath, new Date().toISOString(), id);
  }
}
