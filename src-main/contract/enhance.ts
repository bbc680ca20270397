import { z } from 'zod';
import { PhotoRecipe } from './recipes-api.ts';

/**
 * Auto-enhance: tone and colour proposals (white balance, black point, exposure, contrast,
 * highlights/shadows, vibrance) that analysis makes per photo and that enter the recipe as `ai:` steps, reviewed like
 * AI crops; and "match a series", which brings a set of photos to one reference.
 */

/** The analysis model id auto-enhance records; its recipe steps carry `ai:auto-enhance@<version>`. */
export const ENHANCE_MODEL_ID = 'auto-enhance';

/** Whether a recipe step's source is auto-enhance (any version). */
export const isAutoEnhanceSource = (source: string | undefined): boolean => source?.startsWith(`ai:${ENHANCE_MODEL_ID}@`) ?? false;

/** The recipe ops auto-enhance proposes, in the order they go into a recipe. */
export const ENHANCE_OPS = ['white-balance', 'black-point', 'exposure', 'contrast', 'highlights-shadows', 'vibrance', 'saturation'] as const;
export const EnhanceOp = z.enum(ENHANCE_OPS);
export type EnhanceOp = z.infer<typeof EnhanceOp>;

const fraction = z.number().min(0).max(1);

/** One proposed step: the op's params at its current version, how sure, and why in words. */
export const EnhanceStepProposal = z.object({
  op: EnhanceOp,
  params: z.record(z.string(), z.number()),
  confidence: fraction,
  /** "faces at L* 38, underexposed by about 0.8 EV". */
  reason: z.string(),
});
export type EnhanceStepProposal = z.infer<typeof EnhanceStepProposal>;

/**
 * What the photo measures before any edit, kept so a series can be matched later without decoding
 * it again: exposure level in stops (subject-weighted log-mean over mid-grey) and the neutral it
 * shows (ln R/G, ln B/G; 0,0 is balanced).
 */
export const EnhanceMeasures = z.object({
  keyEv: z.number(),
  whiteEv: z.number(),
  neutral: z.object({ u: z.number(), v: z.number() }),
  faceL: z.number().nullable(),
});
export type EnhanceMeasures = z.infer<typeof EnhanceMeasures>;

/** The enhance analysis of one photo (stored as its analysis result; `lightbox analyze --json` prints it). */
export const EnhanceResult = z.object({
  /** Empty when the photo needs nothing ("do no harm"). */
  steps: z.array(EnhanceStepProposal),
  /** The least sure of the steps (1 with no steps: nothing to doubt). */
  confidence: fraction,
  reasons: z.array(z.string()),
  /** Scene cues that held a correction back: night, sunset, snow, stage. */
  scene: z.array(z.string()),
  measures: EnhanceMeasures,
});
export type EnhanceResult = z.infer<typeof EnhanceResult>;

/**
 * What happens to a photo's auto-enhance proposals: nothing, proposed for review, or applied at
 * once when a step's confidence reaches the threshold (steps below it still wait for review).
 */
export const EnhanceMode = z.enum(['off', 'propose', 'apply']);
export type EnhanceMode = z.infer<typeof EnhanceMode>;
export const EnhanceSettings = z.object({ mode: EnhanceMode, threshold: fraction });
export type EnhanceSettings = z.infer<typeof EnhanceSettings>;
export const EnhanceSettingsUpdate = EnhanceSettings.partial().strict();
/** A folder follows the library, or has its own mode (its threshold is folder.enhanceThreshold). */
export const FolderEnhance = z.enum(['library', 'off', 'propose', 'apply']);
export type FolderEnhance = z.infer<typeof FolderEnhance>;

const PhotoIds = z.array(z.number().int().positive()).min(1).max(10_000);

/** A photo left out of a batch, and why. */
export const EnhanceSkip = z.object({ photoId: z.number().int().positive(), reason: z.string() });

export const enhanceCommands = {
  'enhance.settings.get': { input: z.object({}).strict(), output: EnhanceSettings },
  'enhance.settings.set': { input: EnhanceSettingsUpdate, output: EnhanceSettings },
  /**
   * Auto-enhance a selection: each photo's proposals go into its recipe as `ai:` steps (replacing
   * earlier auto-enhance steps). Photos not analysed for it yet are analysed first (`queued`).
   */
  'enhance.auto': {
    input: z.object({ photoIds: PhotoIds }).strict(),
    output: z.object({ proposed: z.number().int().nonnegative(), unchanged: z.number().int().nonnegative(), queued: z.number().int().nonnegative(), skipped: z.array(EnhanceSkip) }),
  },
  /**
   * Match exposure and white balance across photos: to `referencePhotoId` (a hero the photographer
   * picked, kept as it is) or, without one, to the group's median. Proposed as `ai:` steps.
   */
  'enhance.match': {
    input: z.object({ photoIds: PhotoIds, referencePhotoId: z.number().int().positive().optional() }).strict(),
    output: z.object({ proposed: z.number().int().nonnegative(), unchanged: z.number().int().nonnegative(), skipped: z.array(EnhanceSkip) }),
  },
  /** Accept or turn down ONE step waiting for review (an AI chip in the recipe panel); one undoable edit. */
  'recipe.decideStep': {
    input: z.object({ photoId: z.number().int().positive(), index: z.number().int().nonnegative(), decision: z.enum(['approve', 'reject']) }).strict(),
    output: PhotoRecipe,
  },
} as const;
