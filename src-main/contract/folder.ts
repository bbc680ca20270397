import { z } from 'zod';

export const AfterIngest = z.enum(['keep', 'move-to-done', 'delete']);
export type AfterIngest = z.infer<typeof AfterIngest>;

export const HotFolderOptions = z.object({
  recursive: z.boolean().default(true),
  /** Network shares (SMB/NFS) do not deliver file events reliably: poll them. */
  polling: z.boolean().default(false),
  /** Glob-like patterns on the path relative to the folder; empty include means "everything". */
  include: z.array(z.string()).default([]),
  exclude: z.array(z.string()).default([]),
  afterIngest: AfterIngest.default('keep'),
  enabled: z.boolean().default(true),
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
