import { restLinks, type RecipeStep, type RestSubmitted } from '../../contract/index.ts';
import type { JobEvent, JobQueue } from '../jobs/index.ts';
import { ApiTokensRepo } from '../library/api-tokens-repo.ts';
import type { Library } from '../library/index.ts';
import type { LibraryLayout } from '../library/library-layout.ts';
import { PhotoProgressRepo } from '../library/photo-progress-repo.ts';
import { SubmissionsRepo } from '../library/submissions-repo.ts';
import { sweepInbox, uploadTempPath } from '../ingest/inbox.ts';
import { needsReview } from '../recipes/ai-review.ts';
import { recipeFromInput } from '../recipes/recipe-input.ts';
import type { AnalysisService } from '../services/analysis-service.ts';
import { ApiTokensService } from '../services/api-tokens-service.ts';
import type { CommandHandlers } from '../services/engine-api.ts';
import type { PresetsService } from '../services/presets-service.ts';
import { recipeApiError, type RecipesService } from '../services/recipes-service.ts';
import { RestPhotosService } from '../services/rest-photos-service.ts';
import { SubmissionsService, type Upload } from '../services/submissions-service.ts';

export type RestFeatureDeps = {
  library: Library;
  layout: LibraryLayout;
  queue(): JobQueue;
  recipes: RecipesService;
  presets: PresetsService;
  analysis: AnalysisService;
  /** Renders the photo's current revision (saving an empty recipe first when there is none). */
  requestRender(photoId: number): Promise<unknown>;
  photoChanged(photoId: number): void;
  /** Analysis follows derive (engine tuning); an upload is rendered after it, else after derive. */
  analysing: boolean;
  log(message: string): void;
};

/**
 * The REST API's side of the engine: API tokens (Settings commands), uploads entering the library
 * through the ingest job, and the status views the server answers with. The server reaches it
 * through `Engine.rest` (engine-types.ts), never the library.
 */
export function createRestFeature(deps: RestFeatureDeps) {
  const { library } = deps;
  const submissionsRepo = new SubmissionsRepo(library.db);
  const tokens = new ApiTokensService(new ApiTokensRepo(library.db));
  const progress = new PhotoProgressRepo(library.db);
  const submissions = new SubmissionsService({
    library,
    libraryDir: deps.layout.root,
    submissions: submissionsRepo,
    queue: deps.queue,
    recipes: deps.recipes,
    presets: deps.presets,
    log: deps.log,
  });
  const photos = new RestPhotosService({ library, layout: deps.layout, progress, submissions: submissionsRepo, analysis: deps.analysis, recipes: deps.recipes });

  const commands: Pick<CommandHandlers, 'apiTokens.list' | 'apiTokens.create' | 'apiTokens.revoke'> = {
    'apiTokens.list': () => tokens.list(),
    'apiTokens.create': ({ name, scope }) => tokens.create(name, scope),
    'apiTokens.revoke': ({ id }) => tokens.revoke(id),
  };

  /**
   * An upload is sent to be processed, so once nothing waits for review it is rendered even when
   * its recipe is empty (a watched folder's photo is rendered only when something asks for it).
   */
  function settle(photoId: number): void {
    const failed = (error: unknown) => deps.log(`render of uploaded photo ${photoId}: ${(error as Error).message}`);
    try {
      if (!submissionsRepo.latestFor(photoId)) return;
      const photo = library.photos.get(photoId);
      if (!photo?.originalPath || photo.error) return;
      const { recipe, revision } = deps.recipes.current(photoId);
      if (needsReview(recipe)) return;
      if (revision > 0 && library.renders.forPhoto(photoId).some((r) => r.revision === revision && r.target === 'main')) return;
      deps.requestRender(photoId).catch(failed);
    } catch (error) {
      // A recipe that no longer parses shows as the photo's problem elsewhere; the queue must go on.
      failed(error);
    }
  }

  function onJob(event: JobEvent): void {
    if (!event.subject) return;
    if (event.kind === 'ingest') {
      // pending -> ingesting -> (stored): the photo row itself does not change, so say so here.
      const submission = submissionsRepo.byInboxPath(event.subject);
      if (submission) deps.photoChanged(submission.photoId);
      return;
    }
    const settledBy = deps.analysing ? 'analyze' : 'derive';
    if (event.kind === settledBy && event.state === 'done') settle(Number(event.subject));
  }

  const photoStored = (photoId: number): void => {
    submissions.photoStored(photoId).catch((error: unknown) => deps.log(`setting up uploaded photo ${photoId}: ${(error as Error).message}`));
  };

  /** Call once the queue exists: inbox files nothing will read, setups and renders a crash interrupted. */
  async function resume(): Promise<void> {
    await sweepInbox(deps.layout.root, submissionsRepo.liveInboxPaths());
    await submissions.resume();
    for (const row of progress.feed({ after: 0, since: null, stages: ['ingested'], limit: Number.MAX_SAFE_INTEGER })) settle(row.id);
  }

  /** PUT recipe: the same reading of an outside recipe as an upload's `recipe` field, then one undoable edit. */
  async function updateRecipe(photoId: number, text: string): Promise<void> {
    photos.requireActionable(photoId, 'edited');
    const { photo } = deps.recipes.current(photoId);
    let steps: RecipeStep[];
    let end: number;
    try {
      ({ steps, end } = recipeFromInput(text, photo.sha256).recipe);
    } catch (error) {
      recipeApiError(error);
    }
    await deps.recipes.update(photoId, steps, end);
  }

  async function submit(upload: Upload): Promise<RestSubmitted> {
    const { photoId, duplicate } = await submissions.submit(upload);
    return { id: photoId, status: photos.status(photoId), duplicate, links: restLinks(photoId) };
  }

  const port = {
    authenticate: (secret: string) => tokens.authenticate(secret),
    uploadTempPath: () => uploadTempPath(deps.layout.root),
    submit,
    photo: (id: number) => photos.photo(id),
    event: (id: number) => photos.event(id),
    list: photos.list.bind(photos),
    processedFile: (id: number) => photos.processedFile(id),
    requireActionable: (id: number, action: string) => photos.requireActionable(id, action),
    updateRecipe,
  };

  return { commands, port, onJob, photoStored, resume };
}

export type RestPort = ReturnType<typeof createRestFeature>['port'];
