import Database from 'better-sqlite3';
import { migrate } from './migrate.ts';

export type Db = Database.Database;

/**
 * Opens (or creates) the library database and brings its schema up to date. WAL lets the UI read
 * while the queue writes; NORMAL sync is durable across app crashes (WAL) and only risks the last
 * commits on power loss, which the idempotent jobs redo.
 */
export function openDatabase(file: string): Db {
  const db = new Database(file, { timeout: 5000 });
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
