import type { JobKind } from '../../contract/index.ts';

/** What one kind of job has cost since the meter started. */
export type StageFigures = {
  /** Jobs that finished (done, failed or dead). */
  finished: number;
  /** Wall time summed over its jobs (two at once for a second count twice). */
  busyMs: number;
  /**
   * The process's CPU time while its jobs ran, shared out among the jobs running at each moment
   * (equal shares: the process cannot tell whose thread did what). Every thread counts: libvips,
   * the model workers, the tone helpers, the main thread.
   */
  cpuMs: number;
};

export type StageReport = { stages: Partial<Record<JobKind, StageFigures>>; /** CPU while no job ran (startup, events, idle timers). */ idleCpuMs: number };

/**
 * Where the time goes, per kind of job: the benchmark prints it per photo per stage, and the
 * queue's ETA reads the recent pace from it. Shares are settled at every start and finish, so the
 * set of running jobs is constant between two settlements and the split is exact up to the
 * equal-share assumption. Cheap: one cpuUsage() call (a syscall, ~1 us) per start and finish.
 */
export class StageMeter {
  readonly #running = new Map<JobKind, number>();
  readonly #figures = new Map<JobKind, StageFigures>();
  readonly #cpu: () => number;
  #idleCpuMs = 0;
  #lastCpu: number;

  constructor(cpuMs: () => number = processCpuMs) {
    this.#cpu = cpuMs;
    this.#lastCpu = cpuMs();
  }

  started(kind: JobKind): void {
    this.#settle();
    this.#running.set(kind, (this.#running.get(kind) ?? 0) + 1);
  }

  finished(kind: JobKind, ms: number): void {
    this.#settle();
    this.#running.set(kind, Math.max(0, (this.#running.get(kind) ?? 1) - 1));
    const f = this.#get(kind);
    f.finished += 1;
    f.busyMs += ms;
  }

  report(): StageReport {
    this.#settle();
    return { stages: Object.fromEntries([...this.#figures].map(([kind, f]) => [kind, { ...f }])), idleCpuMs: this.#idleCpuMs };
  }

  #get(kind: JobKind): StageFigures {
    let f = this.#figures.get(kind);
    if (!f) this.#figures.set(kind, (f = { finished: 0, busyMs: 0, cpuMs: 0 }));
    return f;
  }

  #settle(): void {
    const now = this.#cpu();
    const spent = now - this.#lastCpu;
    this.#lastCpu = now;
    let jobs = 0;
    for (const n of this.#running.values()) jobs += n;
    if (jobs === 0) {
      this.#idleCpuMs += spent;
      return;
    }
    for (const [kind, n] of this.#running) if (n > 0) this.#get(kind).cpuMs += (spent * n) / jobs;
  }
}

function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
