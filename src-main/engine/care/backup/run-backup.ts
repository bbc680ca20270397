import { randomBytes } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BackupReport, ByteProgress } from '../../../contract/index.ts';
import { failDiskFull } from '../../base/disk-space.ts';
import { isIngestError } from '../../ingest/ingest-error.ts';
import { sha256OfFile } from '../../ingest/hash-file.ts';
import { fsyncDirectory, sweepTempFiles } from '../../ingest/originals-store.ts';
import type { Library } from '../../library/index.ts';
import { checkDatabaseFile } from '../../library/integrity-check.ts';
import type { LibraryLayout } from '../../library/library-layout.ts';
import { openSnapshot, snapshotDatabase } from '../../library/snapshot.ts';
import { CareError } from '../care-error.ts';
import { readInventory, sidecarOf } from '../inventory.ts';
import { Journal, newManifest, SNAPSHOT_FILE, writeManifest, type Manifest } from './backup-manifest.ts';
import { openTarget, unavailable } from './backup-target.ts';
import { copyInto, hashIfPresent } from './copy-into.ts';

export type BackupDeps = { library: Library; layout: LibraryLayout; libraryId: string };

export type BackupOptions = {
  /** Re-read and hash every file already on the target too (else: present at its size is enough). */
  verify?: boolean;
  /** Make the folder (its parent must exist) and start a new backup there. */
  create?: boolean;
  signal?: AbortSignal;
  progress?: (progress: ByteProgress) => void;
};

/** A file to carry: originals have the SHA-256 recorded at ingest; recipe copies and sidecars are hashed now. */
type Item = { path: string; sha256: string | null; bytes: number | null; original: boolean };
type Problem = BackupReport['problems'][number];

/**
 * One incremental backup of the library into `dir`: a consistent snapshot of the database first,
 * then every original, recipe copy and current processed sidecar THAT SNAPSHOT names, each copy
 * verified by hash, and the snapshot put in place last. So the folder's lightbox.db only ever names
 * files that are there, whatever moment a crash or an unplugged cable stops the run.
 */
export async function runBackup(deps: BackupDeps, dir: string, options: BackupOptions = {}): Promise<BackupReport> {
  const target = path.resolve(dir);
  // Measured once the run's own temp files are gone, so the free space it names is real. A file's
  // copy names its own size; what else fails (the snapshot, most likely) needs the database's.
  const databaseBytes = (await stat(deps.layout.database).catch(() => null))?.size ?? null;
  return failDiskFull(target, databaseBytes, () => backupInto(deps, target, options));
}

async function backupInto(deps: BackupDeps, target: string, options: BackupOptions): Promise<BackupReport> {
  const startedAt = new Date().toISOString();
  const manifest = (await openTarget(target, deps.libraryId, { create: options.create ?? false })) ?? newManifest(deps.libraryId, deps.layout.root);
  await writeManifest(target, manifest);
  await sweepTempFiles(target);

  const snapshot = path.join(target, `.${SNAPSHOT_FILE}.${randomBytes(6).toString('hex')}.lbtmp`);
  try {
    await snapshotDatabase(deps.library.db, snapshot);
    const items = await itemsOf(snapshot, deps.layout);
    const problems: Problem[] = [];
    const result = await copyItems(deps, target, manifest, items, problems, options);
    for (const finding of await checkDatabaseFile(snapshot)) problems.push({ code: 'database', path: SNAPSHOT_FILE, message: `The database snapshot did not check out, so the previous one was kept: ${finding.message}` });
    let database: BackupReport['database'] = null;
    if (!problems.some((p) => p.code === 'database')) {
      const sha256 = await sha256OfFile(snapshot);
      const bytes = (await stat(snapshot)).size;
      await rename(snapshot, path.join(target, SNAPSHOT_FILE));
      await fsyncDirectory(target);
      database = { sha256, bytes };
      manifest.database = { sha256, bytes, at: new Date().toISOString() };
    }
    const finishedAt = new Date().toISOString();
    manifest.lastCompletedAt = finishedAt;
    if (problems.length === 0) manifest.lastVerifiedAt = finishedAt;
    await writeManifest(target, manifest);
    return { ok: problems.length === 0, target, startedAt, finishedAt, ...result, database, problems };
  } catch (error) {
    // The cable was pulled (or the share went away) during the run: say that, not "ENOENT".
    if (!(error instanceof CareError) && !(await stat(target).catch(() => null))) throw unavailable(target);
    throw error;
  } finally {
    await rm(snapshot, { force: true }).catch(() => undefined);
  }
}

async function itemsOf(snapshot: string, layout: LibraryLayout): Promise<Item[]> {
  const db = openSnapshot(snapshot);
  try {
    const inventory = await readInventory(db, layout);
    return [
      ...inventory.originals.map((o) => ({ path: o.path, sha256: o.sha256, bytes: o.bytes, original: true })),
      ...inventory.recipeCopies.map((c) => ({ path: c.path, sha256: null, bytes: null, original: false })),
      // Processed images are rebuilt from original + recipe on restore; their sidecars carry what
      // other tools read beside them. Only the current revision's: older ones cannot be rebuilt.
      ...inventory.renders.filter((r) => r.current).map((r) => ({ path: sidecarOf(r.path), sha256: null, bytes: null, original: false })),
    ];
  } finally {
    db.close();
  }
}

async function copyItems(deps: BackupDeps, target: string, manifest: Manifest, items: Item[], problems: Problem[], options: BackupOptions) {
  const journal = new Journal(target);
  const counts = { copied: { files: 0, bytes: 0 }, unchanged: 0, verified: 0 };
  const progress = { filesDone: 0, filesTotal: items.length, bytesDone: 0, bytesTotal: items.reduce((sum, i) => sum + (i.bytes ?? 0), 0) };
  options.progress?.({ ...progress });
  try {
    for (const item of items) {
      options.signal?.throwIfAborted();
      const source = deps.layout.absolute(item.path);
      const destination = path.join(target, ...item.path.split('/'));
      const sha256 = item.sha256 ?? (await hashIfPresent(source, options.signal));
      const bytes = item.bytes ?? (await stat(source).catch(() => null))?.size ?? 0;
      if (sha256 === null) {
        // A recipe copy or sidecar that is not in the library: the database (in the snapshot) still has what it said.
        problems.push({ code: 'missing-processed', path: item.path, message: `${item.path} is not in the library, so it was not backed up; "lightbox verify --repair" writes it again.` });
      } else if (await alreadyThere(manifest, item.path, destination, sha256, options)) {
        counts.unchanged++;
        if (options.verify || !manifest.files[item.path]) counts.verified++;
        if (!manifest.files[item.path]) await record(manifest, journal, item.path, sha256, bytes);
      } else {
        const copied = await copyOne(source, destination, item, sha256, bytes, problems);
        if (copied) {
          counts.copied.files++;
          counts.copied.bytes += bytes;
          counts.verified++;
          await record(manifest, journal, item.path, sha256, bytes);
        }
      }
      progress.filesDone++;
      progress.bytesDone += item.bytes ?? 0;
      // Every file: the listeners (the app's events, the command's line) pace themselves.
      options.progress?.({ ...progress });
    }
  } finally {
    await journal.flush().catch(() => undefined);
  }
  return counts;
}

/**
 * On the target with this hash already: by the manifest and its size (or, verifying, its bytes), or
 * by its bytes alone when a crashed run copied it but never wrote it down.
 */
async function alreadyThere(manifest: Manifest, relative: string, destination: string, sha256: string, options: BackupOptions): Promise<boolean> {
  const entry = manifest.files[relative];
  const info = await stat(destination).catch(() => null);
  if (!info?.isFile()) return false;
  if (entry?.sha256 === sha256 && info.size === entry.bytes && !options.verify) return true;
  return (await hashIfPresent(destination, options.signal)) === sha256;
}

async function copyOne(source: string, destination: string, item: Item, sha256: string, bytes: number, problems: Problem[]): Promise<boolean> {
  try {
    await copyInto(source, destination, sha256, bytes);
    return true;
  } catch (error) {
    if (isIngestError(error, 'file-vanished')) {
      problems.push({ code: item.original ? 'missing-original' : 'missing-processed', path: item.path, message: `${item.path} is not in the library, so it was not backed up.` });
      return false;
    }
    if (isIngestError(error, 'hash-mismatch')) {
      // An original whose bytes are not the ones stored is never copied over a good backup copy.
      const message = item.original
        ? `The library's copy of ${item.path} no longer has the bytes that were stored, so it was not backed up; "lightbox verify --repair" restores it from a backup that has the right ones.`
        : `${item.path} changed while it was being copied; the next backup takes it.`;
      problems.push({ code: item.original ? 'altered-original' : 'backup-failed', path: item.path, message });
      return false;
    }
    throw error;
  }
}

async function record(manifest: Manifest, journal: Journal, relative: string, sha256: string, bytes: number): Promise<void> {
  const entry = { sha256, bytes, at: new Date().toISOString() };
  manifest.files[relative] = entry;
  await journal.add(relative, entry);
}
