import { ApiError, type EventPayload, type Photo, type Recipe, type RenderOutput } from '../../contract/index.ts';
import { PermanentJobError, type JobData } from '../jobs/index.ts';
import type { Library } from '../library/index.ts';
import type { LibraryLayout } from '../library/library-layout.ts';
import { RenderError } from './pipeline/index.ts';
import { pruneRenders } from './prune-renders.ts';
import { renderToLibrary, type ExportSettings, type RenderFile } from './render-to-library.ts';

/** The photo's current recipe, as the recipes service keeps it (render/ is below services/: a port, not an import). */
export type CurrentRecipes = {
  current(photoId: number): { photo: Photo & { sha256: string }; recipe: Recipe; revision: number };
};

export type RenderHandlerDeps = {
  library: Library;
  layout: LibraryLayout;
  recipes: CurrentRecipes;
  keepRevisions(): number;
  /** What the photo's renders keep of its metadata (folder choice, command line, library defaults). */
  exportSettings(photo: Photo): ExportSettings;
  progress(payload: EventPayload<'render.progress'>): void;
  done(payload: EventPayload<'render.done'>): void;
  /** Where the pixels are worked: the engine passes its render threads (render-threads.ts); by default, in this thread. */
  renderFile?: RenderFile;
};

/** Renders of one job: if the recipe keeps changing under us, give the next job the rest. */
const MAX_ROUNDS = 3;

/**
 * The `render` job: the photo's CURRENT revision (the job's revision is only the one that asked,
 * since jobs are deduped per photo), its main output plus any export targets, each written
 * atomically and recorded; then old revisions are pruned. If the recipe changed while rendering,
 * it renders again, so the newest edit is never left unrendered by the dedupe.
 */
export function createRenderHandler(deps: RenderHandlerDeps) {
  const renderFile = deps.renderFile ?? renderToLibrary;
  return async (job: JobData<'render'>): Promise<void> => {
    let state = load(deps, job.photoId);
    if (!state || state.revision === 0) return;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const { photo, recipe, revision } = state;
      const targets = [undefined, ...(job.targets ?? [])];
      const outputs: RenderOutput[] = [];
      for (const [index, target] of targets.entries()) {
        let file;
        try {
          file = await renderFile(deps.layout, photo as typeof photo & { originalPath: string }, recipe, revision, target, deps.exportSettings(photo));
        } catch (error) {
          // A photo the renderer refuses stays refused; disk errors (not RenderError) are retried.
          if (error instanceof RenderError) throw new PermanentJobError(error.message, { code: error.code, cause: error });
          throw error;
        }
        const { record, ...output } = file;
        deps.library.renders.record(record);
        outputs.push(output);
        deps.progress({ photoId: photo.id, revision, target: output.target, done: index + 1, total: targets.length });
      }
      deps.done({ photoId: photo.id, revision, outputs });
      const next = load(deps, job.photoId);
      if (!next || next.revision === revision) break;
      state = next;
    }
    await pruneRenders(deps.library, deps.layout, job.photoId, deps.keepRevisions());
  };
}

function load(deps: RenderHandlerDeps, photoId: number) {
  try {
    return deps.recipes.current(photoId);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    // The photo was removed or never stored: nothing to render, and nothing a retry would change.
    if (error.code === 'not-found' || error.code === 'bad-request') return null;
    throw new PermanentJobError(error.message, { code: error.code, cause: error });
  }
}
