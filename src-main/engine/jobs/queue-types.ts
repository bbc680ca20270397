import type { JobKind, QueueStats } from '../../contract/index.ts';
import type { JobsRepo } from '../library/index.ts';
import type { BackoffOptions } from './backoff.ts';
import type { JobData } from './kinds.ts';
import type { StageMeter } from './stage-meter.ts';

/** The queue's public shapes: what a handler gets, what the queue tells, how it is set up. */
export type JobContext = {
  jobId: number;
  /** 1 on the first run. */
  attempt: number;
  /** Aborted when the queue stops with `{ abort: true }` or the job's lease was lost. */
  signal: AbortSignal;
  /** Its priority when claimed: the open photo's jobs are at URGENT_PRIORITY or above (focus.ts). */
  priority: number;
};

export type JobHandler<K extends JobKind> = (data: JobData<K>, ctx: JobContext) => Promise<void> | void;
export type JobHandlers = { [K in JobKind]: JobHandler<K> };

export type JobEvent = {
  kind: JobKind;
  subject: string | null;
  state: 'started' | 'done' | 'failed' | 'dead';
  jobId: number;
  /** Set when state is 'failed' or 'dead'. */
  error?: string;
};

export type QueueEvents = { stats: QueueStats; job: JobEvent };

export type EnqueueOptions = {
  /** Higher runs first. Default 0. */
  priority?: number;
  /** Defaults to the kind's subject (photo id or source path); see kinds.ts. */
  subject?: string | null;
  /** While a job with this key is unfinished, enqueueing the same key again adds nothing. */
  dedupeKey?: string | null;
  /**
   * What the job reads has changed (a model arrived, a recipe was edited): if the job with this
   * dedupe key is running now, it may have read the old state, so it runs once more when it succeeds.
   */
  again?: boolean;
};

export type JobQueueOptions = {
  repo: JobsRepo;
  handlers: JobHandlers;
  concurrency?: Partial<Record<JobKind, number>>;
  /** How long a claimed job is ours without a heartbeat. Default 60 s; heartbeats every third of it. */
  leaseMs?: number;
  /** Attempts (runs) before a failing job is dead-lettered. Default 5. */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  now?: () => number;
  random?: () => number;
  /** At most one 'stats' event per this many ms. Default 100. */
  statsIntervalMs?: number;
  /** How often a kind paused by a full disk looks at the free space again. Default 5 s. */
  diskCheckMs?: number;
  /** Where each kind's time and CPU go (the benchmark's per-stage figures). Default: a new one. */
  meter?: StageMeter;
};
