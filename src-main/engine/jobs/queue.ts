import { z } from 'zod';
import { ErrorCode, JobKind, type QueueStats } from '../../contract/index.ts';
import type { JobRow, JobsRepo } from '../library/index.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import { diskFullError, findDiskFull, isDiskFull, type DiskFullError } from '../base/disk-space.ts';
import { Emitter } from './emitter.ts';
import { PermanentJobError } from './errors.ts';
import { SpacePauses } from './space-pauses.ts';
import { StageMeter } from './stage-meter.ts';
import { BatchTracker } from './batch-progress.ts';
import { Throttle } from './throttle.ts';
import { FocusLanes, URGENT_PRIORITY, type FocusLane } from './focus.ts';
import { jobDataSchemas, subjectFor, type JobData } from './kinds.ts';
import type { EnqueueOptions, JobContext, JobEvent, JobHandlers, JobQueueOptions, QueueEvents } from './queue-types.ts';
import { assertHandlerRegistry, resolveConcurrency } from './registry.ts';
import { parseStoredData } from './stored-data.ts';

export type { JobContext, JobHandler, JobHandlers, JobEvent, QueueEvents, EnqueueOptions, JobQueueOptions } from './queue-types.ts';

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The contract code a handler's error carries (PermanentJobError, and the stages' own errors:
 * MediaError, AnalysisError, RenderError, ApiError…), for the failed-jobs page to group by.
 */
function errorCodeOf(error: unknown): ErrorCode {
  const parsed = ErrorCode.safeParse((error as { code?: unknown } | null)?.code);
  return parsed.success ? parsed.data : 'job-failed';
}

/**
 * The persistent job queue (DESIGN §4): claims jobs from SQLite per kind up to its concurrency,
 * validates their stored data, runs the one handler for the kind under a renewed lease, and
 * records done / failed-with-backoff / dead. Idle, it sleeps until an enqueue or the next due retry.
 */
export class JobQueue {
  #repo: JobsRepo;
  #handlers: JobHandlers;
  #concurrency: Record<JobKind, number>;
  #leaseMs: number;
  #maxAttempts: number;
  #backoff: BackoffOptions;
  #now: () => number;
  #random: () => number;
  #events = new Emitter<QueueEvents>();
  readonly meter: StageMeter;
  #lanes: FocusLanes;

  #started = false;
  #stopping = false;
  #running = new Map<JobKind, number>();
  /** Ids of the jobs this queue is running now. */
  #active = new Set<number>();
  /** Running jobs asked for again meanwhile (EnqueueOptions.again). In memory only: after a crash a running job runs again anyway. */
  #again = new Set<number>();
  #inFlight = new Set<Promise<void>>();
  #controllers = new Set<AbortController>();
  #pumpQueued = false;
  #wakeTimer: NodeJS.Timeout | null = null;
  #idleWaiters: Array<() => void> = [];
  #stats: Throttle;
  #batch: BatchTracker;
  #pauses: SpacePauses<JobKind>;
  /** Kinds whose disk-full error is being measured (free space) before they are paused. */
  #pausing = new Set<JobKind>();

  constructor(options: JobQueueOptions) {
    assertHandlerRegistry(options.handlers);
    this.#repo = options.repo;
    this.#handlers = options.handlers;
    this.#concurrency = resolveConcurrency(options.concurrency ?? {});
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#maxAttempts = options.maxAttempts ?? 5;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#stats = new Throttle(() => this.#events.emit('stats', this.stats()), options.statsIntervalMs ?? 100);
    this.#batch = new BatchTracker(this.#now);
    this.#lanes = new FocusLanes({ shift: (subjects, delta) => this.#repo.shiftPriority(subjects, delta, this.#now()), drop: (step) => this.#repo.dropBoosts(step) });
    this.meter = options.meter ?? new StageMeter();
    this.#pauses = new SpacePauses<JobKind>({
      changed: () => {
        this.#statsChanged();
        this.wake();
      },
      ...(options.diskCheckMs === undefined ? {} : { checkMs: options.diskCheckMs }),
    });
  }

  on<E extends keyof QueueEvents>(event: E, listener: (payload: QueueEvents[E]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /** Validates `data` (throws on bad data: a caller bug) and stores the job; the queue wakes if started. */
  enqueue<K extends JobKind>(kind: K, data: JobData<K>, options: EnqueueOptions = {}): { id: number; created: boolean } {
    const parsed = jobDataSchemas[kind].safeParse(data);
    if (!parsed.success) throw new Error(`Invalid data for a ${kind} job: ${z.prettifyError(parsed.error)}`);
    const valid = parsed.data as JobData<K>;
    const subject = options.subject === undefined ? subjectFor(kind, valid) : options.subject;
    const result = this.#repo.enqueue(
      {
        kind,
        subject,
        data: valid,
        priority: (options.priority ?? 0) + this.#lanes.boost(subject),
        dedupeKey: options.dedupeKey ?? null,
      },
      this.#now(),
    );
    if (result.created) {
      if (!this.#batch.isOpen()) this.#batch.begin(this.#repo.stats());
      this.wake();
      this.#statsChanged();
    } else if (options.again && this.#active.has(result.id)) {
      this.#again.add(result.id);
    }
    return result;
  }

  /**
   * Changes a kind's slots while running (Settings > Performance). More slots claim at once; fewer
   * let the running jobs finish and claim nothing new until the count is below the new limit.
   */
  setConcurrency(kind: JobKind, slots: number): void {
    // resolveConcurrency validates (whole number ≥ 1, known kind); only this kind's value is taken.
    this.#concurrency = { ...this.#concurrency, [kind]: resolveConcurrency({ [kind]: slots })[kind] };
    this.wake();
  }

  concurrency(kind: JobKind): number {
    return this.#concurrency[kind];
  }

  /**
   * Puts these subjects' jobs (photo ids) ahead of the backlog in every stage, now and when queued
   * later (jobs/focus.ts): `open` holds the photo in the loupe (none for []), `selection` a batch
   * action's photos. Each call replaces the lane's previous subjects.
   */
  focus(lane: FocusLane, subjects: string[]): void {
    if (this.#lanes.set(lane, subjects) > 0) this.wake();
  }

  /** Look for work now (after a dead letter was retried, say). Cheap; calls coalesce. */
  wake(): void {
    if (!this.#started || this.#stopping || this.#pumpQueued) return;
    this.#pumpQueued = true;
    queueMicrotask(() => this.#pump());
  }

  /** Returns expired leases to the queue (crash recovery) and starts running jobs. */
  start(): void {
    if (this.#started && !this.#stopping) return;
    this.#started = true;
    this.#stopping = false;
    this.#pauses.start();
    const now = this.#now();
    this.#repo.requeueExpired(now);
    this.#lanes.restore();
    this.#repo.deadLetterUnknownKinds(
      JobKind.options,
      'invalid-job-data: No handler exists for this job kind in this version of Lightbox, so it was not run.',
      now,
    );
    this.#statsChanged();
    this.#pump();
  }

  /** Stops claiming and waits for running handlers; `abort` also signals them to give up early. */
  async stop(options: { abort?: boolean } = {}): Promise<void> {
    this.#stopping = true;
    this.#clearWakeTimer();
    this.#pauses.stop();
    if (options.abort) for (const controller of this.#controllers) controller.abort(new Error('The queue is stopping.'));
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    this.#started = false;
    this.#stats.flush();
  }

  /** Resolves once nothing is queued, running or waiting to retry. */
  onIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Counts per kind and state, what is paused, and the current batch's progress (jobs/batch-progress.ts). */
  stats(): QueueStats {
    const paused = this.#pauses.reasons();
    const stats = this.#repo.stats();
    const progress = this.#batch.observe(stats);
    return { ...stats, ...(Object.keys(paused).length > 0 ? { paused } : {}), ...(progress ? { progress } : {}) };
  }

  /** Whether `kind` is held back (a full disk) until its folder has room again. */
  isPaused(kind: JobKind): boolean {
    return this.#pauses.isPaused(kind);
  }

  /** A dead letter back to the queue. False if `id` is not a dead job. */
  retry(id: number): boolean {
    return this.#requeued(this.#repo.retry(id, this.#now()) ? 1 : 0) > 0;
  }

  /** Drops a dead letter. False if `id` is not a dead job. */
  discard(id: number): boolean {
    return this.#dropped(this.#repo.discard(id) ? 1 : 0) > 0;
  }

  /** Every dead letter of one kind and error code back to the queue. Returns how many. */
  retryGroup(kind: string, code: ErrorCode): number {
    return this.#requeued(this.#repo.retryGroup(kind, code, this.#now()));
  }

  /** Drops every dead letter of one kind and error code. Returns how many. */
  discardGroup(kind: string, code: ErrorCode): number {
    return this.#dropped(this.#repo.discardGroup(kind, code));
  }

  #requeued(count: number): number {
    if (count > 0) {
      this.wake();
      this.#statsChanged();
    }
    return count;
  }

  #dropped(count: number): number {
    if (count > 0) this.#statsChanged();
    return count;
  }

  #pump(): void {
    this.#pumpQueued = false;
    if (!this.#started || this.#stopping) return;
    // One instant for the claims and the timer: a retry falling due in between must be in one or the other.
    const now = this.#now();
    for (const kind of JobKind.options) {
      while (!this.#pauses.isPaused(kind) && !this.#pausing.has(kind)) {
        const running = this.#running.get(kind) ?? 0;
        // The open photo's job takes one slot beyond the limit rather than wait for a background job to end.
        const urgentOnly = running >= this.#concurrency[kind];
        if (urgentOnly && running > this.#concurrency[kind]) break;
        let row: JobRow | null;
        try {
          row = urgentOnly ? this.#repo.claimUrgent(kind, now, this.#leaseMs, URGENT_PRIORITY) : this.#repo.claim(kind, now, this.#leaseMs);
        } catch (error) {
          // The database's own disk is full (a claim writes): this kind waits for space like a job would.
          if (!isDiskFull(error)) throw error;
          this.#pausing.add(kind);
          void this.#diskFullOf(error).then((full) => {
            this.#pausing.delete(kind);
            this.#pauses.pauseForSpace(kind, full);
          });
          break;
        }
        if (!row) break;
        this.#launch(kind, row);
      }
    }
    this.#armWakeTimer(now);
    this.#checkIdle();
  }

  #launch(kind: JobKind, row: JobRow): void {
    this.#running.set(kind, (this.#running.get(kind) ?? 0) + 1);
    this.#active.add(row.id);
    this.#statsChanged();
    const startedAt = performance.now();
    this.meter.started(kind);
    const task: Promise<void> = this.#run(kind, row)
      .catch((error: unknown) => console.error(`[lightbox] job ${row.id} (${kind}) could not be recorded:`, error))
      .finally(() => {
        this.meter.finished(kind, performance.now() - startedAt);
        this.#running.set(kind, (this.#running.get(kind) ?? 1) - 1);
        this.#active.delete(row.id);
        this.#again.delete(row.id);
        this.#inFlight.delete(task);
        this.#statsChanged();
        if (this.#started && !this.#stopping) this.#pump();
        else this.#checkIdle();
      });
    this.#inFlight.add(task);
  }

  async #run(kind: JobKind, row: JobRow): Promise<void> {
    const parsed = parseStoredData(kind, row.data);
    if (!parsed.ok) {
      this.#repo.markDead(row.id, parsed.error, this.#now(), 'invalid-job-data');
      this.#emitJob(kind, row, 'dead', parsed.error);
      return;
    }
    const controller = new AbortController();
    this.#controllers.add(controller);
    const heartbeat = setInterval(() => {
      const now = this.#now();
      if (!this.#repo.extendLease(row.id, now + this.#leaseMs, now)) controller.abort(new Error('The job lost its lease.'));
    }, Math.max(10, Math.floor(this.#leaseMs / 3)));
    this.#emitJob(kind, row, 'started');
    try {
      const handler = this.#handlers[kind] as (data: unknown, ctx: JobContext) => Promise<void> | void;
      await handler(parsed.data, { jobId: row.id, attempt: row.attempts, signal: controller.signal, priority: row.priority });
      // Asked for again while it ran: back to the queue with a fresh budget instead of done.
      if (this.#again.delete(row.id)) this.#repo.runAgain(row.id, this.#now());
      else this.#repo.markDone(row.id, this.#now());
      this.#emitJob(kind, row, 'done');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = errorCodeOf(error);
      const now = this.#now();
      if (isDiskFull(error)) {
        // Not the job's fault: it waits, unspent, until the disk has room (space-pauses.ts). Paused
        // first: giving the job back is a database write, which a full disk may refuse too (then
        // its lease runs out and it comes back that way).
        const full = await this.#diskFullOf(error);
        this.#pauses.pauseForSpace(kind, full);
        this.#repo.release(row.id, `disk-full: ${full.message}`, now);
        this.#emitJob(kind, row, 'failed', full.message);
      } else if (error instanceof PermanentJobError || row.attempts >= this.#maxAttempts) {
        this.#repo.markDead(row.id, message, now, code);
        this.#emitJob(kind, row, 'dead', message);
      } else {
        this.#repo.markFailed(row.id, now + backoffDelay(row.attempts, this.#backoff, this.#random), message, now, code);
        this.#emitJob(kind, row, 'failed', message);
      }
    } finally {
      clearInterval(heartbeat);
      this.#controllers.delete(controller);
    }
  }

  /**
   * The writer's DiskFullError; a bare ENOSPC or SQLITE_FULL (the database's own writes) is
   * reported for the database's folder, the library.
   */
  async #diskFullOf(error: unknown): Promise<DiskFullError> {
    return findDiskFull(error) ?? diskFullError(this.#repo.folder(), null, error);
  }

  /**
   * One timer for the next due retry or lease expiry after `claimedAt`; never a polling loop. Jobs
   * already due then were left only for want of a slot, and a finishing job pumps again.
   */
  #armWakeTimer(claimedAt: number): void {
    this.#clearWakeTimer();
    const at = this.#repo.nextWakeAt(claimedAt);
    if (at === null) return;
    const now = this.#now();
    this.#wakeTimer = setTimeout(() => {
      this.#wakeTimer = null;
      if (this.#repo.requeueExpired(this.#now()) > 0) this.#statsChanged();
      this.#pump();
    }, Math.min(MAX_TIMER_MS, Math.max(0, at - now)));
  }

  #clearWakeTimer(): void {
    if (this.#wakeTimer) clearTimeout(this.#wakeTimer);
    this.#wakeTimer = null;
  }

  #isIdle(): boolean {
    return this.#inFlight.size === 0 && this.#repo.unfinishedCount() === 0;
  }

  #checkIdle(): void {
    if (this.#idleWaiters.length === 0 || !this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #emitJob(kind: JobKind, row: JobRow, state: JobEvent['state'], error?: string): void {
    this.#events.emit('job', { kind, subject: row.subject, state, jobId: row.id, ...(error === undefined ? {} : { error }) });
  }

  /** Throttled: a burst of changes becomes at most one 'stats' event per interval, the last one current. */
  #statsChanged(): void {
    if (this.#events.has('stats')) this.#stats.request();
  }
}
