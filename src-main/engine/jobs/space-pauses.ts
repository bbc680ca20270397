import type { AppError } from '../../contract/index.ts';
import { freeBytes, totalBytes, type DiskFullError } from '../base/disk-space.ts';

export type SpacePausesOptions<K extends string> = {
  /** Something was paused or resumed: the queue publishes its stats and looks for work. */
  changed(): void;
  /** `key` has room again (after changed()). */
  resumed?(key: K): void;
  /** How often a full disk is looked at again. Default 5 s. */
  checkMs?: number;
};

type Pause = { reason: AppError; folder: string; threshold: number | null; timer: NodeJS.Timeout | null };

/** Never wait for more headroom than this, however large the disk. */
const MAX_HEADROOM = 64 * 1024 * 1024;

/**
 * Work held back because its disk is full: kinds of job in the queue, backups per target. A job
 * that hits a full disk goes back to the queue without spending an attempt (a night-long full disk
 * must not dead-letter a card's worth of ingests) and nothing more of its kind runs until the folder
 * has room again: the free space must grow past what the write needed (or what was free when it
 * failed) by a headroom of 2 % of the disk, at most 64 MB, so one freed kilobyte does not start a
 * fail-pause loop.
 */
export class SpacePauses<K extends string> {
  #paused = new Map<K, Pause>();
  #options: SpacePausesOptions<K>;
  #stopped = false;

  constructor(options: SpacePausesOptions<K>) {
    this.#options = options;
  }

  isPaused(key: K): boolean {
    return this.#paused.has(key);
  }

  /** Why each paused key waits; empty when none does. */
  reasons(): Record<string, AppError> {
    return Object.fromEntries([...this.#paused].map(([key, pause]) => [key, pause.reason]));
  }

  pauseForSpace(key: K, error: DiskFullError): void {
    // A stopping queue waits for its running jobs: one that fails now must not leave a timer behind.
    if (this.#stopped) return;
    const existing = this.#paused.get(key);
    const reason: AppError = { code: 'disk-full', message: error.message };
    if (existing) {
      existing.reason = reason;
      return;
    }
    const pause: Pause = { reason, folder: error.folder, threshold: null, timer: null };
    this.#paused.set(key, pause);
    void this.#threshold(error).then((threshold) => (pause.threshold = threshold));
    this.#schedule(key, pause);
    this.#options.changed();
  }

  resume(key: K): void {
    const pause = this.#paused.get(key);
    if (!pause) return;
    if (pause.timer) clearTimeout(pause.timer);
    this.#paused.delete(key);
    this.#options.changed();
    this.#options.resumed?.(key);
  }

  /** The queue (re)starts: pauses may be taken again. */
  start(): void {
    this.#stopped = false;
  }

  /** Forgets every pause and takes no new one until start(): the queue is stopping. */
  stop(): void {
    this.#stopped = true;
    for (const pause of this.#paused.values()) if (pause.timer) clearTimeout(pause.timer);
    this.#paused.clear();
  }

  async #threshold(error: DiskFullError): Promise<number> {
    const total = await totalBytes(error.folder).catch(() => null);
    const headroom = total === null ? MAX_HEADROOM : Math.min(MAX_HEADROOM, Math.ceil(total * 0.02));
    return Math.max(error.neededBytes ?? 0, error.freeBytes ?? 0) + headroom;
  }

  #schedule(key: K, pause: Pause): void {
    pause.timer = setTimeout(() => {
      pause.timer = null;
      void this.#check(key, pause);
    }, this.#options.checkMs ?? 5000);
  }

  async #check(key: K, pause: Pause): Promise<void> {
    if (this.#paused.get(key) !== pause) return;
    const free = await freeBytes(pause.folder).catch(() => null);
    if (this.#paused.get(key) !== pause) return;
    if (free !== null && pause.threshold !== null && free >= pause.threshold) this.resume(key);
    else this.#schedule(key, pause);
  }
}
