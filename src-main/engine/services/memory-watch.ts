import { readMachine } from './machine-resources.ts';

export type MemoryReading = { rssMb: number; freeMb: number; totalMb: number };
export type MemoryState = MemoryReading & { budgetMb: number; short: boolean };

export type MemoryWatchOptions = {
  /** Called when memory turns short and when it is plentiful again. */
  changed(short: boolean): void;
  read?: () => MemoryReading;
  everyMs?: number;
};

/** How long memory must stay plentiful before the counts go back up: a render's peak is brief. */
const CALM_MS = 10_000;

function readMemory(): MemoryReading {
  const { freeMb, totalMb } = readMachine();
  return { rssMb: Math.round(process.memoryUsage.rss() / 2 ** 20), freeMb, totalMb };
}

/**
 * Watches this process's memory and the machine's: memory is short when Lightbox passes its budget
 * (a share of the machine, 1 to 8 GB) or the machine is nearly out (under a tenth free, or 512 MB),
 * and plentiful again only below both with some margin, for CALM_MS. The performance service runs the
 * memory-hungry kinds one at a time while it is short, so a laptop does not swap on a big drop.
 */
export class MemoryWatch {
  readonly #options: MemoryWatchOptions;
  readonly #read: () => MemoryReading;
  #timer: NodeJS.Timeout | null = null;
  #short = false;
  #calmSince: number | null = null;
  #last: MemoryReading;

  constructor(options: MemoryWatchOptions) {
    this.#options = options;
    this.#read = options.read ?? readMemory;
    this.#last = this.#read();
  }

  static budgetMb(totalMb: number): number {
    return Math.round(Math.min(8192, Math.max(1024, totalMb * 0.4)));
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.check(), this.#options.everyMs ?? 2_000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** One look (the timer's tick; tests call it directly). */
  check(now = Date.now()): void {
    const m = (this.#last = this.#read());
    const budget = MemoryWatch.budgetMb(m.totalMb);
    const floor = Math.max(512, m.totalMb / 10);
    if (m.rssMb > budget || m.freeMb < floor) {
      this.#calmSince = null;
      if (!this.#short) this.#set(true);
      return;
    }
    if (!this.#short) return;
    const calm = m.rssMb < budget * 0.85 && m.freeMb > floor * 1.5;
    if (!calm) this.#calmSince = null;
    else if (this.#calmSince === null) this.#calmSince = now;
    else if (now - this.#calmSince >= CALM_MS) this.#set(false);
  }

  state(): MemoryState {
    return { ...this.#last, budgetMb: MemoryWatch.budgetMb(this.#last.totalMb), short: this.#short };
  }

  #set(short: boolean): void {
    this.#short = short;
    this.#calmSince = null;
    this.#options.changed(short);
  }
}
