import type { Db } from './database.ts';

export type RenderRecord = {
  photoId: number;
  revision: number;
  /** `main`, or an export target key. */
  target: string;
  /** Relative to the library folder. */
  path: string;
  bytes: number;
  sha256: string;
  width: number;
  height: number;
  createdAt: string;
};

type Row = { photo_id: number; revision: number; target: string; path: string; bytes: number; sha256: string; width: number; height: number; created_at: string };

const toRecord = (r: Row): RenderRecord => ({
  photoId: r.photo_id, revision: r.revision, target: r.target, path: r.path, bytes: r.bytes, sha256: r.sha256,
  width: r.width, height: r.height, createdAt: r.created_at,
});

/** Files written by the renderer, one row per (photo, revision, target). */
export class RendersRepo {
  #upsert;
  #forPhoto;
  #latestMain;
  #deleteRevision;
  #pathsUnder;

  constructor(db: Db) {
    // A re-render of the same revision (a retried job) replaces the row: the file was replaced too.
    this.#upsert = db.prepare<[Record<string, unknown>]>(`
      INSERT INTO renders (photo_id, revision, target, path, bytes, sha256, width, height, created_at)
      VALUES (@photoId, @revision, @target, @path, @bytes, @sha256, @width, @height, @createdAt)
      ON CONFLICT (photo_id, revision, target) DO UPDATE SET path = excluded.path, bytes = excluded.bytes,
        sha256 = excluded.sha256, width = excluded.width, height = excluded.height, created_at = excluded.created_at`);
    this.#forPhoto = db.prepare<[number], Row>('SELECT * FROM renders WHERE photo_id = ? ORDER BY revision DESC, target');
    this.#latestMain = db.prepare<[number], number | null>(`SELECT MAX(revision) FROM renders WHERE photo_id = ? AND target = 'main'`).pluck();
    this.#deleteRevision = db.prepare<[number, number]>('DELETE FROM renders WHERE photo_id = ? AND revision = ?');
    this.#pathsUnder = db.prepare<[string, string], string>(`SELECT path FROM renders WHERE substr(path, 1, length(?)) = ?`).pluck();
  }

  record(render: RenderRecord): void {
    this.#upsert.run(render);
  }

  /** Newest revision first. */
  forPhoto(photoId: number): RenderRecord[] {
    return this.#forPhoto.all(photoId).map(toRecord);
  }

  latestMainRevision(photoId: number): number | null {
    return this.#latestMain.get(photoId) ?? null;
  }

  /** Every recorded path (of any photo) in a folder, e.g. `processed/2024/05`. */
  allPathsUnder(dirRelative: string): string[] {
    const prefix = `${dirRelative}/`;
    return this.#pathsUnder.all(prefix, prefix);
  }

  deleteRevision(photoId: number, revision: number): void {
    this.#deleteRevision.run(photoId, revision);
  }
}
