import { ApiError, WorkerCounts, WorkerKind, type PerformanceStatus, type PerformanceUpdate } from '../../contract/index.ts';
import { builtInWorkers, readMachine, type Machine } from './machine-resources.ts';
import { MemoryWatch, type MemoryReading } from './memory-watch.ts';

/** Stored in the library's settings table, so the counts travel with the library. */
export const PERFORMANCE_KEY = 'performance.workers';

/** While memory is short these kinds run one at a time (each holds decoded pixels). */
const MEMORY_HUNGRY: readonly WorkerKind[] = ['derive', 'analyze', 'render'];

type SettingsStore = { get(key: string): unknown; set(key: string, value: unknown): void; delete(key: string): void };
type Slots = { setConcurrency(kind: WorkerKind, slots: number): void };

export type PerformanceDeps = {
  settings: SettingsStore;
  /** Counts the code that creates the engine asked for (tests, benchmarks): they replace the built-in ones. */
  tuning?: Partial<WorkerCounts>;
  /** Cores and memory the built-in counts are chosen from (default: this machine at start). */
  machine?: Partial<Machine>;
  /** The adaptive upload limit, read when the status is asked for. */
  uploads?: () => { limit: number; max: number };
  /** Where memory readings come from (tests); default this process and machine, every 2 s. */
  memory?: { read?: () => MemoryReading; everyMs?: number };
  /** ISNet (the subject mask) peaks near 2 GB: with it on, one analysis at a time. */
  subjectEnabled?: () => boolean;
};

/**
 * Worker counts per job kind (Settings > Performance): built-in ones chosen from the machine's cores
 * and free memory (machine-resources.ts), or the user's, bounded by the cores (1..cores) and applied
 * to the running queue at once. While memory is short (memory-watch.ts) the memory-hungry kinds run
 * one at a time, and go back to their counts when it is plentiful again.
 */
export class PerformanceService {
  readonly #deps: PerformanceDeps;
  readonly #cores: number;
  readonly #machine: Machine;
  readonly #memory: MemoryWatch;
  #queue: Slots | null = null;

  constructor(deps: PerformanceDeps) {
    this.#deps = deps;
    this.#machine = { ...readMachine(), ...deps.machine };
    this.#cores = Math.max(1, this.#machine.cores);
    this.#memory = new MemoryWatch({ changed: () => this.#apply(), ...deps.memory });
  }

  defaults(): WorkerCounts {
    const builtIn = builtInWorkers({ ...this.#machine, cores: this.#cores });
    if (this.#deps.subjectEnabled?.()) builtIn.analyze = 1;
    // Explicit tuning is a caller's decision (a benchmark may oversubscribe on purpose): not clamped.
    return { ...builtIn, ...definedOnly(this.#deps.tuning ?? {}) };
  }

  /** Stored counts over the defaults. A library moved from a bigger machine is clamped to this one. */
  workers(): WorkerCounts {
    const stored = WorkerCounts.partial().safeParse(this.#deps.settings.get(PERFORMANCE_KEY) ?? {});
    const chosen = stored.success ? definedOnly(stored.data) : {};
    const clamped = Object.fromEntries(Object.entries(chosen).map(([k, n]) => [k, Math.min(this.#cores, n)]));
    return { ...this.defaults(), ...clamped };
  }

  /** The queue to apply changes to; from now on `set` and the memory watch reach it. */
  attach(queue: Slots): void {
    this.#queue = queue;
    this.#memory.start();
  }

  close(): void {
    this.#memory.stop();
  }

  status(): PerformanceStatus {
    const uploads = this.#deps.uploads?.() ?? { limit: 0, max: 8 };
    return { workers: this.workers(), defaults: this.defaults(), cores: this.#cores, uploadLimit: uploads.limit, uploadMax: uploads.max, memory: this.#memory.state() };
  }

  /** Memory readings now (the Settings page refreshes with it), and slots held or released. */
  checkMemory(): void {
    this.#memory.check();
  }

  /** The counts the queue runs with: the chosen ones, the memory-hungry kinds at one while memory is short. */
  running(): WorkerCounts {
    const workers = this.workers();
    if (!this.#memory.state().short) return workers;
    return Object.fromEntries(WorkerKind.options.map((k) => [k, MEMORY_HUNGRY.includes(k) ? 1 : workers[k]])) as WorkerCounts;
  }

  #apply(): void {
    const counts = this.running();
    for (const kind of WorkerKind.options) this.#queue?.setConcurrency(kind, counts[kind]);
  }

  set(update: PerformanceUpdate): PerformanceStatus {
    const { reset, ...counts } = update;
    const given = definedOnly(counts);
    for (const [kind, n] of Object.entries(given)) {
      if (n > this.#cores) {
        throw new ApiError('bad-request', `${kind} can run at most ${this.#cores} at once on this machine (it has ${this.#cores} CPU cores). Choose 1 to ${this.#cores}.`);
      }
    }
    const base = reset ? {} : definedOnly(WorkerCounts.partial().safeParse(this.#deps.settings.get(PERFORMANCE_KEY) ?? {}).data ?? {});
    const next = { ...base, ...given };
    if (Object.keys(next).length === 0) this.#deps.settings.delete(PERFORMANCE_KEY);
    else this.#deps.settings.set(PERFORMANCE_KEY, next);
    this.#apply();
    return this.status();
  }
}

function definedOnly<T extends Record<string, number | undefined>>(value: T): Partial<Record<keyof T, number>> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<Record<keyof T, number>>;
}
