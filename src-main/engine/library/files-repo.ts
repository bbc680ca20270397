import type { AppError, DuplicateFile } from '../../contract/index.ts';
import type { Db } from './database.ts';

export type FileOutcome = 'ingested' | 'duplicate' | 'failed';

/** One version (path, size, mtime) of a source file and what ingest did with it. */
export type FileRecord = {
  id: number;
  folderId: number | null;
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string | null;
  photoId: number | null;
  outcome: FileOutcome;
  error: AppError | null;
  seenAt: string;
};

export type NewFileRecord = Omit<FileRecord, 'id' | 'seenAt'>;

type FileRow = {
  id: number;
  folder_id: number | null;
  path: string;
  size: number;
  mtime_ms: number;
  sha256: string | null;
  photo_id: number | null;
  outcome: FileOutcome;
  error_code: AppError['code'] | null;
  error_message: string | null;
  seen_at: string;
};

/** Every source file seen. One row per file version, so recording it again (a retried job) is harmless. */
export class FilesRepo {
  #upsert;
  #byStat;
  #duplicates;
  #counts;

  constructor(db: Db) {
    this.#upsert = db.prepare<[Record<string, unknown>], { id: number }>(`
      INSERT INTO files (folder_id, path, size, mtime_ms, sha256, photo_id, outcome, error_code, error_message, seen_at)
      VALUES (@folder_id, @path, @size, @mtime_ms, @sha256, @photo_id, @outcome, @error_code, @error_message, @seen_at)
      ON CONFLICT (path, size, mtime_ms) DO UPDATE SET
        folder_id = excluded.folder_id, sha256 = excluded.sha256, photo_id = excluded.photo_id,
        outcome = excluded.outcome, error_code = excluded.error_code, error_message = excluded.error_message,
        seen_at = excluded.seen_at
      RETURNING id`);
    this.#byStat = db.prepare<[string, number, number], FileRow>('SELECT * FROM files WHERE path = ? AND size = ? AND mtime_ms = ?');
    this.#duplicates = db.prepare<[number], DuplicateFile>(`
      SELECT path, photo_id AS photoId, seen_at AS seenAt FROM files
      WHERE photo_id = ? AND outcome = 'duplicate' ORDER BY seen_at, id`);
    this.#counts = db.prepare<[], { outcome: FileOutcome; n: number }>('SELECT outcome, COUNT(*) AS n FROM files GROUP BY outcome');
  }

  record(file: NewFileRecord): number {
    return this.#upsert.get({
      folder_id: file.folderId,
      path: file.path,
      size: file.size,
      mtime_ms: file.mtimeMs,
      sha256: file.sha256,
      photo_id: file.photoId,
      outcome: file.outcome,
      error_code: file.error?.code ?? null,
      error_message: file.error?.message ?? null,
      seen_at: new Date().toISOString(),
    })!.id;
  }

  /** Has this exact file version been handled? A restart must not process it again. */
  findByPathAndStat(path: string, size: number, mtimeMs: number): FileRecord | null {
    const row = this.#byStat.get(path, size, mtimeMs);
    return row ? toRecord(row) : null;
  }

  duplicatesOf(photoId: number): DuplicateFile[] {
    return this.#duplicates.all(photoId);
  }

  countByOutcome(): Record<FileOutcome, number> {
    const counts: Record<FileOutcome, number> = { ingested: 0, duplicate: 0, failed: 0 };
    for (const { outcome, n } of this.#counts.all()) counts[outcome] = n;
    return counts;
  }
}

function toRecord(row: FileRow): FileRecord {
  return {
    id: row.id,
    folderId: row.folder_id,
    path: row.path,
    size: row.size,
    mtimeMs: row.mtime_ms,
    sha256: row.sha256,
    photoId: row.photo_id,
    outcome: row.outcome,
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
    seenAt: row.seen_at,
  };
}
