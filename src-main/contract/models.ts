import { z } from 'zod';
import { AppError } from './errors.ts';

/**
 * The model manager: models no npm package carries (CLIP, an aesthetic head), downloaded from
 * their home on the user's machine with progress, resume, SHA-256 check and the licence shown.
 * Also semantic search over CLIP embeddings and the optional remote caption provider's settings.
 */

export const ModelState = z.enum(['installed', 'not-installed', 'partial', 'outdated']);
export type ModelState = z.infer<typeof ModelState>;

export const ModelInfo = z.object({
  id: z.string(),
  version: z.string(),
  task: z.enum(['embedding', 'aesthetic']),
  title: z.string(),
  licence: z.string(),
  licenceUrl: z.string(),
  home: z.string(),
  /** Download size; null while the catalogue has not recorded every file's size. */
  bytes: z.number().int().nonnegative().nullable(),
  /** 'partial': an interrupted download that `models.download` resumes. */
  state: ModelState,
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const ModelIdInput = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/) });

export const ModelVerification = z.object({
  id: z.string(),
  ok: z.boolean(),
  files: z.array(z.object({ name: z.string(), ok: z.boolean(), message: z.string() })),
  message: z.string(),
});
export type ModelVerification = z.infer<typeof ModelVerification>;

export const ModelsProgress = z.object({
  id: z.string(),
  file: z.string(),
  fileIndex: z.number().int().nonnegative(),
  fileCount: z.number().int().positive(),
  received: z.number().int().nonnegative(),
  total: z.number().int().nonnegative().nullable(),
});
export type ModelsProgress = z.infer<typeof ModelsProgress>;

export const PhotoSearchInput = z.object({
  text: z.string().trim().min(1).max(500),
  limit: z.number().int().positive().max(1000).default(50),
});
export const PhotoSearchHit = z.object({ photoId: z.number().int().positive(), score: z.number().min(-1).max(1) });
export const PhotoSearchOutput = z.object({
  /** The CLIP model (`id@version`) the ranking comes from. */
  model: z.string(),
  hits: z.array(PhotoSearchHit),
  /** Photos not embedded yet (analysis still to run): the ranking leaves them out. */
  missing: z.number().int().nonnegative(),
});
export type PhotoSearchOutput = z.infer<typeof PhotoSearchOutput>;

export const SemanticTag = z.object({ label: z.string(), score: z.number(), probability: z.number().min(0).max(1) });
export type SemanticTag = z.infer<typeof SemanticTag>;

/** An OpenAI-compatible vision endpoint for captions; off unless the user turns it on. */
export const RemoteVisionSettings = z.object({
  enabled: z.boolean().default(false),
  /** e.g. https://api.example.com/v1 (the client appends /chat/completions). */
  baseUrl: z.url({ protocol: /^https?$/ }).nullable().default(null),
  model: z.string().min(1).nullable().default(null),
  /** The API key is never stored: it comes from env LIGHTBOX_VISION_KEY. */
  timeoutMs: z.number().int().positive().max(300_000).default(30_000),
});
export type RemoteVisionSettings = z.infer<typeof RemoteVisionSettings>;

/** What the UI shows: the settings plus whether LIGHTBOX_VISION_KEY is set (never the key). */
export const RemoteVisionStatus = RemoteVisionSettings.extend({ keySet: z.boolean() });
export type RemoteVisionStatus = z.infer<typeof RemoteVisionStatus>;
export const RemoteVisionUpdate = RemoteVisionSettings.partial().strict();

export const CaptionResult = z.object({ text: z.string(), provider: z.enum(['local', 'remote']), model: z.string() });
export type CaptionResult = z.infer<typeof CaptionResult>;

/** The semantic part of analysis.get: CLIP tags and a caption, or why there are none. */
export const SemanticAnalysis = z.object({
  model: z.string(),
  status: z.enum(['not-installed', 'pending', 'processing', 'completed', 'failed']),
  /** Set when the model is not installed: what to do about it. */
  message: z.string().nullable(),
  error: AppError.nullable(),
  tags: z.array(SemanticTag),
  caption: CaptionResult.nullable(),
});
export type SemanticAnalysis = z.infer<typeof SemanticAnalysis>;
