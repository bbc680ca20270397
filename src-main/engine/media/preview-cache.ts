import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CacheStatus } from '../../contract/index.ts';

export type PreviewCacheOptions = {
  /** Folders of rebuildable renditions under the cap (previews, working copies). */
  dirs: string[];
  /** Thumbnails: counted for the status, never evicted (the grid shows them all, and they are not made on demand). */
  thumbsDir: string;
  /** The cap in bytes, read at every check (Settings changes it). */
  cap(): number;
  /** A file used this recently is never evicted: it may be on its way to a browser. Default 60 s. */
  graceMs?: number;
};

type Entry = { bytes: number; used: number };

/** Eviction goes below the cap by this much, so a full cache is not trimmed again at every write. */
const LOW_WATER = 0.9;
const THUMB_RECOUNT_MS = 30_000;

/**
 * The previews' size cap with least-recently-used eviction. What is on disk is learnt once by a scan
 * at start (a file's last use taken from its access or change time, whichever is newer), then kept
 * in memory as the preview store reads and writes: evicting never needs a walk of the folders. An
 * evicted preview is simply made again when next asked for (preview-store.ts).
 */
export class PreviewCache {
  #options: PreviewCacheOptions;
  #entries = new Map<string, Entry>();
  #total = 0;
  #evicted = { files: 0, bytes: 0 };
  #ready: Promise<void> | null = null;
  #trimming: Promise<void> | null = null;
  #thumbs: { files: number; bytes: number; at: number } | null = null;
  #closed = false;

  constructor(options: PreviewCacheOptions) {
    this.#options = options;
  }

  /**
   * Resolves once the scan of what is on disk is done (and the cap applied). The scan starts on the
   * first use, so a one-shot command that never shows a preview never walks the cache.
   */
  whenReady(): Promise<void> {
    this.#ready ??= this.#scan()
      .then(() => this.#trim())
      .catch((error: unknown) => console.error('[lightbox] preview cache:', error));
    return this.#ready;
  }

  /** A preview was read: it is the most recently used now. */
  used(file: string): void {
    void this.whenReady();
    const entry = this.#entries.get(file);
    if (entry) entry.used = Date.now();
  }

  /** A preview was written; trims the cache in the background when that took it over the cap. */
  written(file: string, bytes: number): void {
    const before = this.#entries.get(file);
    this.#total += bytes - (before?.bytes ?? 0);
    this.#entries.set(file, { bytes, used: Date.now() });
    void this.whenReady().then(() => {
      if (this.#total > this.#options.cap()) return this.#trim();
    });
  }

  /** Frees at least `bytes` from the least recently used previews (a write found the disk full). Returns what was freed. */
  async makeRoom(bytes: number): Promise<number> {
    await this.whenReady();
    return this.#evict(Math.max(0, bytes));
  }

  /** Applies a new cap now. */
  async trim(): Promise<void> {
    await this.whenReady();
    await this.#trim();
  }

  /** Stops scanning and trimming (the library is closing: the cap is read from it). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#ready;
    await this.#trimming;
  }

  async status(): Promise<CacheStatus> {
    await this.whenReady();
    if (!this.#thumbs || Date.now() - this.#thumbs.at > THUMB_RECOUNT_MS) this.#thumbs = { ...(await sizeOf(this.#options.thumbsDir)), at: Date.now() };
    return {
      capBytes: this.#options.cap(),
      previewBytes: this.#total,
      previewFiles: this.#entries.size,
      thumbBytes: this.#thumbs.bytes,
      thumbFiles: this.#thumbs.files,
      evictedFiles: this.#evicted.files,
      evictedBytes: this.#evicted.bytes,
    };
  }

  async #scan(): Promise<void> {
    for (const dir of this.#options.dirs) {
      for (const file of await filesUnder(dir)) {
        if (this.#closed) return;
        const info = await stat(file).catch(() => null);
        if (!info?.isFile() || this.#entries.has(file)) continue;
        this.#entries.set(file, { bytes: info.size, used: Math.max(info.atimeMs, info.mtimeMs) });
        this.#total += info.size;
      }
    }
  }

  #trim(): Promise<void> {
    // One trim at a time; a write during it is covered by the next.
    this.#trimming ??= (async () => {
      if (this.#closed) return;
      const cap = this.#options.cap();
      if (this.#total > cap) await this.#evict(this.#total - Math.floor(cap * LOW_WATER));
    })().finally(() => (this.#trimming = null));
    return this.#trimming;
  }

  async #evict(bytes: number): Promise<number> {
    const protectedSince = Date.now() - (this.#options.graceMs ?? 60_000);
    const oldestFirst = [...this.#entries].filter(([, e]) => e.used < protectedSince).sort((a, b) => a[1].used - b[1].used);
    let freed = 0;
    for (const [file, entry] of oldestFirst) {
      if (freed >= bytes) break;
      // Used again since the list was made: keep it.
      if (this.#entries.get(file) !== entry || entry.used >= protectedSince) continue;
      this.#entries.delete(file);
      this.#total -= entry.bytes;
      await rm(file, { force: true }).catch(() => undefined);
      freed += entry.bytes;
      this.#evicted.files += 1;
      this.#evicted.bytes += entry.bytes;
    }
    return freed;
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith('.jpg')).map((e) => path.join(e.parentPath, e.name));
}

async function sizeOf(dir: string): Promise<{ files: number; bytes: number }> {
  let bytes = 0;
  const files = await filesUnder(dir);
  for (const file of files) bytes += (await stat(file).catch(() => null))?.size ?? 0;
  return { files: files.length, bytes };
}
