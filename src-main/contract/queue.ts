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

export const QueueStats = z.object({
  kinds: z.record(z.string(), KindStats),
  idle: z.boolean(),
  /** Kinds held back until a cause goes away (a full disk: `disk-full`, naming the folder and its free space). */
  paused: z.record(z.string(), AppError).optional(),
});
export type QueueStats = z.infer<typeof QueueStats>;

export const DeadLetter = z.object({
  id: z.number().int().positive(),
  kind: z.string(),
  subject: z.string().nullable(),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  updatedAt: z.string(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;
