import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { HotFolder } from '../../contract/index.ts';
import { checkCompleteness } from '../media/index.ts';
import { createPathFilter, isIgnoredName } from './file-filter.ts';
import { watchFolder, type FolderWatcher } from './folder-watcher.ts';
import { waitUntilStable } from './stability.ts';
import { DONE_DIR } from './after-ingest.ts';

export type ReadyFile = { folder: HotFolder; path: string; size: number; mtimeMs: number };

export type HotFoldersOptions = {
  libraryDir: string;
  /** Called once per file version that is complete (or has given up pretending to be incomplete). */
  onReady: (file: ReadyFile) => void;
  /** Has this exact (path, size, mtime) already been handled? Avoids re-queueing on restart. */
  alreadyHandled: (path: string, size: number, mtimeMs: number) => boolean;
  onError: (folder: HotFolder, error: Error) => void;
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
  #pending = new Map<string, AbortController>();
  #options: HotFoldersOptions;
  #closed = false;

  constructor(options: HotFoldersOptions) {
    this.#options = options;
  }

  async sync(folders: HotFolder[]): Promise<void> {
    const wanted = new Map(folders.filter((f) => f.enabled).map((f) => [f.id, f]));
    for (const [id, watcher] of this.#watchers) {
      if (!wanted.has(id)) {
        this.#watchers.delete(id);
        await watcher.close();
      }
    }
    for (const folder of wanted.values()) {
      // Options may have changed: restart that folder's watcher.
      const existing = this.#watchers.get(folder.id);
      if (existing) {
        this.#watchers.delete(folder.id);
        await existing.close();
      }
      await this.#watch(folder);
    }
  }

  async #watch(folder: HotFolder): Promise<void> {
    const matches = createPathFilter({ include: folder.include, exclude: folder.exclude }, folder.path);
    try {
      const watcher = await watchFolder(folder.path, {
        recursive: folder.recursive,
        polling: folder.polling,
        ignorePaths: [this.#options.libraryDir, path.join(folder.path, DONE_DIR)],
        filter: (abs) => !isIgnoredName(path.basename(abs)) && matches(abs),
        onCandidate: (abs) => this.#candidate(folder, abs),
        onError: (error) => this.#options.onError(folder, error),
      });
      if (this.#closed) await watcher.close();
      else this.#watchers.set(folder.id, watcher);
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
