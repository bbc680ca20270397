import type { Db } from './database.ts';

export type CachedHashes = { sha256: string; sha1: string };

/** (path, size, mtime) -> hashes, so a restart does not re-read unchanged files. One entry per path. */
export class HashCacheRepo {
  #get;
  #put;

  constructor(db: Db) {
    this.#get = db.prepare<[string, number, number], CachedHashes>(
      'SELECT sha256, sha1 FROM hash_cache WHERE path = ? AND size = ? AND mtime_ms = ?',
    );
    this.#put = db.prepare<[string, number, number, string, string]>(`
      INSERT INTO hash_cache (path, size, mtime_ms, sha256, sha1) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms,
        sha256 = excluded.sha256, sha1 = excluded.sha1`);
  }

  /** Null when the file is unknown or has changed since it was hashed. */
  get(path: string, size: number, mtimeMs: number): CachedHashes | null {
    return this.#get.get(path, size, mtimeMs) ?? null;
  }

  put(path: string, size: number, mtimeMs: number, sha256: string, sha1: string): void {
    this.#put.run(path, size, mtimeMs, sha256, sha1);
  }
}
