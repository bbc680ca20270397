import { z } from 'zod';
import { AnalysisRun, CropAspect, ModerationFlag, QualityFlag } from './analysis.ts';
import { AppError } from './errors.ts';
import { RecipeStep } from './recipe.ts';

/**
 * The REST job API (submit / status / result) that scripts, a NAS automation or another app drive
 * with plain HTTP and a Bearer token. The headless server serves it beside the WebSocket the UI
 * uses, through the same engine services. These schemas are the one source of truth: the server
 * validates against them and the OpenAPI document (rest-openapi.ts) is generated from them.
 */

export const REST_BASE = '/api/v1';

/**
 * Where a submitted photo is, derived from the stage the library computes (library/photo-stage.ts):
 * pending (stored upload waiting for its ingest job), ingesting (original being stored, metadata and
 * thumbnail being made), analysing, needs-review (an AI proposal waits for approve or reject),
 * rendering (the processed file of the current recipe is being written), completed (nothing left to
 * do; `processed` is there when the photo has a render), failed (`error` says why).
 */
export const RestStatus = z.enum(['pending', 'ingesting', 'analysing', 'needs-review', 'rendering', 'completed', 'failed']);
export type RestStatus = z.infer<typeof RestStatus>;

const PhotoId = z.number().int().positive();

export const RestErrorBody = z.object({ error: AppError });
export type RestErrorBody = z.infer<typeof RestErrorBody>;

export const RestLinks = z.object({ self: z.string(), processed: z.string(), approve: z.string(), reject: z.string(), recipe: z.string() });
export type RestLinks = z.infer<typeof RestLinks>;

export function restLinks(id: number): RestLinks {
  const self = `${REST_BASE}/photos/${id}`;
  return { self, processed: `${self}/processed`, approve: `${self}/approve`, reject: `${self}/reject`, recipe: `${self}/recipe` };
}

export const RestSubmitted = z.object({
  id: PhotoId,
  status: RestStatus,
  /** The library had these bytes already: `id` is that photo (the upload was recorded as a copy of it). */
  duplicate: z.boolean(),
  links: RestLinks,
});
export type RestSubmitted = z.infer<typeof RestSubmitted>;

export const RestAnalysis = z.object({
  /** Which model (id and version) and provider ran each analysis, and how it went. */
  generatedBy: z.array(AnalysisRun),
  faces: z.number().int().nonnegative().nullable(),
  keywords: z.array(z.string()),
  quality: z.object({ score: z.number().min(0).max(1), flags: z.array(QualityFlag) }).nullable(),
  /** The AI crop proposals per aspect; the one for the library's aspect goes into the recipe. */
  proposals: z.array(z.object({ aspect: CropAspect, confidence: z.number().min(0).max(1), reason: z.string() })),
  moderation: ModerationFlag.nullable(),
});
export type RestAnalysis = z.infer<typeof RestAnalysis>;

export const RestRecipe = z.object({
  revision: z.number().int().nonnegative(),
  /** An active step (the AI crop) waits for approve or reject. */
  needsReview: z.boolean(),
  steps: z.array(RecipeStep),
  /** Undo pointer: steps[0..end) are active. */
  end: z.number().int().nonnegative(),
});
export type RestRecipe = z.infer<typeof RestRecipe>;

export const RestProcessed = z.object({
  /** The recipe revision it was rendered from (the current one). */
  revision: z.number().int().positive(),
  url: z.string(),
  contentType: z.string(),
  bytes: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type RestProcessed = z.infer<typeof RestProcessed>;

export const RestSubmitter = z.object({
  /** Null for the server's session token. */
  tokenId: z.number().int().positive().nullable(),
  name: z.string(),
  at: z.string(),
});

export const RestPhoto = z.object({
  id: PhotoId,
  status: RestStatus,
  fileName: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  bytes: z.number().int().nonnegative(),
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  createdAt: z.string(),
  /** The latest change of the photo, its jobs or its recipe. */
  updatedAt: z.string(),
  /** The token that last submitted these bytes; null for photos from a watched folder. */
  submittedBy: RestSubmitter.nullable(),
  error: AppError.optional(),
  analysis: RestAnalysis,
  /** Null until the original is stored. */
  recipe: RestRecipe.nullable(),
  /** Present once the current recipe revision is rendered. */
  processed: RestProcessed.optional(),
  links: RestLinks,
});
export type RestPhoto = z.infer<typeof RestPhoto>;

export const RestPhotoSummary = RestPhoto.pick({ id: true, status: true, fileName: true, createdAt: true, updatedAt: true, error: true, links: true });
export type RestPhotoSummary = z.infer<typeof RestPhotoSummary>;

export const RestPhotoPage = z.object({
  photos: z.array(RestPhotoSummary),
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: z.string().nullable(),
});
export type RestPhotoPage = z.infer<typeof RestPhotoPage>;

export const RestListQuery = z
  .object({
    status: RestStatus.optional().meta({ description: 'Only photos with this status.' }),
    since: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({ description: 'Only photos changed (status, recipe, render) at or after this instant: ISO 8601 with a zone, e.g. 2026-05-01T00:00:00Z.' }),
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'Use the nextCursor of the previous page.')
      .optional()
      .meta({ description: 'The nextCursor of the previous page; none for the first.' }),
    limit: z.coerce.number().int().min(1).max(100).default(50).meta({ description: 'Photos per page.' }),
  })
  .strict();
export type RestListQuery = z.infer<typeof RestListQuery>;

/** A recipe sent by a client: a recipe file (its `schema` and `original` are ignored) or just `{ steps }`. */
export const RestRecipeInput = z
  .object({
    steps: z.array(z.unknown()),
    end: z.number().int().nonnegative().optional(),
    schema: z.number().int().positive().optional(),
    original: z.object({ sha256: z.string() }).optional(),
  })
  .strict();
export type RestRecipeInput = z.infer<typeof RestRecipeInput>;

export const RestSubmitForm = z
  .object({
    file: z.string().meta({ description: 'The photo (one file part, with a file name).', contentMediaType: 'application/octet-stream' }),
    preset: z.string().max(200).optional().meta({ description: 'A preset of the library, by id or name, applied after the recipe.' }),
    recipe: z.string().max(1_000_000).optional().meta({ description: 'A recipe as JSON text (see RecipeInput), the starting recipe of the photo.' }),
  })
  .strict();

/** The `data` of each `photo` Server-Sent Event: a photo's status changed. */
export const RestPhotoEvent = z.object({ id: PhotoId, status: RestStatus, updatedAt: z.string() });
export type RestPhotoEvent = z.infer<typeof RestPhotoEvent>;
