import { z } from 'zod';
import { FolderEnhance } from './enhance.ts';
import { ExportMetadata } from './export-metadata.ts';

export const AfterIngest = z.enum(['keep', 'move-to-done', 'delete']);
export type AfterIngest = z.infer<typeof AfterIngest>;

/**
 * How AI crop proposals for a folder's photos are reviewed: as the library setting says, always by
 * the photographer, approved at once when the proposal's confidence reaches the folder's threshold,
 * or never (approved at once).
 */
export const CropReview = z.enum(['library', 'always', 'threshold', 'never']);
export type CropReview = z.infer<typeof CropReview>;

/**
 * What happens to every photo a folder brings in (issue 4's per-folder auto-approve, issue 6's
 * "presets to apply"). Presets are ids, applied in this order; one deleted later is skipped.
 */
export const FolderPolicy = z.object({
  presets: z
    .array(z.string().min(1))
    .max(20)
    .refine((ids) => new Set(ids).size === ids.length, 'a preset can be in the list once')
    .default([]),
  cropReview: CropReview.default('library'),
  /** Used when cropReview is 'threshold'; kept when another mode is chosen, so switching back restores it. */
  cropThreshold: z.number().min(0).max(1).default(0.8),
  /** Auto-enhance for the folder's photos: as the library says, off, proposed, or applied at enhanceThreshold. */
  enhance: FolderEnhance.default('library'),
  enhanceThreshold: z.number().min(0).max(1).default(0.8),
});
export type FolderPolicy = z.infer<typeof FolderPolicy>;

export const HotFolderOptions = z.object({
  recursive: z.boolean().default(true),
  /** Network shares (SMB/NFS) do not deliver file events reliably: poll them. */
  polling: z.boolean().default(false),
  /** Glob-like patterns on the path relative to the folder; empty include means "everything". */
  include: z.array(z.string()).default([]),
  exclude: z.array(z.string()).default([]),
  afterIngest: AfterIngest.default('keep'),
  enabled: z.boolean().default(true),
  /** What this folder's renders keep of the originals' metadata, unless the recipe's output step says. */
  exportMetadata: ExportMetadata.default('all'),
  ...FolderPolicy.shape,
});
export type HotFolderOptions = z.infer<typeof HotFolderOptions>;

export const HotFolder = HotFolderOptions.extend({
  id: z.number().int().positive(),
  path: z.string().min(1),
  createdAt: z.string(),
});
export type HotFolder = z.infer<typeof HotFolder>;

export const AddFolderInput = HotFolderOptions.partial().extend({ path: z.string().min(1) });
export type AddFolderInput = z.infer<typeof AddFolderInput>;

export const UpdateFolderInput = HotFolderOptions.partial().extend({ id: z.number().int().positive() });
export type UpdateFolderInput = z.infer<typeof UpdateFolderInput>;

/** Runtime state of an enabled hot folder (not stored): is its root there to be watched? */
export const FolderStatus = z.object({
  folderId: z.number().int().positive(),
  state: z.enum(['watching', 'unavailable']),
  /** Why it is unavailable, in words the photographer can act on. */
  message: z.string().nullable(),
  /** When Lightbox looks for it again (ISO time). */
  retryAt: z.string().nullable(),
});
export type FolderStatus = z.infer<typeof FolderStatus>;
