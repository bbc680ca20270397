import { randomUUID } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ApiError, AppError, type BackupReport, type BackupTarget, type ByteProgress } from '../../../contract/index.ts';
import { findDiskFull } from '../../base/disk-space.ts';
import { SpacePauses } from '../../jobs/index.ts';
import type { Library } from '../../library/index.ts';
import type { LibraryLayout } from '../../library/library-layout.ts';
import { CareError } from '../care-error.ts';
import { MANIFEST_FILE, newManifest, readManifest, writeManifest } from './backup-manifest.ts';
import { runBackup } from './run-backup.ts';

const TARGETS_KEY = 'backup.targets';
const LIBRARY_ID_KEY = 'library.id';

/** What the library keeps per target; `available` and `running` are found out, not stored. */
const StoredTarget = z.object({
  id: z.string(),
  path: z.string(),
  afterImport: z.boolean(),
  lastBackupAt: z.string().nullable(),
  lastVerifiedAt: z.string().nullable(),
  files: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  lastError: AppError.nullable(),
});
type StoredTarget = z.infer<typeof StoredTarget>;

export type BackupServiceDeps = {
  library: Library;
  layout: LibraryLayout;
  emit(target: BackupTarget): void;
  /** How often a target whose disk was full is looked at again. */
  diskCheckMs?: number;
};

/** The library's own id, made on first use: a backup folder remembers whose backup it holds. */
export function libraryId(library: Library): string {
  const id = library.settings.get(LIBRARY_ID_KEY);
  if (typeof id === 'string' && id) return id;
  const made = randomUUID();
  library.settings.set(LIBRARY_ID_KEY, made);
  return made;
}

/**
 * Backup targets kept in the library (Settings): runs them one at a time per target in the
 * background, after every import for those that ask, and keeps what each run ended with. A target
 * whose folder is missing is reported once per run and left alone; one whose disk filled up waits
 * until it has room again, then carries on by itself.
 */
export class BackupService {
  #deps: BackupServiceDeps;
  #running = new Map<string, { progress: ByteProgress; done: Promise<void>; controller: AbortController }>();
  #pauses: SpacePauses<string>;
  #closed = false;

  constructor(deps: BackupServiceDeps) {
    this.#deps = deps;
    this.#pauses = new SpacePauses<string>({
      changed: () => {},
      resumed: (id) => void this.run(id).catch(() => undefined),
      ...(deps.diskCheckMs === undefined ? {} : { checkMs: deps.diskCheckMs }),
    });
  }

  async list(): Promise<BackupTarget[]> {
    return Promise.all(this.#stored().map((t) => this.#view(t)));
  }

  /** Every target folder, for a repair looking for an original's right bytes. */
  folders(): string[] {
    return this.#stored().map((t) => t.path);
  }

  async add(folder: string, afterImport: boolean): Promise<BackupTarget[]> {
    const resolved = path.resolve(folder);
    if (!path.isAbsolute(folder)) throw new ApiError('bad-request', `"${folder}" is not a full path: give the folder's whole path, e.g. /media/me/Backup/Lightbox.`);
    const targets = this.#stored();
    if (targets.some((t) => t.path === resolved)) throw new ApiError('bad-request', `${resolved} is a backup target already.`);
    if (resolved === this.#deps.layout.root || resolved.startsWith(`${this.#deps.layout.root}${path.sep}`) || this.#deps.layout.root.startsWith(`${resolved}${path.sep}`)) {
      throw new ApiError('bad-request', 'A backup must be outside the library folder (and not hold it): put it on another disk.');
    }
    const manifest = await readManifest(resolved).catch(() => null);
    if (manifest && manifest.libraryId !== libraryId(this.#deps.library)) {
      throw new ApiError('bad-request', `${resolved} holds the backup of another Lightbox library (${manifest.libraryPath}). Choose an empty folder.`);
    }
    if (!manifest) await this.#claim(resolved);
    this.#save([...targets, { id: randomUUID().slice(0, 8), path: resolved, afterImport, lastBackupAt: manifest?.lastCompletedAt ?? null, lastVerifiedAt: manifest?.lastVerifiedAt ?? null, files: 0, bytes: 0, lastError: null }]);
    return this.list();
  }

  /**
   * Makes the folder (its parent must be there) and writes an empty manifest into it, so from now on
   * "there is a manifest" is what tells a plugged-in target from an empty mount point.
   */
  async #claim(folder: string): Promise<void> {
    const parent = await stat(path.dirname(folder)).catch(() => null);
    if (!parent?.isDirectory()) throw new ApiError('bad-request', `${path.dirname(folder)} does not exist: plug in the disk or mount the share first.`);
    try {
      await mkdir(folder, { recursive: false }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      await writeManifest(folder, newManifest(libraryId(this.#deps.library), this.#deps.layout.root));
    } catch (error) {
      throw new ApiError('bad-request', `${folder} cannot be written: ${(error as Error).message}`);
    }
  }

  /**
   * A backup made outside the app (`lightbox backup --to DIR`) becomes a target too (not after every
   * import unless asked): Settings shows when it was last verified, and a repair looks there.
   */
  async remember(folder: string, report: BackupReport): Promise<void> {
    const resolved = path.resolve(folder);
    const targets = this.#stored();
    let target = targets.find((t) => t.path === resolved);
    if (!target) {
      target = { id: randomUUID().slice(0, 8), path: resolved, afterImport: false, lastBackupAt: null, lastVerifiedAt: null, files: 0, bytes: 0, lastError: null };
      targets.push(target);
    }
    target.lastBackupAt = report.finishedAt;
    if (report.ok) target.lastVerifiedAt = report.finishedAt;
    target.lastError = problemsError(report);
    await this.#manifestTotals(target);
    this.#save(targets);
  }

  async update(id: string, afterImport: boolean): Promise<BackupTarget[]> {
    this.#save(this.#stored().map((t) => (t.id === id ? { ...t, afterImport } : t)), id);
    return this.list();
  }

  async remove(id: string): Promise<BackupTarget[]> {
    this.#find(id);
    this.#running.get(id)?.controller.abort(new Error('The target was removed.'));
    this.#pauses.resume(id);
    this.#save(this.#stored().filter((t) => t.id !== id));
    return this.list();
  }

  /**
   * Starts a run in the background (or joins the one running); resolves when it ended (how, is in
   * the target's state). The progress comes as `backup.target` events.
   */
  run(id: string, options: { verify?: boolean } = {}): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const running = this.#running.get(id);
    if (running) return running.done;
    const target = this.#find(id);
    const controller = new AbortController();
    const progress: ByteProgress = { filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 };
    let lastEmit = 0;
    const done = runBackup({ library: this.#deps.library, layout: this.#deps.layout, libraryId: libraryId(this.#deps.library) }, target.path, {
      verify: options.verify ?? false,
      // Adding the target made the folder and its manifest: a run never makes it again.
      create: false,
      signal: controller.signal,
      progress: (p) => {
        Object.assign(progress, p);
        if (performance.now() - lastEmit < 250) return;
        lastEmit = performance.now();
        void this.#emit(id);
      },
    }).then(
      (report) => this.#finished(id, report, null),
      (error: unknown) => this.#finished(id, null, error),
    );
    this.#running.set(id, { progress, done, controller });
    void this.#emit(id);
    return done;
  }

  /** An import finished and the queue is idle: targets that ask for it back up now. */
  afterImport(): void {
    for (const target of this.#stored()) {
      if (target.afterImport && !this.#pauses.isPaused(target.id)) void this.run(target.id);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#pauses.stop();
    for (const running of this.#running.values()) running.controller.abort(new Error('Lightbox is closing.'));
    await Promise.allSettled([...this.#running.values()].map((r) => r.done));
  }

  async #finished(id: string, report: BackupReport | null, error: unknown): Promise<void> {
    this.#running.delete(id);
    const stored = this.#stored().find((t) => t.id === id);
    if (!stored) return;
    let lastError: AppError | null = null;
    if (report) {
      stored.lastBackupAt = report.finishedAt;
      if (report.ok) stored.lastVerifiedAt = report.finishedAt;
      lastError = problemsError(report);
    } else {
      const full = findDiskFull(error);
      if (full && !this.#closed) this.#pauses.pauseForSpace(id, full);
      lastError = errorOf(error);
      if (!(error instanceof CareError) && !full && !this.#closed) console.error(`[lightbox] backup to ${stored.path}:`, error);
    }
    stored.lastError = lastError;
    await this.#manifestTotals(stored);
    // Removed while it ran: nothing to keep.
    if (!this.#stored().some((t) => t.id === id)) return;
    this.#save(this.#stored().map((t) => (t.id === id ? stored : t)));
    await this.#emit(id);
  }

  async #manifestTotals(target: StoredTarget): Promise<void> {
    const manifest = await readManifest(target.path).catch(() => null);
    if (!manifest) return;
    const files = Object.values(manifest.files);
    target.files = files.length;
    target.bytes = files.reduce((sum, f) => sum + f.bytes, 0) + (manifest.database?.bytes ?? 0);
  }

  async #emit(id: string): Promise<void> {
    const stored = this.#stored().find((t) => t.id === id);
    if (stored) this.#deps.emit(await this.#view(stored));
  }

  async #view(target: StoredTarget): Promise<BackupTarget> {
    // The manifest, not just the folder: an unplugged disk often leaves its empty mount point behind.
    const available = (await stat(path.join(target.path, MANIFEST_FILE)).catch(() => null))?.isFile() ?? false;
    const running = this.#running.get(target.id);
    return { ...target, available, running: running ? { ...running.progress } : null };
  }

  #stored(): StoredTarget[] {
    return z.array(StoredTarget).catch([]).parse(this.#deps.library.settings.get(TARGETS_KEY) ?? []);
  }

  #find(id: string): StoredTarget {
    const target = this.#stored().find((t) => t.id === id);
    if (!target) throw new ApiError('not-found', `There is no backup target ${id}.`);
    return target;
  }

  #save(targets: StoredTarget[], mustHave?: string): void {
    if (mustHave) this.#find(mustHave);
    this.#deps.library.settings.set(TARGETS_KEY, targets);
  }
}

function problemsError(report: BackupReport): AppError | null {
  const first = report.problems[0];
  return first ? { code: 'backup-failed', message: `${report.problems.length} file(s) could not be backed up; the first: ${first.message}` } : null;
}

function errorOf(error: unknown): AppError {
  const code = (error as { code?: unknown } | null)?.code;
  const parsed = AppError.safeParse({ code, message: (error as Error)?.message });
  return parsed.success ? parsed.data : { code: 'backup-failed', message: `The backup stopped: ${(error as Error)?.message ?? String(error)}` };
}
