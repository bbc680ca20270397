import { z } from 'zod';
import { ErrorCode } from './errors.ts';

/**
 * The failed-jobs page: dead letters grouped by what failed (job kind) and why (error code), each
 * with the photo or file it was about, so a person can fix the cause once and retry the whole group.
 */

export const FailedJob = z.object({
  id: z.number().int().positive(),
  kind: z.string(),
  subject: z.string().nullable(),
  code: ErrorCode,
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  updatedAt: z.string(),
  /** The photo the job was about (null for an ingest, which has no photo yet). */
  photoId: z.number().int().positive().nullable(),
  /** The photo's file name, or the source file's name for an ingest. */
  fileName: z.string().nullable(),
  /** The photo's media revision: 0 means no thumbnail was made. */
  mediaRev: z.number().int().nonnegative(),
});
export type FailedJob = z.infer<typeof FailedJob>;

export const FailureGroupKey = z.object({ kind: z.string().min(1), code: ErrorCode });
export type FailureGroupKey = z.infer<typeof FailureGroupKey>;

export const FailureGroup = FailureGroupKey.extend({
  count: z.number().int().positive(),
  /** The newest error text of the group: what the person reads first. */
  message: z.string(),
  /** The newest `limit` jobs of the group. */
  jobs: z.array(FailedJob),
});
export type FailureGroup = z.infer<typeof FailureGroup>;

export const FailureGroupsInput = z.object({ limit: z.number().int().positive().max(1000).default(60) });
export const FailureGroupsOutput = z.object({ groups: z.array(FailureGroup), total: z.number().int().nonnegative() });
export type FailureGroupsOutput = z.infer<typeof FailureGroupsOutput>;

export const FailureGroupActionOutput = z.object({ count: z.number().int().nonnegative() });
