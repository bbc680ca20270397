import Database from 'better-sqlite3';
import type { Db } from './database.ts';

/**
 * A consistent copy of the live database at `destination`, made with SQLite's online backup API
 * while the engine keeps working: better-sqlite3 copies it a batch of pages per event-loop turn, and
 * writes made meanwhile on this connection are carried into the copy. The copy is switched to a
 * rollback journal so it is one self-contained file (no -wal beside it) wherever it is carried.
 */
export async function snapshotDatabase(db: Db, destination: string): Promise<void> {
  await db.backup(destination);
  const copy = new Database(destination, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
}

/** A snapshot (or any library database file) opened read-only, for reading what it names. */
export function openSnapshot(file: string): Db {
  return new Database(file, { readonly: true, fileMustExist: true });
}
