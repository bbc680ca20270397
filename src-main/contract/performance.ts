import { z } from 'zod';

/**
 * How many jobs of each CPU-bound kind run at once (Settings > Performance). Uploads are not here:
 * their limit adapts to the server by itself (4 to start, halved on overload, at most 8).
 */
export const WorkerKind = z.enum(['ingest', 'derive', 'analyze', 'render']);
export type WorkerKind = z.infer<typeof WorkerKind>;

const Count = z.number().int().min(1).max(64);

export const WorkerCounts = z.object({ ingest: Count, derive: Count, analyze: Count, render: Count });
export type WorkerCounts = z.infer<typeof WorkerCounts>;

export const PerformanceStatus = z.object({
  workers: WorkerCounts,
  /** What Lightbox picks when nothing is set. */
  defaults: WorkerCounts,
  /** CPU cores Lightbox may use: the upper bound of every count. */
  cores: z.number().int().positive(),
  /** The adaptive Immich upload limit right now (read-only). */
  uploadLimit: z.number().int().nonnegative(),
  uploadMax: z.number().int().positive(),
  /** Memory (MB): Lightbox's own, the machine's free and total, Lightbox's budget, and whether it is short now. */
  memory: z.object({
    rssMb: z.number().nonnegative(),
    freeMb: z.number().nonnegative(),
    totalMb: z.number().nonnegative(),
    budgetMb: z.number().nonnegative(),
    /** Short: renders, analyses and thumbnails run one at a time until memory is plentiful again. */
    short: z.boolean(),
  }),
});
export type PerformanceStatus = z.infer<typeof PerformanceStatus>;

/** Counts left out keep their value; `reset: true` goes back to the defaults first. */
export const PerformanceUpdate = WorkerCounts.partial().extend({ reset: z.boolean().optional() }).strict();
export type PerformanceUpdate = z.infer<typeof PerformanceUpdate>;
