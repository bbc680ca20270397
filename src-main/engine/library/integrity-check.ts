import { Worker } from 'node:worker_threads';
import { siblingWorker } from '../base/worker-url.ts';

export type IntegrityResult =
  | { ok: true; integrity: string[]; foreignKeys: Array<{ table: string; rowid: number | null; parent: string }> }
  | { ok: false; message: string };

export type DatabaseFinding = { message: string };

/**
 * `PRAGMA integrity_check` and `PRAGMA foreign_key_check` on a database file, off the engine's
 * thread (integrity-worker.ts). Returns what is wrong, in words; empty when the database is sound.
 * Works on the live library (WAL) and on a backup's snapshot alike.
 */
export async function checkDatabaseFile(file: string): Promise<DatabaseFinding[]> {
  const result = await new Promise<IntegrityResult>((resolve, reject) => {
    const worker = new Worker(siblingWorker('integrity-worker', import.meta.url), { workerData: { file } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the database check stopped (exit code ${code})`)));
  }).catch((error: unknown): IntegrityResult => ({ ok: false, message: (error as Error).message }));
  if (!result.ok) return [{ message: `The database could not be checked: ${result.message}` }];
  const findings: DatabaseFinding[] = result.integrity.filter((line) => line !== 'ok').map((line) => ({ message: `integrity_check: ${line}` }));
  const byTable = new Map<string, number>();
  for (const row of result.foreignKeys) byTable.set(`${row.table} -> ${row.parent}`, (byTable.get(`${row.table} -> ${row.parent}`) ?? 0) + 1);
  for (const [link, count] of byTable) findings.push({ message: `foreign_key_check: ${count} row(s) of ${link.replace(' -> ', ' point to missing rows of ')}` });
  return findings;
}
