import { z } from 'zod';
import { AppError } from './errors.ts';

/**
 * Immich uploads (issue 5): server settings, per-folder upload settings, status and progress.
 * The API key never travels back out: `immich.settings.get` only says whether one is stored.
 */
export const UploadWhat = z.enum(['both', 'processed', 'original', 'none']);
export type UploadWhat = z.infer<typeof UploadWhat>;

/** What a photo sent from a selection ("Upload" in the batch bar) uploads: never nothing. */
export const RequestedUpload = UploadWhat.exclude(['none']);
export type RequestedUpload = z.infer<typeof RequestedUpload>;

/** `immich.upload`: send these photos now, whatever their folder's setting; approval counts as given. */
export const ImmichUploadInput = z.object({ photoIds: z.array(z.number().int().positive()).min(1).max(10_000) });
export const ImmichUploadOutput = z.object({
  queued: z.number().int().nonnegative(),
  /** Photos that cannot go, each with why in words. */
  skipped: z.array(z.object({ photoId: z.number().int().positive(), message: z.string() })),
});
export type ImmichUploadOutput = z.infer<typeof ImmichUploadOutput>;

export const UploadCover = z.enum(['processed', 'original']);
export type UploadCover = z.infer<typeof UploadCover>;

export const FolderUploadSettings = z.object({
  /** Immich album the photos go to (created when missing); null: no album. */
  albumName: z.string().trim().min(1).max(200).nullable().default(null),
  what: UploadWhat.default('none'),
  /** Which version is the stack's cover. */
  cover: UploadCover.default('processed'),
  /** Upload only photos the photographer approved. */
  approvalRequired: z.boolean().default(false),
});
export type FolderUploadSettings = z.infer<typeof FolderUploadSettings>;

export const FolderUploadSettingsGetInput = z.object({ folderId: z.number().int().positive() });
export const FolderUploadSettingsSetInput = FolderUploadSettings.partial().extend({ folderId: z.number().int().positive() });
export const FolderUploadSettingsOutput = FolderUploadSettings.extend({ folderId: z.number().int().positive() });

export const ImmichSettings = z.object({
  /** e.g. https://photos.example.com (the /api suffix is added when missing). Null: uploads off. */
  serverUrl: z.string().nullable(),
  /** True when a key for `serverUrl` is stored (in the key store, never in the database). */
  hasApiKey: z.boolean(),
});
export type ImmichSettings = z.infer<typeof ImmichSettings>;

export const ImmichSettingsSetInput = z.object({
  serverUrl: z.string().trim().url().nullable(),
  /** Left out: keep the stored key. */
  apiKey: z.string().trim().min(1).optional(),
});
export type ImmichSettingsSetInput = z.infer<typeof ImmichSettingsSetInput>;

export const ImmichCheck = z.object({ name: z.enum(['reachable', 'version', 'auth', 'permissions']), ok: z.boolean(), message: z.string() });
export const ImmichTestResult = z.object({ ok: z.boolean(), version: z.string().nullable(), checks: z.array(ImmichCheck) });
export type ImmichTestResult = z.infer<typeof ImmichTestResult>;

export const ImmichTestInput = z.object({ serverUrl: z.string().trim().url().optional(), apiKey: z.string().trim().min(1).optional() });

export const UploadCounts = z.object({
  /** Waiting for their turn, uploading, or waiting for the server to answer again. */
  pending: z.number().int().nonnegative(),
  /** Waiting for a processed file (render) or for approval. */
  waiting: z.number().int().nonnegative(),
  uploaded: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
});
export type UploadCounts = z.infer<typeof UploadCounts>;

export const ImmichStatus = z.object({
  configured: z.boolean(),
  /** Uploads stopped until the user acts (a refused key). */
  paused: z.boolean(),
  /** Why, in words the user can act on. */
  reason: AppError.nullable(),
  /** False while the server does not answer (uploads wait and resume by themselves). */
  online: z.boolean(),
  counts: UploadCounts,
  /** While offline: when the server is asked again (ISO time). Optional so older builders of this object still fit. */
  retryAt: z.string().nullable().optional(),
});
export type ImmichStatus = z.infer<typeof ImmichStatus>;

export const UploadState = z.enum(['queued', 'uploading', 'waiting-render', 'waiting-approval', 'offline', 'paused', 'uploaded', 'failed']);
export type UploadState = z.infer<typeof UploadState>;

/**
 * What is known to exist on the server for one photo's pair, saved after every id the server hands
 * back (what makes a restarted upload idempotent): written by immich/pair-upload.ts, kept by
 * library/uploads-repo.ts.
 */
export const UploadPairState = z.object({
  originalAssetId: z.string().optional(),
  processedAssetId: z.string().optional(),
  /** SHA-1 of the processed file `processedAssetId` holds (or is about to hold). */
  processedSha1: z.string().optional(),
  stackId: z.string().optional(),
  albumDone: z.boolean().optional(),
  metadataDone: z.boolean().optional(),
  /** Earlier processed versions still to take out of the stack and move to the trash. */
  replacedAssetIds: z.array(z.string()).optional(),
});
export type UploadPairState = z.infer<typeof UploadPairState>;

/** One photo's upload changed state or sent more bytes. */
export const UploadProgress = z.object({
  photoId: z.number().int().positive(),
  state: UploadState,
  bytesSent: z.number().int().nonnegative(),
  bytesTotal: z.number().int().nonnegative(),
  error: AppError.nullable(),
  /** What was just recorded while uploading: checked, original, processed, stack, album, metadata. */
  step: z.string().nullable(),
});
export type UploadProgress = z.infer<typeof UploadProgress>;

export const UploadTotals = UploadCounts.extend({
  uploading: z.number().int().nonnegative(),
  bytesSent: z.number().int().nonnegative(),
});
export type UploadTotals = z.infer<typeof UploadTotals>;
