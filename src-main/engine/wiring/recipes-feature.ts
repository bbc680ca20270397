import { z } from 'zod';
import { ApiError, type ExportMetadata, type RenderTarget } from '../../contract/index.ts';
import type { EventBus } from '../base/event-bus.ts';
import { PermanentJobError, type JobEvent, type JobHandler, type JobQueue } from '../jobs/index.ts';
import type { LibraryLayout } from '../library/library-layout.ts';
import type { Library } from '../library/index.ts';
import { needsReview } from '../recipes/ai-review.ts';
import type { PreviewStore } from '../media/preview-store.ts';
import { renderEditPreview } from '../services/preview-render.ts';
import { originalSidecar } from '../services/original-sidecar.ts';
import { DEFAULT_KEEP_REVISIONS } from '../render/prune-renders.ts';
import { exportSettingsFor, readExportDefaults, writeExportDefaults } from '../services/export-settings.ts';
import { writeRecipeCopy } from '../render/recipe-copy.ts';
import { createRenderHandler } from '../render/render-handler.ts';
import type { RenderFile } from '../render/render-to-library.ts';
import { targetKey } from '../render/target-key.ts';
import { applyFolderPreset, queueFolderPresets } from '../services/folder-policy.ts';
import { PolicyPresetsRepo } from '../library/policy-presets-repo.ts';
import { PresetsService } from '../services/presets-service.ts';
import { adaptiveSteps } from '../services/enhance-service.ts';
import { RecipesService } from '../services/recipes-service.ts';
import type { CommandHandlers } from '../services/engine-api.ts';

/** Library setting: how many rendered revisions per photo stay on disk. */
export const KEEP_REVISIONS_SETTING = 'render.keepRevisions';

type RecipeCommand = 'recipe.get' | 'recipe.update' | 'recipe.undo' | 'recipe.redo' | 'recipe.approve' | 'recipe.reject' | 'presets.list' | 'presets.create' | 'presets.rename'
  | 'presets.delete' | 'presets.import' | 'presets.export' | 'presets.apply' | 'render.request' | 'render.preview' | 'recipe.sidecar'
  | 'export.defaults.get' | 'export.defaults.set';

export type RecipesFeatureDeps = {
  library: Library;
  layout: LibraryLayout;
  bus: EventBus;
  /** The queue is built after its handlers, so it is reached through a getter. */
  queue(): JobQueue;
  previews: PreviewStore;
  /** The engine's one way of announcing a photo's new state (its stage derives from recipes too). */
  photoChanged(photoId: number): void;
  /** A change left nothing in the photo's recipe waiting for review (uploads that wait for approval may go). */
  approved?: (photoId: number) => void;
  /** `lightbox process --metadata`: what this run's renders keep, over recipes and folders. */
  exportOverride?: ExportMetadata | null;
  /** The render job's threads (render-threads.ts); by default, renders run in this thread. */
  renderFile?: RenderFile;
};

/**
 * Recipes, presets and rendering, wired in one place so engine.ts only spreads in the handlers and
 * commands and forwards job events: a recipe change writes the portable copy, announces
 * `recipe.changed` and queues a render (deduped per photo).
 */
export function createRecipesFeature(deps: RecipesFeatureDeps) {
  const { library, layout, bus, photoChanged } = deps;

  const queueRender = (photoId: number, revision: number, targets?: RenderTarget[]): boolean => {
    const extra = targets?.length ? `:${targets.map(targetKey).join(',')}` : '';
    return deps.queue().enqueue('render', { photoId, revision, ...(targets?.length ? { targets } : {}) }, { dedupeKey: `render:${photoId}${extra}` }).created;
  };

  const recipes = new RecipesService({
    photos: library.photos,
    recipes: library.recipes,
    renders: library.renders,
    async changed({ photo, revision, recipe }) {
      bus.emit('recipe.changed', { photoId: photo.id, revision, recipe });
      // The final render comes once nothing waits for review: an unreviewed AI crop is shown by the
      // preview path, not written to processed/. Queued in the same tick as the stored edit, before
      // anything is awaited, so a queue that reads idle right after an edit never misses its render.
      if (!needsReview(recipe)) {
        queueRender(photo.id, revision);
        // Approval is the recipe's state, however it came (approve, a step at a time, reject, an edit).
        deps.approved?.(photo.id);
      }
      // SQLite is the source of truth: a copy that cannot be written is logged, not a failed edit.
      await writeRecipeCopy(layout, photo, recipe).catch((error: unknown) => console.error(`[lightbox] recipe copy of photo ${photo.id}:`, error));
      photoChanged(photo.id);
    },
    // A preset's auto-enhance steps are computed for each photo it is applied to (adaptive presets).
    adaptive: (photoId) => adaptiveSteps(library, photoId),
  });

  const presets = new PresetsService({
    presets: library.presets,
    recipes,
    enqueueApply: (presetId, photoId) =>
      deps.queue().enqueue('apply-preset', { presetId, photoId }, { dedupeKey: `apply-preset:${photoId}:${presetId}` }).created,
  });

  const keepRevisions = () => z.number().int().min(1).catch(DEFAULT_KEEP_REVISIONS).parse(library.settings.get(KEEP_REVISIONS_SETTING) ?? DEFAULT_KEEP_REVISIONS);

  const render: JobHandler<'render'> = createRenderHandler({
    library,
    layout,
    recipes,
    keepRevisions,
    exportSettings: (photo) => exportSettingsFor(library, photo, deps.exportOverride ?? null),
    progress: (payload) => bus.emit('render.progress', payload),
    done: (payload) => bus.emit('render.done', payload),
    ...(deps.renderFile ? { renderFile: deps.renderFile } : {}),
  });

  const policyApplied = new PolicyPresetsRepo(library.db);
  const applyPresetJob: JobHandler<'apply-preset'> = async (data) => {
    try {
      if (data.policy) await applyFolderPreset({ library, recipes, presets, applied: policyApplied, log: (m) => console.error(`[lightbox] ${m}`) }, data);
      else await recipes.applyPreset(data.photoId, presets.get(data.presetId));
    } catch (error) {
      // A deleted preset or photo, or a preset that no longer validates: retrying cannot help.
      if (error instanceof ApiError) throw new PermanentJobError(error.message, { code: error.code, cause: error });
      throw error;
    }
  };

  /** Renders the current revision (saving an empty recipe first when there is none). */
  async function requestRender(photoId: number, targets?: RenderTarget[]): Promise<{ revision: number; queued: boolean }> {
    const revision = await recipes.ensureSaved(photoId);
    return { revision, queued: queueRender(photoId, revision, targets) };
  }

  const commands: Pick<CommandHandlers, RecipeCommand> = {
    'recipe.get': ({ photoId }) => recipes.get(photoId),
    'recipe.update': ({ photoId, steps, end }) => recipes.update(photoId, steps, end),
    'recipe.undo': ({ photoId }) => recipes.undo(photoId),
    'recipe.redo': ({ photoId }) => recipes.redo(photoId),
    'recipe.approve': ({ photoId }) => recipes.approve(photoId),
    'recipe.reject': ({ photoId }) => recipes.reject(photoId),
    'presets.list': () => presets.list(),
    'presets.create': ({ photoId, name, steps }) => presets.create(photoId, name, steps),
    'presets.rename': ({ id, name }) => presets.rename(id, name),
    'presets.delete': ({ id }) => (presets.delete(id), { ok: true as const }),
    'presets.import': ({ json }) => presets.import(json),
    'presets.export': ({ id }) => ({ json: presets.export(id) }),
    'presets.apply': ({ presetId, photoIds }) => ({ queued: presets.apply(presetId, photoIds) }),
    'recipe.sidecar': ({ photoId }) => originalSidecar(recipes, photoId),
    'render.preview': (input) => renderEditPreview({ recipes, previews: deps.previews }, input),
    'render.request': ({ photoId, targets }) => requestRender(photoId, targets),
    'export.defaults.get': () => readExportDefaults(library),
    'export.defaults.set': (update) => writeExportDefaults(library, update),
  };

  const waitsForReview = (photoId: number): boolean => {
    try {
      return needsReview(recipes.current(photoId).recipe);
    } catch {
      return false;
    }
  };

  /** Forward the queue's job events here: stage changes, and the dedupe race (see below). */
  function onJob(event: JobEvent): void {
    if ((event.kind !== 'render' && event.kind !== 'apply-preset') || !event.subject || event.state === 'started') return;
    const photoId = Number(event.subject);
    if (event.kind === 'render' && event.state === 'done') {
      // An edit stored while this job was finishing was deduped into it; if it missed that edit, queue it now.
      const current = library.recipes.get(photoId)?.revision ?? 0;
      if (current > 0 && !waitsForReview(photoId) && !library.renders.forPhoto(photoId).some((r) => r.revision === current && r.target === 'main')) queueRender(photoId, current);
    }
    photoChanged(photoId);
  }

  /** Call once the queue exists: re-queues renders an interrupted run stored the edit for but never queued. */
  function resume(): number {
    let queued = 0;
    for (const { photoId, revision } of library.recipes.unrendered()) {
      if (waitsForReview(photoId)) continue;
      if (queueRender(photoId, revision)) queued++;
    }
    return queued;
  }

  /** A photo's original was stored: its hot folder's presets follow (folder-policy.ts). */
  const photoStored = (photoId: number): number => queueFolderPresets({ library, queue: deps.queue(), applied: policyApplied }, photoId);

  return { recipes, presets, handlers: { render, 'apply-preset': applyPresetJob }, commands, requestRender, onJob, resume, photoStored };
}
