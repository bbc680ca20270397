import { z } from 'zod';
import { AppError } from './errors.ts';

/** Every kind of background work. A registry maps each to exactly one handler (checked at start). */
export const JobKind = z.enum(['ingest', 'derive', 'analyze', 'render', 'apply-preset', 'upload']);
export type JobKind = z.infer<typeof JobKind>;

export const JobState = z.enum(['queued', 'running', 'done', 'failed', 'dead']);
export type JobState = z.infer<typeof JobState>;

export const KindStats = z.object({
  queued: z.number().int().nonnegative(),
  running: z.number().int().nonnegative(),
  done: z.number().int().nonnegative(),
  /** Failed but will retry after its backoff. */
  failed: z.number().int().nonnegative(),
  dead: z.number().int().nonnegative(),
});
export type KindStats = z.infer<typeof KindStats>;

/** One stage of the work since the queue was last idle (a drop of photos, a batch action). */
export const StageProgress = z.object({
  kind: JobKind,
  /** Jobs of this batch finished (done or dead). */
  done: z.number().int().nonnegative(),
  /** Jobs of this batch queued so far, plus those the stages before it will still queue (estimated from this batch). */
  total: z.number().int().nonnegative(),
  /** Jobs finished per minute lately; null until there is enough to tell. */
  perMinute: z.number().nonnegative().nullable(),
  /** Seconds until this stage is through its share, at its recent pace; null while unknown. */
  etaSeconds: z.number().nonnegative().nullable(),
});
export type StageProgress = z.infer<typeof StageProgress>;

export const BatchProgress = z.object({
  /** When the queue last left idle. */
  startedAt: z.string(),
  /** Stages with work in this batch, in the order a photo passes them. */
  stages: z.array(StageProgress),
  /**
   * How far through the batch is, 0..1: the share of its time gone (elapsed over elapsed + ETA);
   * while the ETA is unknown, the share done of its least advanced stage. Not a count of jobs: a
   * thousand quick imports next to a slow analysis would read nearly done.
   */
  fraction: z.number().min(0).max(1),
  /** Seconds until the whole batch is through (its slowest stage); null while unknown. */
  etaSeconds: z.number().nonnegative().nullable(),
});
export type BatchProgress = z.infer<typeof BatchProgress>;

export const QueueStats = z.object({
  kinds: z.record(z.string(), KindStats),
  idle: z.boolean(),
  /** Kinds held back until a cause goes away (a full disk: `disk-full`, naming the folder and its free space). */
  paused: z.record(z.string(), AppError).optional(),
  /** The current batch, while the queue is not idle. */
  progress: BatchProgress.optional(),
});
export type QueueStats = z.infer<typeof QueueStats>;

/** The photo open in the loupe (null when it closes): its jobs in every stage go ahead of the backlog. */
export const QueueFocusInput = z.object({ photoId: z.number().int().positive().nullable() }).strict();
export type QueueFocusInput = z.infer<typeof QueueFocusInput>;

export const DeadLetter = z.object({
  id: z.number().int().positive(),
  kind: z.string(),
  subject: z.string().nullable(),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  updatedAt: z.string(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;
