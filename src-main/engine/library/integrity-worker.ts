import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { IntegrityResult } from './integrity-check.ts';
import { lowerThreadPriority } from '../base/background-thread.ts';

lowerThreadPriority();

/**
 * Runs the database checks on its own read-only connection: integrity_check reads every page, which
 * takes seconds on a large library, and better-sqlite3 is synchronous, so on the engine's thread it
 * would freeze the UI's answers for that long. WAL lets this reader see a consistent snapshot while
 * the engine keeps writing.
 */
function check(file: string): IntegrityResult {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check);
    const foreignKeys = db.pragma('foreign_key_check') as Array<{ table: string; rowid: number | null; parent: string }>;
    return { ok: true, integrity, foreignKeys: foreignKeys.map(({ table, rowid, parent }) => ({ table, rowid, parent })) };
  } finally {
    db.close();
  }
}

const { file } = workerData as { file: string };
let result: IntegrityResult;
try {
  result = check(file);
} catch (error) {
  result = { ok: false, message: (error as Error).message };
}
parentPort!.postMessage(result);
