import os from 'node:os';
import { ApiError, WorkerCounts, WorkerKind, type PerformanceStatus, type PerformanceUpdate } from '../../contract/index.ts';

/** Stored in the library's settings table, so the counts travel with the library. */
export const PERFORMANCE_KEY = 'performance.workers';

/**
 * Built-in counts for a small machine: two ingests and two derives keep one core hashing while the
 * other decodes; one analysis at a time because ISNet alone can peak near 2 GB; one render.
 */
export const BUILT_IN_WORKERS: WorkerCounts = { ingest: 2, derive: 2, analyze: 1, render: 1 };

type SettingsStore = { get(key: string): unknown; set(key: string, value: unknown): void; delete(key: string): void };
type Slots = { setConcurrency(kind: WorkerKind, slots: number): void };

export type PerformanceDeps = {
  settings: SettingsStore;
  /** Counts the code that creates the engine asked for (tests, benchmarks): they replace the built-in ones. */
  tuning?: Partial<WorkerCounts>;
  cores?: number;
  /** The adaptive upload limit, read when the status is asked for. */
  uploads?: () => { limit: number; max: number };
};

/**
 * Worker counts per job kind (Settings > Performance). The user's counts are bounded by the
 * machine's cores (1..cores) and applied to the running queue at once; no restart.
 */
export class PerformanceService {
  readonly #deps: PerformanceDeps;
  readonly #cores: number;
  #queue: Slots | null = null;

  constructor(deps: PerformanceDeps) {
    this.#deps = deps;
    this.#cores = Math.max(1, deps.cores ?? os.availableParallelism());
  }

  defaults(): WorkerCounts {
    const clamp = (n: number) => Math.min(this.#cores, Math.max(1, n));
    const builtIn = Object.fromEntries(WorkerKind.options.map((k) => [k, clamp(BUILT_IN_WORKERS[k])])) as WorkerCounts;
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

  /** The queue to apply changes to; from now on `set` reaches it. */
  attach(queue: Slots): void {
    this.#queue = queue;
  }

  status(): PerformanceStatus {
    const uploads = this.#deps.uploads?.() ?? { limit: 0, max: 8 };
    return { workers: this.workers(), defaults: this.defaults(), cores: this.#cores, uploadLimit: uploads.limit, uploadMax: uploads.max };
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
    const workers = this.workers();
    for (const kind of WorkerKind.options) this.#queue?.setConcurrency(kind, workers[kind]);
    return this.status();
  }
}

function definedOnly<T extends Record<string, number | undefined>>(value: T): Partial<Record<keyof T, number>> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<Record<keyof T, number>>;
}
