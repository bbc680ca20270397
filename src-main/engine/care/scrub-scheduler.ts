import { ScrubSettings, ScrubSummary, isVerifyError, type ScrubProgress, type ScrubState, type VerifyReport } from '../../contract/index.ts';
import type { RepairDeps } from './repair-library.ts';
import { ScanCheckpoint } from './scan-checkpoint.ts';
import { verifyLibrary } from './verify-run.ts';

export type ScrubDeps = RepairDeps & {
  /** Nothing queued, running or waiting to retry. */
  queueIdle(): boolean;
  /** Ingest jobs are queued or running: the check holds back. */
  ingestBusy(): boolean;
  /** Ingest jobs are queued, running or waiting to retry: a photo without its original yet is on its way. */
  ingestUnfinished(): boolean;
  /** Called on every change of the queue's state; returns the unsubscribe. */
  onQueueChange(listener: () => void): () => void;
  emit(state: ScrubState): void;
  now?: () => number;
};

const SETTINGS_KEY = 'care.scrub';
const LAST_KEY = 'care.scrub.last';
/** When this library was first opened by a Lightbox that checks: the first check falls due a period later. */
const SINCE_KEY = 'care.scrub.since';
/** How far a stopped check got (scan-checkpoint.ts): the next one goes on from there. */
const RESUME_KEY = 'care.scrub.resume';
const DEFAULTS: ScrubSettings = { enabled: true, intervalDays: 7 };
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_TIMER_MS = 2 ** 31 - 1;
const KEPT_PROBLEMS = 200;

/**
 * The scheduled check of the whole library (weekly by default): it falls due a period after the
 * last one, starts once the queue is idle, and while it runs it waits whenever photos are being
 * imported, so it never slows an ingest. It only reads (a photographer starts a repair by hand),
 * hashes on the engine's hashing thread and checks the database on a worker, so neither the UI nor
 * the engine's event loop waits for it. Its last result is kept in the library.
 */
export class ScrubScheduler {
  #deps: ScrubDeps;
  #timer: NodeJS.Timeout | null = null;
  #stopWaiting: (() => void) | null = null;
  #running: { progress: ScrubProgress; controller: AbortController; done: Promise<void> } | null = null;
  #armed = false;

  constructor(deps: ScrubDeps) {
    this.#deps = deps;
  }

  settings(): ScrubSettings {
    return ScrubSettings.catch(DEFAULTS).parse({ ...DEFAULTS, ...(this.#deps.library.settings.get(SETTINGS_KEY) as object | undefined) });
  }

  setSettings(update: Partial<ScrubSettings>): ScrubState {
    this.#deps.library.settings.set(SETTINGS_KEY, ScrubSettings.parse({ ...this.settings(), ...update }));
    if (this.#armed) this.#arm();
    return this.#changed();
  }

  state(): ScrubState {
    const settings = this.settings();
    const last = ScrubSummary.nullable().catch(null).parse(this.#deps.library.settings.get(LAST_KEY) ?? null);
    return { settings, running: this.#running ? { ...this.#running.progress } : null, last, nextAt: settings.enabled ? new Date(this.#dueAt()).toISOString() : null };
  }

  /** Starts keeping the schedule (the long-running app; one-shot commands never start it). */
  start(): void {
    if (this.#deps.library.settings.get(SINCE_KEY) === undefined) this.#deps.library.settings.set(SINCE_KEY, new Date(this.#now()).toISOString());
    this.#armed = true;
    this.#arm();
  }

  /** Starts a check now, in the background, unless one is running. */
  runNow(options: { repair?: boolean } = {}): ScrubState {
    if (!this.#running) this.#run(options.repair ?? false);
    return this.state();
  }

  stop(): ScrubState {
    this.#running?.controller.abort(new Error('The check was stopped.'));
    return this.state();
  }

  async close(): Promise<void> {
    this.#armed = false;
    this.#clearTimers();
    const running = this.#running;
    running?.controller.abort(new Error('Lightbox is closing.'));
    await running?.done;
  }

  #now(): number {
    return this.#deps.now?.() ?? Date.now();
  }

  #dueAt(): number {
    const settings = this.settings();
    const last = this.#deps.library.settings.get(LAST_KEY) as { at?: string; interrupted?: boolean } | undefined;
    const since = this.#deps.library.settings.get(SINCE_KEY) as string | undefined;
    const from = Date.parse(last?.at ?? since ?? new Date(this.#now()).toISOString());
    // A check that was stopped is tried again a day later (sooner than the period, not at once).
    const period = last?.interrupted ? Math.min(settings.intervalDays, 1) * DAY_MS : settings.intervalDays * DAY_MS;
    return (Number.isNaN(from) ? this.#now() : from) + period;
  }

  #clearTimers(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#stopWaiting?.();
    this.#stopWaiting = null;
  }

  /** One timer to the due moment (re-armed past the timer limit), then a wait for an idle queue. */
  #arm(): void {
    this.#clearTimers();
    if (!this.#armed || this.#running || !this.settings().enabled) return;
    const wait = this.#dueAt() - this.#now();
    if (wait > 0) {
      this.#timer = setTimeout(() => this.#arm(), Math.min(wait, MAX_TIMER_MS));
      // A scheduled check is never a reason to keep a process alive.
      this.#timer.unref();
      return;
    }
    const tryStart = () => {
      if (this.#running || !this.#deps.queueIdle()) return;
      this.#clearTimers();
      this.#run(false);
    };
    this.#stopWaiting = this.#deps.onQueueChange(tryStart);
    tryStart();
  }

  /**
   * The stopped check to go on from, if it began within the period (and the day a stopped check
   * waits): an older one's reading no longer vouches for this period, and the check starts over.
   */
  #resumable(): ScanCheckpoint | null {
    const parsed = ScanCheckpoint.safeParse(this.#deps.library.settings.get(RESUME_KEY));
    if (!parsed.success) return null;
    const age = this.#now() - Date.parse(parsed.data.startedAt);
    return age >= 0 && age < (this.settings().intervalDays + 1) * DAY_MS ? parsed.data : null;
  }

  #run(repair: boolean): void {
    const controller = new AbortController();
    const resume = this.#resumable();
    const startedAt = resume?.startedAt ?? new Date(this.#now()).toISOString();
    const progress: ScrubProgress = { phase: 'database', filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, waitingFor: null, startedAt };
    const started = performance.now();
    const done = verifyLibrary(this.#deps, {
      repair,
      resume,
      checkpoint: (checkpoint) => this.#deps.library.settings.set(RESUME_KEY, checkpoint),
      signal: controller.signal,
      ingestBusy: this.#deps.ingestUnfinished,
      beforeEach: () => this.#yieldToIngest(controller.signal),
      progress: (update) => {
        Object.assign(progress, update);
        this.#changed();
      },
    }).then(
      (report) => {
        this.#deps.library.settings.delete(RESUME_KEY);
        this.#finish(summaryOf(report, (performance.now() - started) / 1000, false));
      },
      (error: unknown) => {
        if (!controller.signal.aborted) console.error('[lightbox] library check failed:', error);
        this.#finish({ ...emptySummary(startedAt), seconds: (performance.now() - started) / 1000, interrupted: true, ok: false });
      },
    );
    this.#running = { progress, controller, done };
    this.#changed();
  }

  #finish(summary: ScrubSummary): void {
    // A stopped check is kept as the last one too (marked interrupted): it falls due again a day
    // later, rather than starting again the moment the app is opened (and stopped, and opened...).
    this.#deps.library.settings.set(LAST_KEY, summary);
    this.#running = null;
    this.#changed();
    if (this.#armed) this.#arm();
  }

  /** Resolves once no ingest is queued or running; meanwhile the progress says what it waits for. */
  #yieldToIngest(signal: AbortSignal): Promise<void> {
    if (!this.#deps.ingestBusy()) return Promise.resolve();
    const running = this.#running;
    if (running) running.progress.waitingFor = 'ingest';
    this.#changed();
    return new Promise<void>((resolve, reject) => {
      const finish = () => {
        stop();
        signal.removeEventListener('abort', onAbort);
        if (running) running.progress.waitingFor = null;
        this.#changed();
      };
      const onAbort = () => {
        finish();
        reject(signal.reason);
      };
      const stop = this.#deps.onQueueChange(() => {
        if (this.#deps.ingestBusy()) return;
        finish();
        resolve();
      });
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  #changed(): ScrubState {
    const state = this.state();
    this.#deps.emit(state);
    return state;
  }
}

function summaryOf(report: VerifyReport, seconds: number, interrupted: boolean): ScrubSummary {
  const errors = report.problems.filter(isVerifyError).length;
  return {
    at: report.finishedAt,
    ok: report.ok,
    errors,
    warnings: report.problems.length - errors,
    repaired: report.repaired.length,
    files: report.checked.originals + report.checked.processed,
    bytes: report.checked.bytes,
    seconds,
    problems: report.problems.slice(0, KEPT_PROBLEMS),
    interrupted,
  };
}

function emptySummary(at: string): ScrubSummary {
  return { at, ok: false, errors: 0, warnings: 0, repaired: 0, files: 0, bytes: 0, seconds: 0, problems: [], interrupted: true };
}
