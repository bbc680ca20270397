import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FolderStatus, HotFolder } from '../../contract/index.ts';
import { checkCompleteness } from '../media/index.ts';
import { createPathFilter, isIgnoredName } from './file-filter.ts';
import { watchFolder, type FolderWatcher } from './folder-watcher.ts';
import { waitUntilStable } from './stability.ts';
import { DONE_DIR } from './after-ingest.ts';
import { IngestError } from './ingest-error.ts';

export type ReadyFile = { folder: HotFolder; path: string; size: number; mtimeMs: number };
export type { FolderStatus };

const MAX_RETRY_MS = 60_000;

export type HotFoldersOptions = {
  libraryDir: string;
  /** Called once per file version that is complete (or has given up pretending to be incomplete). */
  onReady: (file: ReadyFile) => void;
  /** Has this exact (path, size, mtime) already been handled? Avoids re-queueing on restart. */
  alreadyHandled: (path: string, size: number, mtimeMs: number) => boolean;
  onError: (folder: HotFolder, error: Error) => void;
  /** A folder's root became (un)available: the UI shows it, the log records it. */
  onStatus?: (status: FolderStatus) => void;
  /** First wait before looking for a missing root again; doubles up to 60 s. Default 2 s. */
  retryMs?: number;
  /**
   * How often a watched root is checked for still being there. inotify says nothing when an
   * unmounted card or share takes the folder away, and a polling watcher just sees no changes.
   */
  rootCheckMs?: number;
  quietMs?: number;
  /** How long a file without its end marker may stay quiet before we ingest it as truncated. */
  incompleteGraceMs?: number;
};

/**
 * Watches every enabled hot folder and turns raw file events into "this file is complete" calls.
 * One pending check per path: a burst of change events on a file being written costs one wait.
 */
export class HotFolders {
  #watchers = new Map<number, FolderWatcher>();
  #watched = new Map<number, HotFolder>();
  #rootCheck: NodeJS.Timeout | null = null;
  #retries = new Map<number, { timer: NodeJS.Timeout; waitMs: number }>();
  #status = new Map<number, FolderStatus>();
  #pending = new Map<string, AbortController>();
  #options: HotFoldersOptions;
  #closed = false;

  constructor(options: HotFoldersOptions) {
    this.#options = options;
  }

  async sync(folders: HotFolder[]): Promise<void> {
    const wanted = new Map(folders.filter((f) => f.enabled).map((f) => [f.id, f]));
    for (const id of [...this.#watchers.keys(), ...this.#retries.keys()]) {
      if (!wanted.has(id)) await this.#unwatch(id);
    }
    for (const id of this.#status.keys()) if (!wanted.has(id)) this.#status.delete(id);
    for (const folder of wanted.values()) {
      // Options may have changed: restart that folder's watcher.
      await this.#unwatch(folder.id);
      await this.#watch(folder);
    }
  }

  /** Where each enabled folder stands: watching, or unavailable with the reason and the next try. */
  statuses(): FolderStatus[] {
    return [...this.#status.values()];
  }

  async #unwatch(id: number): Promise<void> {
    const retry = this.#retries.get(id);
    if (retry) clearTimeout(retry.timer);
    this.#retries.delete(id);
    const watcher = this.#watchers.get(id);
    this.#watchers.delete(id);
    this.#watched.delete(id);
    await watcher?.close();
  }

  #startRootCheck(): void {
    if (this.#rootCheck) return;
    this.#rootCheck = setInterval(() => void this.#checkRoots(), this.#options.rootCheckMs ?? 5000);
    this.#rootCheck.unref();
  }

  async #checkRoots(): Promise<void> {
    for (const [id, folder] of this.#watched) {
      const info = await stat(folder.path).catch(() => null);
      if (info?.isDirectory() || this.#closed || this.#watched.get(id) !== folder) continue;
      const error = new IngestError('read-failed', `The hot folder "${folder.path}" disappeared (was the drive or share disconnected?).`);
      this.#options.onError(folder, error);
      await this.#unwatch(id);
      this.#retryLater(folder, error);
    }
  }

  #setStatus(status: FolderStatus): void {
    const before = this.#status.get(status.folderId);
    this.#status.set(status.folderId, status);
    if (before?.state !== status.state || before.message !== status.message) this.#options.onStatus?.(status);
  }

  /**
   * A card reader unplugged or a share that dropped: look again after 2 s, 4 s, ... up to a
   * minute, and pick up from where it was (the first scan skips files already handled).
   */
  #retryLater(folder: HotFolder, error: Error): void {
    if (this.#closed || this.#retries.has(folder.id)) return;
    const previous = this.#lastWait.get(folder.id);
    const waitMs = previous === undefined ? (this.#options.retryMs ?? 2000) : Math.min(previous * 2, MAX_RETRY_MS);
    this.#lastWait.set(folder.id, waitMs);
    this.#setStatus({ folderId: folder.id, state: 'unavailable', message: error.message, retryAt: new Date(Date.now() + waitMs).toISOString() });
    const timer = setTimeout(() => {
      this.#retries.delete(folder.id);
      void this.#unwatch(folder.id).then(() => this.#watch(folder));
    }, waitMs);
    timer.unref();
    this.#retries.set(folder.id, { timer, waitMs });
  }

  #lastWait = new Map<number, number>();

  async #watch(folder: HotFolder): Promise<void> {
    if (this.#closed) return;
    let lost = false;
    const matches = createPathFilter({ include: folder.include, exclude: folder.exclude }, folder.path);
    try {
      const watcher = await watchFolder(folder.path, {
        recursive: folder.recursive,
        polling: folder.polling,
        ignorePaths: [this.#options.libraryDir, path.join(folder.path, DONE_DIR)],
        filter: (abs) => !isIgnoredName(path.basename(abs)) && matches(abs),
        onCandidate: (abs) => this.#candidate(folder, abs),
        onError: (error) => this.#options.onError(folder, error),
        onUnavailable: (error) => {
          lost = true;
          this.#options.onError(folder, error);
          this.#retryLater(folder, error);
        },
      });
      if (this.#closed) await watcher.close();
      else if (lost) await watcher.close();
      else {
        this.#watchers.set(folder.id, watcher);
        this.#watched.set(folder.id, folder);
        this.#startRootCheck();
        this.#lastWait.delete(folder.id);
        this.#setStatus({ folderId: folder.id, state: 'watching', message: null, retryAt: null });
      }
    } catch (error) {
      this.#options.onError(folder, error as Error);
    }
  }

  #candidate(folder: HotFolder, abs: string): void {
    this.#pending.get(abs)?.abort();
    const controller = new AbortController();
    this.#pending.set(abs, controller);
    void this.#settle(folder, abs, controller.signal)
      .catch((error: Error) => {
        if (!controller.signal.aborted && !this.#closed && (error as { code?: string }).code !== 'file-vanished') {
          this.#options.onError(folder, error);
        }
      })
      .finally(() => {
        if (this.#pending.get(abs) === controller) this.#pending.delete(abs);
      });
  }

  async #settle(folder: HotFolder, abs: string, signal: AbortSignal): Promise<void> {
    // The end-marker check below catches paused writers of JPEG/PNG/GIF/WebP, so the quiet time
    // only has to outlast the gap between two writes of an active copy.
    const quietMs = this.#options.quietMs ?? 300;
    const graceMs = this.#options.incompleteGraceMs ?? 20_000;
    for (;;) {
      const { size, mtimeMs } = await waitUntilStable(abs, { quietMs, pollMs: Math.min(250, Math.ceil(quietMs / 3)), signal });
      if (signal.aborted) return;
      if (this.#options.alreadyHandled(abs, size, mtimeMs)) return;
      const completeness = await checkCompleteness(abs);
      const quietFor = Date.now() - mtimeMs;
      if (completeness !== 'incomplete' || quietFor >= graceMs) {
        this.#options.onReady({ folder, path: abs, size, mtimeMs });
        return;
      }
      await delay(Math.min(1000, graceMs - quietFor), signal);
      const now = await stat(abs).catch(() => null);
      if (!now) return;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const retry of this.#retries.values()) clearTimeout(retry.timer);
    this.#retries.clear();
    if (this.#rootCheck) clearInterval(this.#rootCheck);
    this.#watched.clear();
    for (const controller of this.#pending.values()) controller.abort();
    this.#pending.clear();
    await Promise.all([...this.#watchers.values()].map((w) => w.close()));
    this.#watchers.clear();
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
