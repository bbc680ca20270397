import { randomBytes } from 'node:crypto';
import { ApiError, type Preset, type RecipeStep } from '../../contract/index.ts';
import type { PresetsRepo } from '../library/index.ts';
import { parsePreset } from '../recipes/validate.ts';
import { recipeApiError, type RecipesService } from './recipes-service.ts';

export type PresetsServiceDeps = {
  presets: PresetsRepo;
  recipes: RecipesService;
  /** Queues one apply-preset job for a photo; true when a new job was added. */
  enqueueApply(presetId: string, photoId: number): boolean;
};

/**
 * Presets are recipes without an original (DESIGN §3). Steps are stored as the photographer chose
 * them, with their sources; what applying does to each kind of step is in recipes/apply-preset.ts.
 */
export class PresetsService {
  #deps: PresetsServiceDeps;

  constructor(deps: PresetsServiceDeps) {
    this.#deps = deps;
  }

  list(): Preset[] {
    return this.#deps.presets.list().map((p) => this.#parse(p));
  }

  /** A preset, its steps migrated to the current op versions. */
  get(id: string): Preset {
    const preset = this.#deps.presets.get(id);
    if (!preset) throw new ApiError('not-found', `There is no preset "${id}" in this library.`);
    return this.#parse(preset);
  }

  /** By id, else by name (case-insensitive): what the CLI's `presets apply NAME` accepts. */
  find(idOrName: string): Preset | null {
    const preset = this.#deps.presets.get(idOrName) ?? this.#deps.presets.findByName(idOrName);
    return preset ? this.#parse(preset) : null;
  }

  create(photoId: number, name: string, indexes?: number[]): Preset {
    const { recipe } = this.#deps.recipes.current(photoId);
    const active = recipe.steps.slice(0, recipe.end);
    if (active.length === 0) throw new ApiError('bad-request', `Photo ${photoId} has no edits to make a preset from. Edit it first.`);
    const bad = (indexes ?? []).filter((i) => i >= active.length);
    if (bad.length > 0) {
      throw new ApiError('bad-request', `Step ${bad.join(', ')} is not one of the photo's ${active.length} active steps (0..${active.length - 1}).`);
    }
    const chosen: RecipeStep[] = indexes ? [...new Set(indexes)].sort((a, b) => a - b).map((i) => active[i]!) : active;
    if (chosen.length === 0) throw new ApiError('bad-request', 'Choose at least one step for the preset.');
    return this.#deps.presets.insert({ id: this.#newId(name), name, steps: chosen, createdAt: new Date().toISOString() });
  }

  rename(id: string, name: string): Preset {
    const renamed = this.#deps.presets.rename(id, name);
    if (!renamed) throw new ApiError('not-found', `There is no preset "${id}" in this library.`);
    return renamed;
  }

  delete(id: string): void {
    if (!this.#deps.presets.delete(id)) throw new ApiError('not-found', `There is no preset "${id}" in this library.`);
  }

  /** A preset file as exported by `export` (or by hand): validated and migrated; a taken id gets a new one. */
  import(json: string): Preset {
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch (error) {
      throw new ApiError('invalid-recipe', `This preset file is not valid JSON (${(error as Error).message}). Export the preset again.`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new ApiError('invalid-recipe', 'A preset file holds one JSON object with "name" and "steps".');
    }
    const now = new Date().toISOString();
    const draft = raw as Record<string, unknown>;
    const name = typeof draft.name === 'string' ? draft.name : 'Imported preset';
    let preset: Preset;
    try {
      preset = parsePreset({ ...draft, id: typeof draft.id === 'string' ? draft.id : this.#newId(name), name, createdAt: typeof draft.createdAt === 'string' ? draft.createdAt : now });
    } catch (error) {
      recipeApiError(error);
    }
    const id = this.#deps.presets.get(preset.id) ? this.#newId(preset.name) : preset.id;
    return this.#deps.presets.insert({ id, name: preset.name, steps: preset.steps, createdAt: preset.createdAt });
  }

  export(id: string): string {
    return `${JSON.stringify(this.get(id), null, 2)}\n`;
  }

  /** One job per photo (DESIGN §4: batch work is per-photo jobs, each retried on its own). */
  apply(presetId: string, photoIds: number[]): number {
    this.get(presetId);
    for (const id of photoIds) this.#deps.recipes.current(id);
    let queued = 0;
    for (const id of new Set(photoIds)) if (this.#deps.enqueueApply(presetId, id)) queued++;
    return queued;
  }

  #parse(preset: Preset): Preset {
    try {
      return parsePreset(preset);
    } catch (error) {
      recipeApiError(error);
    }
  }

  /** Readable and stable in `preset:<id>` sources: a slug of the name plus a random suffix. */
  #newId(name: string): string {
    const slug = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'preset';
    return `${slug}-${randomBytes(3).toString('hex')}`;
  }
}
