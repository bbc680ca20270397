import { z } from 'zod';
import { Preset, Recipe, RecipeStep } from './recipe.ts';

/**
 * Commands and events for recipes, presets and rendering. Kept apart from api.ts so the table there
 * only spreads them in; both transports serve them through the same dispatch.
 */

const PhotoRef = z.object({ photoId: z.number().int().positive() }).strict();
const PresetId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
const PresetName = z.string().trim().min(1).max(200);

/** A photo's recipe as stored: `revision` 0 means nothing was ever saved (an empty recipe). */
export const PhotoRecipe = z.object({
  photoId: z.number().int().positive(),
  revision: z.number().int().nonnegative(),
  recipe: Recipe,
  canUndo: z.boolean(),
  canRedo: z.boolean(),
  /** The newest revision with a finished main render, if any. */
  renderedRevision: z.number().int().positive().nullable(),
});
export type PhotoRecipe = z.infer<typeof PhotoRecipe>;

/** Must match the engine's export targets (render/export-targets.ts); a test keeps them equal. */
export const ExportTargetId = z.enum(['square', 'portrait-4x5', 'story-9x16', 'landscape-16x9', 'classic-3x2']);
export type ExportTargetId = z.infer<typeof ExportTargetId>;

/** An extra render of the same recipe framed for a platform: crop to the aspect, or extend the canvas. */
export const RenderTarget = z
  .object({
    id: ExportTargetId,
    strategy: z.enum(['crop', 'extend']).default('crop'),
    background: z.union([z.literal('blur'), z.string().regex(/^#[0-9a-fA-F]{6}$/)]).default('blur'),
  })
  .strict();
export type RenderTarget = z.infer<typeof RenderTarget>;

/** One written file. `target` is `main` or the export target's key (e.g. `square`, `story-9x16-extend`). */
export const RenderOutput = z.object({
  target: z.string(),
  /** Absolute path on the engine's machine. */
  path: z.string(),
  /** Relative to the library folder. */
  relativePath: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export type RenderOutput = z.infer<typeof RenderOutput>;

export const recipeCommands = {
  'recipe.get': { input: PhotoRef, output: PhotoRecipe },
  /** Replaces the steps (the whole history; `end` defaults to all of them active). Validated like a stored recipe. */
  'recipe.update': {
    input: z.object({ photoId: z.number().int().positive(), steps: z.array(z.unknown()), end: z.number().int().nonnegative().optional() }).strict(),
    output: PhotoRecipe,
  },
  'recipe.undo': { input: PhotoRef, output: PhotoRecipe },
  /** Accepts every step waiting for review (the AI crop): the photo moves on from needs-review. */
  'recipe.approve': { input: PhotoRef, output: PhotoRecipe },
  'recipe.reject': { input: PhotoRef, output: PhotoRecipe },
  'recipe.redo': { input: PhotoRef, output: PhotoRecipe },
  'presets.list': { input: z.object({}).strict(), output: z.array(Preset) },
  /** From a photo's active steps; `steps` picks some of them by index (all when omitted). */
  'presets.create': {
    input: z.object({ photoId: z.number().int().positive(), name: PresetName, steps: z.array(z.number().int().nonnegative()).optional() }).strict(),
    output: Preset,
  },
  'presets.rename': { input: z.object({ id: PresetId, name: PresetName }).strict(), output: Preset },
  'presets.delete': { input: z.object({ id: PresetId }).strict(), output: z.object({ ok: z.literal(true) }) },
  /** A preset file's text; a clashing id gets a new one, so importing twice keeps both. */
  'presets.import': { input: z.object({ json: z.string().max(1_000_000) }).strict(), output: Preset },
  'presets.export': { input: z.object({ id: PresetId }).strict(), output: z.object({ json: z.string() }) },
  /** One apply-preset job per photo; each then queues its render. */
  'presets.apply': {
    input: z.object({ presetId: PresetId, photoIds: z.array(z.number().int().positive()).min(1).max(10_000) }).strict(),
    output: z.object({ queued: z.number().int().nonnegative() }),
  },
  /**
   * The recipe applied to the photo's preview for the editing UI (the "preview path"): the current
   * recipe, or `steps` as they are being edited, without storing anything. A JPEG data URL.
   */
  'render.preview': {
    input: z.object({ photoId: z.number().int().positive(), steps: z.array(z.unknown()).optional(), end: z.number().int().nonnegative().optional() }).strict(),
    output: z.object({ dataUrl: z.string().startsWith('data:image/jpeg;base64,'), width: z.number().int().positive(), height: z.number().int().positive(), ms: z.number().nonnegative() }),
  },
  /**
   * An XMP sidecar for the ORIGINAL with the current recipe's Camera Raw crop (crs:), orientation,
   * rating, caption and keywords: Lightroom and other editors open the original framed as here.
   */
  'recipe.sidecar': { input: PhotoRef, output: z.object({ fileName: z.string(), xmp: z.string() }) },
  /** Renders the current revision (main output plus any export targets). */
  'render.request': {
    input: z.object({ photoId: z.number().int().positive(), targets: z.array(RenderTarget).max(10).optional() }).strict(),
    output: z.object({ revision: z.number().int().positive(), queued: z.boolean() }),
  },
} as const;

export const recipeEvents = {
  'recipe.changed': z.object({ photoId: z.number().int().positive(), revision: z.number().int().positive(), recipe: Recipe }),
  'render.progress': z.object({
    photoId: z.number().int().positive(),
    revision: z.number().int().positive(),
    target: z.string(),
    /** Outputs finished so far, of `total`. */
    done: z.number().int().nonnegative(),
    total: z.number().int().positive(),
  }),
  'render.done': z.object({ photoId: z.number().int().positive(), revision: z.number().int().positive(), outputs: z.array(RenderOutput) }),
} as const;

/** Steps as the API accepts them before validation (the envelope check happens in the engine). */
export type RecipeStepInput = z.input<typeof RecipeStep>;
