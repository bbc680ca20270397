import path from 'node:path';
import { z } from 'zod';
import { RenderTarget, type JobKind } from '../../contract/index.ts';

/**
 * Each job kind's data. Stored jobs are parsed with these before they run, so a row written by an
 * older (or broken) build is dead-lettered instead of crashing a handler.
 */
export const jobDataSchemas = {
  ingest: z.object({
    path: z.string().refine((p) => path.isAbsolute(p), 'must be an absolute path'),
    folderId: z.number().int().positive().nullable(),
    size: z.number().int().nonnegative(),
    mtimeMs: z.number().nonnegative(),
    /** The source is the library's own copy (a REST upload in its inbox): removed once the original is stored. */
    consume: z.boolean().optional(),
  }),
  derive: z.object({
    photoId: z.number().int().positive(),
  }),
  analyze: z.object({
    photoId: z.number().int().positive(),
    /** Redo every analysis even where a result for the same model version is stored (analysis.rerun). */
    force: z.boolean().default(false),
    /** The photographer asked for auto-enhance (enhance.auto): its proposals go in whatever the policy. */
    autoEnhance: z.boolean().optional(),
  }),
  // `revision` is the one that asked; the handler renders whatever is current when it runs.
  render: z.object({
    photoId: z.number().int().positive(),
    revision: z.number().int().positive(),
    targets: z.array(RenderTarget).optional(),
  }),
  'apply-preset': z.object({
    presetId: z.string().min(1),
    photoId: z.number().int().positive(),
    /** Queued by the photo's hot-folder policy: at most once per photo, and a deleted preset is skipped. */
    policy: z.boolean().optional(),
  }),
  upload: z.object({
    photoId: z.number().int().positive(),
  }),
} satisfies Record<JobKind, z.ZodType>;

export type JobData<K extends JobKind> = z.output<(typeof jobDataSchemas)[K]>;

/**
 * The default `subject` a job is filed under: the photo id for photo jobs (the derived photo stage
 * reads it), the source path for ingest (there is no photo yet).
 */
export function subjectFor<K extends JobKind>(kind: K, data: JobData<K>): string {
  const subjects: { [Kind in JobKind]: (data: JobData<Kind>) => string } = {
    ingest: (d) => d.path,
    derive: (d) => String(d.photoId),
    analyze: (d) => String(d.photoId),
    render: (d) => String(d.photoId),
    'apply-preset': (d) => String(d.photoId),
    upload: (d) => String(d.photoId),
  };
  return (subjects[kind] as (data: JobData<K>) => string)(data);
}
