import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ByteProgress } from '../../../contract/index.ts';
import { isIngestError } from '../../ingest/ingest-error.ts';
import { sha256OfFile } from '../../ingest/hash-file.ts';
import { openDatabase } from '../../library/database.ts';
import { checkDatabaseFile } from '../../library/integrity-check.ts';
import { libraryLayout } from '../../library/library-layout.ts';
import { lockLibrary } from '../../library/library-lock.ts';
import { CareError } from '../care-error.ts';
import { readInventory, sidecarOf } from '../inventory.ts';
import { readManifest, SNAPSHOT_FILE } from './backup-manifest.ts';
import { unavailable } from './backup-target.ts';
import { copyInto } from './copy-into.ts';

export type RestoreResult = { files: number; bytes: number; problems: Array<{ code: string; path: string; message: string }> };

/**
 * Brings a library back from a backup folder into an empty `libraryDir`: the database snapshot
 * (checked against the manifest's hash and SQLite's own integrity check), then every original,
 * recipe copy and sidecar it names, each copy verified by hash. Processed images and thumbnails are
 * not in a backup: `lightbox restore` renders them again afterwards (verify --repair).
 */
export async function restoreLibrary(from: string, libraryDir: string, progress?: (p: ByteProgress) => void): Promise<RestoreResult> {
  const source = path.resolve(from);
  if (!(await stat(source).catch(() => null))?.isDirectory()) throw unavailable(source);
  const manifest = await readManifest(source);
  if (!manifest?.database) throw new CareError('restore-failed', `${source} holds no finished Lightbox backup (no manifest with a database snapshot).`);
  const layout = libraryLayout(libraryDir);
  if ((await readdir(layout.root).catch(() => [])).length > 0) {
    throw new CareError('restore-failed', `${layout.root} is not empty. Restore into a new folder: Lightbox never writes over a library.`);
  }
  const snapshot = path.join(source, SNAPSHOT_FILE);
  if ((await sha256OfFile(snapshot).catch(() => null)) !== manifest.database.sha256) {
    throw new CareError('restore-failed', `The database snapshot in ${source} does not have the bytes its manifest recorded: the backup is damaged.`);
  }
  const findings = await checkDatabaseFile(snapshot);
  if (findings.length > 0) throw new CareError('restore-failed', `The database snapshot in ${source} does not check out: ${findings[0]!.message}`);

  await mkdir(layout.root, { recursive: true });
  const lock = await lockLibrary(layout.root);
  try {
    await copyInto(snapshot, layout.database, manifest.database.sha256, manifest.database.bytes);
    // Opening runs the migrations: a backup made by an older Lightbox comes back in today's schema.
    const db = openDatabase(layout.database);
    let inventory;
    try {
      inventory = await readInventory(db, layout);
    } finally {
      db.close();
    }
    const items = [
      ...inventory.originals.map((o) => ({ path: o.path, sha256: o.sha256 as string | null, bytes: o.bytes })),
      ...inventory.recipeCopies.map((c) => ({ path: c.path, sha256: null, bytes: null })),
      ...inventory.renders.filter((r) => r.current).map((r) => ({ path: sidecarOf(r.path), sha256: null, bytes: null })),
    ];
    const result: RestoreResult = { files: 1, bytes: manifest.database.bytes, problems: [] };
    const done: ByteProgress = { filesDone: 0, filesTotal: items.length, bytesDone: 0, bytesTotal: items.reduce((s, i) => s + (i.bytes ?? 0), 0) };
    for (const item of items) {
      const entry = manifest.files[item.path];
      const sha256 = item.sha256 ?? entry?.sha256 ?? null;
      const bytes = item.bytes ?? entry?.bytes ?? null;
      const original = item.sha256 !== null;
      if (sha256 === null) {
        result.problems.push({ code: 'missing-processed', path: item.path, message: `${item.path} is not in the backup; "lightbox verify --repair" writes it again.` });
      } else {
        try {
          await copyInto(path.join(source, ...item.path.split('/')), layout.absolute(item.path), sha256, bytes);
          result.files++;
          result.bytes += bytes ?? 0;
        } catch (error) {
          if (!isIngestError(error, 'file-vanished') && !isIngestError(error, 'hash-mismatch')) throw error;
          const what = isIngestError(error, 'file-vanished') ? 'is not in the backup' : 'in the backup does not have the bytes that were stored';
          result.problems.push({ code: original ? (isIngestError(error, 'file-vanished') ? 'missing-original' : 'altered-original') : 'missing-processed', path: item.path, message: `${item.path} ${what}.` });
        }
      }
      done.filesDone++;
      done.bytesDone += item.bytes ?? 0;
      progress?.({ ...done });
    }
    return result;
  } finally {
    await lock.release();
  }
}
