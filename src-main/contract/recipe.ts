import { z } from 'zod';

/**
 * A recipe is the whole, replayable edit of one original: an ordered list of steps, each naming an
 * op and the version of that op's params. Params stay `unknown` here because only the engine knows
 * each op's schema per version (and how to migrate old ones); the contract guarantees the envelope.
 */

/** The recipe envelope version this build reads and writes. A bigger number was made by a newer Lightbox. */
export const RECIPE_SCHEMA_VERSION = 1;

const modelId = /^[a-z0-9][a-z0-9._-]*@[A-Za-z0-9._-]+$/;
const presetRef = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Who put a step there: the photographer, a preset (by id), or a model (by id@version). */
export const StepSource = z.union([
  z.literal('user'),
  z.templateLiteral(['preset:', z.string().regex(presetRef)]),
  z.templateLiteral(['ai:', z.string().regex(modelId)]),
]);
export type StepSource = z.infer<typeof StepSource>;

export const RecipeStep = z
  .object({
    op: z.string().min(1),
    /** Version of this op's params, not of the app. Old versions are migrated when loaded. */
    v: z.number().int().positive(),
    enabled: z.boolean(),
    params: z.unknown(),
    source: StepSource,
    /** Model confidence 0..1, only meaningful for `ai:` steps. */
    confidence: z.number().min(0).max(1).optional(),
    /** The UI asks the photographer to look at this step before approving. */
    needsReview: z.boolean().optional(),
    /**
     * An AI step that came from a preset: its params were resolved for ANOTHER photo, so it stays
     * disabled until its model runs again on this photo (Lightroom's adaptive presets).
     */
    recompute: z.boolean().optional(),
    /** Why an `ai:` step proposes what it does, in words ("faces at L* 38, underexposed by about 0.8 EV"). */
    reason: z.string().max(300).optional(),
  })
  .strict();
export type RecipeStep = z.infer<typeof RecipeStep>;

export const RecipeOriginal = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict();
export type RecipeOriginal = z.infer<typeof RecipeOriginal>;

export const Recipe = z
  .object({
    schema: z.literal(RECIPE_SCHEMA_VERSION),
    original: RecipeOriginal,
    steps: z.array(RecipeStep),
    /** Undo pointer (darktable's history_end): steps[0..end) are active, the rest is the redo tail. */
    end: z.number().int().nonnegative(),
  })
  .strict()
  .refine((r) => r.end <= r.steps.length, { message: 'end must not be past the last step', path: ['end'] });
export type Recipe = z.infer<typeof Recipe>;

/** A preset is a recipe without an original: applied to many photos, its AI steps re-run per photo. */
export const Preset = z
  .object({
    id: z.string().regex(presetRef),
    name: z.string().min(1).max(200),
    steps: z.array(RecipeStep),
    createdAt: z.string(),
    updatedAt: z.string().optional(),
  })
  .strict();
export type Preset = z.infer<typeof Preset>;

/** One problem found in a stored recipe. `path` reads like `steps[2].params.w`. */
export const RecipeValidationError = z.object({ path: z.string(), message: z.string() });
export type RecipeValidationError = z.infer<typeof RecipeValidationError>;
