import { ApiError, type Photo, type PhotoRecipe, type Preset, type Recipe, type RecipeStep } from '../../contract/index.ts';
import type { PhotosRepo, RecipesRepo, RendersRepo } from '../library/index.ts';
import { approveAll, rejectAll, withAiCrop } from '../recipes/ai-review.ts';
import { applyPreset } from '../recipes/apply-preset.ts';
import { decideStep, resolveRecompute, withAiTone } from '../recipes/ai-tone.ts';
import { newRecipe } from '../recipes/create.ts';
import { canRedo, canUndo, redo, undo } from '../recipes/history.ts';
import { RecipeError } from '../recipes/recipe-error.ts';
import { parseRecipe } from '../recipes/validate.ts';

/** At-most-once application of a preset to a photo: asked before, recorded with the revision it makes. */
export type PresetOnce = { applied(): boolean; record(revision: number): void };

export type RecipeChange = { photo: Photo & { sha256: string }; revision: number; recipe: Recipe };

export type RecipesServiceDeps = {
  photos: PhotosRepo;
  recipes: RecipesRepo;
  renders: RendersRepo;
  /** After every stored change: portable copy, event, render job (wired by the engine). */
  changed(change: RecipeChange): Promise<void> | void;
  /**
   * This photo's own AI tone steps (auto-enhance), to resolve a preset's adaptive steps as it is
   * applied; null when the photo has not been analysed for them yet (they then wait, disabled).
   */
  adaptive?: (photoId: number) => RecipeStep[] | null;
};

/** A recipe the photographer can see: its code (invalid-recipe / recipe-too-new) and every problem. */
export function recipeApiError(error: unknown): never {
  if (error instanceof RecipeError) throw new ApiError(error.code, error.message, error.problems);
  throw error;
}

/**
 * Reads and changes photos' recipes. Every change is validated with parseRecipe (so a stored recipe
 * is always one the renderer accepts), stored as a new revision, then announced through `changed`.
 * Undo and redo move the recipe's `end` pointer (DESIGN §3) and are changes like any other.
 */
export class RecipesService {
  #deps: RecipesServiceDeps;

  constructor(deps: RecipesServiceDeps) {
    this.#deps = deps;
  }

  get(photoId: number): PhotoRecipe {
    const photo = this.#photo(photoId);
    const { recipe, revision } = this.#load(photo);
    return this.#view(photoId, recipe, revision);
  }

  /** The current recipe and revision, parsed and migrated; revision 0 and an empty recipe if none was saved. */
  current(photoId: number): { photo: Photo & { sha256: string }; recipe: Recipe; revision: number } {
    const photo = this.#photo(photoId);
    return { photo, ...this.#load(photo) };
  }

  /** `within` runs in the transaction that stores the revision (an at-most-once record, see PresetOnce). */
  async update(photoId: number, steps: unknown[], end?: number, within?: (revision: number) => void): Promise<PhotoRecipe> {
    const photo = this.#photo(photoId);
    let recipe: Recipe;
    try {
      recipe = parseRecipe({ schema: 1, original: { sha256: photo.sha256 }, steps, end: end ?? steps.length });
    } catch (error) {
      recipeApiError(error);
    }
    return this.#save(photo, recipe, undefined, within);
  }

  undo(photoId: number): Promise<PhotoRecipe> {
    return this.#step(photoId, canUndo, undo);
  }

  redo(photoId: number): Promise<PhotoRecipe> {
    return this.#step(photoId, canRedo, redo);
  }

  /**
   * Applies a (parsed) preset as one edit; see recipes/apply-preset.ts for what is kept. With `once`
   * (a folder's policy), a preset already applied to the photo is left alone, and the record that it
   * was applied is stored in the same transaction as the revision it makes.
   */
  async applyPreset(photoId: number, preset: Preset, once?: PresetOnce): Promise<PhotoRecipe> {
    const photo = this.#photo(photoId);
    const { recipe, revision } = this.#load(photo);
    if (once?.applied()) return this.#view(photoId, recipe, revision);
    let next: Recipe;
    try {
      const applied = applyPreset(recipe, preset);
      const own = this.#deps.adaptive?.(photoId);
      next = parseRecipe((own && resolveRecompute(applied, own)) || applied);
    } catch (error) {
      recipeApiError(error);
    }
    return this.#save(photo, next, revision, once?.record);
  }

  /**
   * Puts an AI crop proposal into the recipe as its crop, unless the photographer or a preset
   * cropped already. Returns null when the recipe was left as it was.
   */
  async proposeAiCrop(photoId: number, step: RecipeStep): Promise<PhotoRecipe | null> {
    const photo = this.#photo(photoId);
    const { recipe, revision } = this.#load(photo);
    const next = withAiCrop(recipe, step);
    return next ? this.#save(photo, parseRecipe(next), revision) : null;
  }

  /**
   * AI tone and colour steps (auto-enhance, a series match) into the recipe, replacing earlier ones
   * of the ops in `scope`; an op the photographer set stays theirs (recipes/ai-tone.ts). Null when the
   * recipe was left as it was.
   */
  async proposeAiTone(photoId: number, steps: RecipeStep[], scope?: ReadonlySet<string>): Promise<PhotoRecipe | null> {
    const photo = this.#photo(photoId);
    const { recipe, revision } = this.#load(photo);
    const next = withAiTone(recipe, steps, scope);
    return next ? this.#save(photo, parseRecipe(next), revision) : null;
  }

  /** A preset's adaptive (AI tone) steps resolved with this photo's own proposals; null when none waited. */
  async resolveAiTone(photoId: number, steps: RecipeStep[]): Promise<PhotoRecipe | null> {
    const photo = this.#photo(photoId);
    const { recipe, revision } = this.#load(photo);
    const next = resolveRecompute(recipe, steps);
    return next ? this.#save(photo, parseRecipe(next), revision) : null;
  }

  /** One AI chip approved or rejected (the recipe panel): one edit, undoable. */
  async decideStep(photoId: number, index: number, decision: 'approve' | 'reject'): Promise<PhotoRecipe> {
    const photo = this.#photo(photoId);
    const { recipe, revision } = this.#load(photo);
    let next: Recipe;
    try {
      next = decideStep(recipe, index, decision);
    } catch (error) {
      if (error instanceof RangeError) throw new ApiError('bad-request', `Photo ${photoId}: ${error.message}. Reload the recipe and try again.`);
      throw error;
    }
    return this.#save(photo, next, revision);
  }

  /** The photographer accepts what the AI proposed (Enter in the review window): one edit, undoable. */
  async approve(photoId: number): Promise<PhotoRecipe> {
    const photo = this.#photo(photoId);
    const { recipe, revision } = this.#load(photo);
    const next = approveAll(recipe);
    return next ? this.#save(photo, next, revision) : this.#view(photoId, recipe, revision);
  }

  /** The photographer turns down the AI proposal (Backspace, or "Reject AI crops" on a selection): one edit, undoable. */
  async reject(photoId: number): Promise<PhotoRecipe> {
    const photo = this.#photo(photoId);
    const { recipe, revision } = this.#load(photo);
    const next = rejectAll(recipe);
    return next ? this.#save(photo, next, revision) : this.#view(photoId, recipe, revision);
  }

  /** Stores an empty recipe as revision 1 when none exists, so a plain render has a revision to name. */
  async ensureSaved(photoId: number): Promise<number> {
    const photo = this.#photo(photoId);
    const { recipe, revision } = this.#load(photo);
    if (revision > 0) return revision;
    return (await this.#save(photo, recipe, 0)).revision;
  }

  async #step(photoId: number, allowed: (r: Recipe) => boolean, move: (r: Recipe) => Recipe): Promise<PhotoRecipe> {
    const photo = this.#photo(photoId);
    const { recipe, revision } = this.#load(photo);
    // Nothing to undo (or redo) is not an error and not a change: no new revision, no render.
    if (!allowed(recipe)) return this.#view(photoId, recipe, revision);
    return this.#save(photo, move(recipe), revision);
  }

  async #save(photo: Photo & { sha256: string }, recipe: Recipe, expectedRevision: number | undefined, within?: (revision: number) => void): Promise<PhotoRecipe> {
    const revision = this.#deps.recipes.save(photo.id, recipe, expectedRevision, within);
    if (revision === null) {
      throw new ApiError('bad-request', `The recipe of photo ${photo.id} changed while this edit was being made. Reload it and try again.`);
    }
    await this.#deps.changed({ photo, revision, recipe });
    return this.#view(photo.id, recipe, revision);
  }

  #photo(photoId: number): Photo & { sha256: string } {
    const photo = this.#deps.photos.get(photoId);
    if (!photo) throw new ApiError('not-found', `There is no photo ${photoId} in this library.`);
    if (!photo.sha256 || !photo.originalPath) {
      throw new ApiError('bad-request', `Photo ${photoId} has no stored original (${photo.error?.message ?? 'it was not ingested'}), so it cannot be edited.`);
    }
    return photo as Photo & { sha256: string };
  }

  #load(photo: Photo & { sha256: string }): { recipe: Recipe; revision: number } {
    const stored = this.#deps.recipes.get(photo.id);
    if (!stored) return { recipe: newRecipe(photo.sha256), revision: 0 };
    try {
      return { recipe: parseRecipe(stored.json), revision: stored.revision };
    } catch (error) {
      recipeApiError(error);
    }
  }

  #view(photoId: number, recipe: Recipe, revision: number): PhotoRecipe {
    return {
      photoId,
      revision,
      recipe,
      canUndo: canUndo(recipe),
      canRedo: canRedo(recipe),
      renderedRevision: this.#deps.renders.latestMainRevision(photoId),
    };
  }
}
