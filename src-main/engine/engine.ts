import { mkdir, access } from 'node:fs/promises';
import path from 'node:path';
import type { MediaKind } from '../contract/index.ts';
import type { Engine, EngineConfig, ResolvedMedia } from './engine-types.ts';
import { EventBus } from './base/event-bus.ts';
import { libraryLayout } from './library/library-layout.ts';
import { openLibrary, type Library } from './library/index.ts';
import { lockLibrary } from './library/library-lock.ts';
import { JobQueue } from './jobs/index.ts';
import type { StageReport } from './jobs/index.ts';
import { HotFolders } from './ingest/hot-folders.ts';
import { createIngestHandler } from './ingest/ingest-handler.ts';
import { sweepTempFiles } from './ingest/originals-store.ts';
import { createDeriveHandler } from './media/derive-handler.ts';
import { createPreviewStore } from './media/preview-store.ts';
import { PhotosService } from './services/photos-service.ts';
import { FoldersService } from './services/folders-service.ts';
import { QueueService } from './services/queue-service.ts';
import { createEngineApi } from './services/engine-api.ts';
import { listSourceFiles, summarise, type ProcessSummary } from './services/process-once.ts';
import { APP_VERSION } from './base/app-version.ts';
import { createAnalyzeHandler, markPending as markAnalysisPending } from './analysis/analyze-handler.ts';
import { OnnxPool } from './analysis/onnx-pool.ts';
import { PixelMathPool } from './analysis/pixel-math-pool.ts';
import { RenderThreads } from './render/render-threads.ts';
import { AnalysisService } from './services/analysis-service.ts';
import { proposeCropIntoRecipe } from './wiring/ai-crop-to-recipe.ts';
import { readCropSettings, writeCropSettings } from './services/crop-settings.ts';
import { createRecipesFeature } from './wiring/recipes-feature.ts';
import { approvedFromRecipes, processedFromRenders } from './wiring/uploads-from-renders.ts';
import { createEngineUploads, type ImmichConfig, type UploadSummary } from './wiring/uploads-feature.ts';
import { SemanticService } from './analysis/clip/semantic-service.ts';
import { ModelManager } from './analysis/models/model-manager.ts';
import { createSettingsFeature } from './wiring/settings-feature.ts';
import { createModelsFeature } from './wiring/models-feature.ts';
import { defaultModelsDir } from './analysis/model-manifest.ts';
import { cacheCap, createCareFeature, type CareTools } from './wiring/care-feature.ts';
import { createRestFeature } from './wiring/rest-feature.ts';
import { createEnhanceFeature } from './wiring/enhance-feature.ts';
import { resumeOnStart } from './wiring/resume-on-start.ts';

export type { Engine, EngineConfig, ResolvedMedia, RestPort, Upload, Sender, ProcessedFile } from './engine-types.ts';
export type { ProcessSummary } from './services/process-once.ts';

export type EngineTuning = {
  /** Quiet time before a file counts as stable (tests shorten it). */
  quietMs?: number;
  incompleteGraceMs?: number;
  /** First wait before looking for a missing hot-folder root again (tests shorten it). */
  folderRetryMs?: number;
  /** How often watched roots are checked for still being there. */
  folderCheckMs?: number;
  concurrency?: { ingest?: number; derive?: number; analyze?: number; render?: number };
  /**
   * Analysis after derive (default on). `subject` runs ISNet (peaks ~2 GB, 2-5 s per photo on 2 cores),
   * so it is on only when this says so or the library setting 'analysis.subject' is true.
   */
  analysis?: { enabled?: boolean; subject?: boolean };
  /** The model manager's catalogue folder (manifest.json) and install folder (tests use temp dirs). */
  models?: { dir?: string; installRoot?: string };
  /** How often a kind of job paused by a full disk looks at the free space again (default 5 s). */
  diskCheckMs?: number;
};

export type { ImmichConfig, UploadSummary } from './wiring/uploads-feature.ts';
export type { Sealer } from './immich/sealed-secret-store.ts';

/** Wires the whole product minus windows. Both transports and the CLI start here. */
export async function createEngine(config: EngineConfig & { tuning?: EngineTuning; immich?: ImmichConfig }): Promise<
  Engine & {
    processOnce(dirs: string[]): Promise<ProcessSummary & { immich?: UploadSummary }>;
    /** For the render job's success: a photo waiting for its processed file is uploaded. */
    uploadAfterRender(photoId: number): void;
    /** `lightbox verify` and `lightbox backup` (the UI's care commands are in `api`). */
    care: CareTools;
    /** Time and CPU per kind of job so far (bench/pipeline.ts). */
    stages(): StageReport;
  }
> {
  const layout = libraryLayout(config.libraryDir);
  await mkdir(layout.root, { recursive: true });
  await access(layout.root).catch(() => {
    throw new Error(`The library folder ${layout.root} cannot be written.`);
  });
  const lock = await lockLibrary(layout.root);
  let library: Library;
  try {
    library = openLibrary(layout.database);
    await sweepTempFiles(layout.root);
  } catch (error) {
    await lock.release();
    throw error;
  }
  const bus = new EventBus();

  const photoChanged = (photoId: number) => {
    // Reading a photo derives its stage from its jobs and recipe: not worth it when no one listens (CLI runs).
    if (!bus.has('photo.changed')) return;
    const photo = library.photos.get(photoId);
    if (photo) bus.emit('photo.changed', photo);
  };

  let queue: JobQueue;
  // One ONNX worker per model for this engine; closed with it.
  const pool = new OnnxPool();
  // The plain-JS analysis steps, off the event loop.
  const math = new PixelMathPool();
  // Render jobs, off the event loop: a full-size photo in this thread's heap sets off its full collections.
  const renders = new RenderThreads();
  const subjectEnabled = () => config.tuning?.analysis?.subject ?? library.settings.get('analysis.subject') === true;
  const enqueueAnalyze = (photoId: number, force: boolean) => {
    const { created } = queue.enqueue('analyze', { photoId, force }, { subject: String(photoId), dedupeKey: `analyze:${photoId}`, priority: -1, again: true });
    if (created) markAnalysisPending({ library, subjectEnabled }, photoId);
    return created;
  };
  const analysing = config.tuning?.analysis?.enabled !== false;
  const models = createModelsFeature({
    library,
    bus,
    modelsDir: config.tuning?.models?.dir ?? defaultModelsDir,
    fetch: config.fetchModels ?? 'on-request',
    reanalyse: analysing ? (photoId) => void enqueueAnalyze(photoId, false) : null,
    log: (line) => console.error(`[lightbox] ${line}`),
  });
  const previews = createPreviewStore({ library, layout, capBytes: () => cacheCap(library), diskFull: (error) => care.previewDiskFull(error) });
  const care = createCareFeature({ library, layout, bus, previews, renderFile: renders.render, queueStats: () => queue.stats() });
  const recipesFeature = createRecipesFeature({
    library, layout, bus, queue: () => queue, previews, photoChanged, approved: (photoId) => uploads.service.uploadAfterApproval(photoId), exportOverride: config.exportMetadata ?? null,
    renderFile: renders.render,
  });
  const enhance = createEnhanceFeature({ library, recipes: recipesFeature.recipes, queue: () => queue });
  // Processed files come from the renders of the current recipe; approval from its review state.
  const requestRender = (photoId: number) => {
    recipesFeature.requestRender(photoId).catch((error: unknown) => console.error(`[lightbox] render for upload of photo ${photoId}:`, error));
  };
  const immichConfig = { processedSource: processedFromRenders(library, layout, requestRender), approval: approvedFromRecipes(library), ...config.immich };
  const uploads = createEngineUploads({ library, layout, bus, queue: () => queue, config: immichConfig, appVersion: APP_VERSION, photoChanged });
  // Worker counts: the library's stored choice over tuning over the built-in ones (services/performance-service.ts).
  const settingsFeature = createSettingsFeature({
    library,
    uploads: uploads.uploads,
    uploadLimit: () => ({ limit: uploads.service.concurrency.limit, max: uploads.service.concurrency.max }),
    tuning: config.tuning?.concurrency,
    modelsDir: config.tuning?.models?.dir,
    subjectEnabled,
  });
  // Models no npm package carries (CLIP): downloaded on request, used once installed.
  const semantic = new SemanticService({
    library,
    pool,
    manager: new ModelManager({ modelsDir: config.tuning?.models?.dir, installRoot: config.tuning?.models?.installRoot }),
    progress: (event) => bus.emit('models.progress', event),
    installed: (id) => {
      bus.emit('models.installed', { id });
      if (config.tuning?.analysis?.enabled === false) return;
      // CLIP's rows and an aesthetic head's rows are both keyed by the installed model's id.
      for (const photoId of library.analysis.photosWithout(id)) enqueueAnalyze(photoId, false);
    },
    log: (message) => console.error(`[lightbox] ${message}`),
  });
  const handlers = {
    ingest: createIngestHandler({
      library,
      libraryDir: layout.root,
      folder: (id) => (id === null ? null : library.folders.get(id)),
      photoStored: (photoId) => {
        queue.enqueue('derive', { photoId }, { subject: String(photoId), dedupeKey: `derive:${photoId}`, priority: 1 });
        recipesFeature.photoStored(photoId);
        rest.photoStored(photoId);
      },
      photoChanged,
    }),
    derive: createDeriveHandler({ library, layout, previewWritten: (file, bytes) => previews.cache.written(file, bytes) }),
    analyze: createAnalyzeHandler({
      library,
      layout,
      pool,
      math,
      subjectEnabled,
      extras: [semantic.analyzeExtra],
      changed: (photoId, status) => {
        bus.emit('analysis.changed', { photoId, status });
        photoChanged(photoId);
      },
      // The best proposal becomes the recipe's crop, waiting for review (ai-crop-to-recipe.ts); one
      // made without a model (faces not looked for) always waits for the photographer's eye. Then
      // auto-enhance's steps.
      completed: async (photoId, outcome) => {
        await proposeCropIntoRecipe({ library, recipes: recipesFeature.recipes }, photoId, analysis.proposals(photoId), { review: outcome.incomplete });
        await enhance.afterAnalysis(photoId, outcome);
      },
      modelArriving: models.arriving,
      modelGap: models.suspect,
    }),
    ...recipesFeature.handlers,
    upload: uploads.handler,
  };
  queue = new JobQueue({
    repo: library.jobs,
    handlers,
    // Upload slots are the adaptive limit's ceiling; the limit itself (4, up to 8) lives in the handler.
    concurrency: { ...settingsFeature.performance.workers(), upload: 8 },
    ...(config.tuning?.diskCheckMs === undefined ? {} : { diskCheckMs: config.tuning.diskCheckMs }),
  });
  settingsFeature.performance.attach(queue);
  queue.on('stats', (stats) => {
    bus.emit('queue.stats', stats);
    care.onStats(stats);
  });
  queue.on('job', (event) => {
    // A render follows an analysis: its thread loads while the photo is analysed.
    if (event.kind === 'analyze' && event.state === 'started') renders.warm();
    if (event.state !== 'started') bus.emit('job.progress', { kind: event.kind, subject: event.subject, state: event.state });
    // The photo's stage is derived from its jobs: tell the UI once the job's state is stored.
    if (event.kind === 'derive' && event.subject && event.state !== 'started') photoChanged(Number(event.subject));
    // Analysis follows a successful derive (a photo whose pixels could not be read has an error instead).
    if (event.kind === 'derive' && event.subject && event.state === 'done' && analysing && !library.photos.get(Number(event.subject))?.error) enqueueAnalyze(Number(event.subject), false);
    if (event.kind === 'analyze' && event.subject && event.state !== 'started') photoChanged(Number(event.subject));

    recipesFeature.onJob(event);
    // Uploads follow analysis when it runs (its AI crop decides what the processed file shows), else derive.
    const readyForUpload = analysing ? event.kind === 'analyze' && (event.state === 'done' || event.state === 'dead') : event.kind === 'derive' && event.state === 'done';
    if (readyForUpload && event.subject) uploads.service.afterDerive(Number(event.subject));
    if (event.kind === 'upload' && event.subject) uploads.service.jobEvent(Number(event.subject), event.state);
    if (event.kind === 'upload' && event.subject && (event.state === 'dead' || event.state === 'done')) photoChanged(Number(event.subject));
    if (event.kind === 'render' && event.subject && event.state === 'done') uploads.service.uploadAfterRender(Number(event.subject));
    rest.onJob(event);
  });

  const hotFolders = new HotFolders({
    libraryDir: layout.root,
    quietMs: config.tuning?.quietMs,
    incompleteGraceMs: config.tuning?.incompleteGraceMs,
    alreadyHandled: (file, size, mtimeMs) => library.files.findByPathAndStat(file, size, mtimeMs) !== null,
    onReady: (file) =>
      queue.enqueue('ingest', { path: file.path, folderId: file.folder.id, size: file.size, mtimeMs: file.mtimeMs }, {
        subject: file.path,
        dedupeKey: `ingest:${file.path}:${file.size}:${file.mtimeMs}`,
      }),
    onError: (folder, error) => console.error(`[lightbox] hot folder ${folder.path}: ${error.message}`),
    onStatus: (status) => bus.emit('folder.status', status),
    retryMs: config.tuning?.folderRetryMs,
    rootCheckMs: config.tuning?.folderCheckMs,
  });

  const watching = config.watchFolders !== false;
  let started = false;
  let closed = false;
  const folders = new FoldersService(library.folders, layout.root, async (list) => {
    bus.emit('folder.changed', { folders: list });
    if (watching && started) await hotFolders.sync(list);
  }, (presetId) => library.presets.get(presetId) !== null);
  const photos = new PhotosService(library.photos, library.files, photoChanged, (text) => semantic.similarPhotos(text));
  const queueService = new QueueService(library.jobs, queue);
  const analysis = new AnalysisService(library.photos, library.analysis, (photoId) => enqueueAnalyze(photoId, true));
  // The REST API (server/rest): tokens, uploads through the ingest job, status views.
  const rest = createRestFeature({
    library,
    layout,
    queue: () => queue,
    recipes: recipesFeature.recipes,
    presets: recipesFeature.presets,
    analysis,
    requestRender: (photoId) => recipesFeature.requestRender(photoId),
    photoChanged,
    analysing: config.tuning?.analysis?.enabled !== false,
    log: (message) => console.error(`[lightbox] ${message}`),
  });
  for (const dir of config.watch ?? []) await folders.add({ path: dir });

  // A batch action's photos go ahead of the backlog in every stage (jobs/focus.ts), from its first job on.
  const selected = <I extends { photoIds: number[] }, O>(run: (input: I) => O) => (input: I): O => {
    queueService.select(input.photoIds);
    return run(input);
  };
  const api = createEngineApi(
    {
      'app.info': () => ({ name: 'Lightbox', version: APP_VERSION, libraryDir: layout.root, mode: config.mode ?? 'headless' }),
      'photos.list': (input) => photos.list(input),
      'photos.get': ({ id }) => photos.get(id),
      'photos.duplicates': ({ id }) => photos.duplicates(id),
      'folders.list': () => folders.list(),
      'folders.add': (input) => folders.add(input),
      'folders.update': (input) => folders.update(input),
      'folders.remove': async ({ id }) => (await folders.remove(id), { ok: true as const }),
      'folders.status': () => hotFolders.statuses(),
      'queue.stats': () => queueService.stats(),
      'queue.deadLetters': () => queueService.deadLetters(),
      'queue.retry': ({ id }) => (queueService.retry(id), { ok: true as const }),
      'queue.discard': ({ id }) => (queueService.discard(id), { ok: true as const }),
      'queue.focus': ({ photoId }) => (queueService.focus(photoId), { ok: true as const }),
      'analysis.get': async ({ photoId }) => ({ ...analysis.get(photoId), semantic: await semantic.status(photoId) }),
      'analysis.rerun': selected(({ photoIds }) => analysis.rerun(photoIds)),
      'crop.settings.get': () => readCropSettings(library),
      'crop.settings.set': (update) => writeCropSettings(library, update),
      ...recipesFeature.commands,
      'photos.counts': (input) => photos.counts(input),
      'photos.ids': (input) => photos.ids(input),
      'photos.rate': (input) => photos.rate(input),
      'photos.flag': (input) => photos.flag(input),
      ...uploads.commands,
      'models.list': () => semantic.listModels(),
      'models.download': ({ id }) => semantic.download(id),
      'models.verify': ({ id }) => settingsFeature.verifyModel(id, (model) => semantic.verify(model)),
      'photos.search': ({ text, limit }) => semantic.search(text, limit),
      'analysis.remoteVision.get': () => semantic.remoteVision(),
      'analysis.remoteVision.set': (update) => semantic.setRemoteVision(update),
      ...settingsFeature.commands,
      ...models.commands,
      'queue.failures': ({ limit }) => queueService.failures(limit),
      'queue.retryGroup': (key) => queueService.retryGroup(key),
      'queue.discardGroup': (key) => queueService.discardGroup(key),
      ...care.commands,
      ...rest.commands,
      'presets.apply': selected(recipesFeature.commands['presets.apply']),
      'immich.upload': selected(uploads.commands['immich.upload']),
      ...enhance.commands,
      'enhance.auto': selected(enhance.commands['enhance.auto']),
      'enhance.match': selected(enhance.commands['enhance.match']),
    },
    bus,
  );


  /**
   * Where a photo's media file is. Both transports answer 404 for a path with no file, so nothing
   * is checked twice here: a thumbnail (one request per grid tile) costs no database read at all.
   */
  async function resolveMedia(kind: MediaKind, photoId: number): Promise<ResolvedMedia | null> {
    if (kind === 'thumb') return { path: layout.thumbPath(photoId), contentType: 'image/jpeg' };
    if (kind === 'preview') {
      const file = await previews.ensure(photoId);
      return file ? { path: file, contentType: 'image/jpeg' } : null;
    }
    const photo = library.photos.get(photoId);
    if (!photo?.originalPath) return null;
    return { path: layout.absolute(photo.originalPath), contentType: contentTypeOf(photo.originalPath) };
  }

  async function start(): Promise<void> {
    if (started) return;
    started = true;
    // Jobs a crash left running, and every wait whose event a crash may have swallowed.
    resumeOnStart({ library, enqueueAnalyze: analysing ? (photoId) => void enqueueAnalyze(photoId, false) : null, renders: recipesFeature, uploads: uploads.service });
    // Before the queue: a first start's analysis jobs must find the fetch under way and wait for it.
    await models.start();
    await rest.resume();
    queue.start();
    if (watching) await hotFolders.sync(library.folders.list());
    // The scheduled library check belongs to the long-running app, not to one-shot commands.
    if (watching) care.start();
  }

  return {
    api,
    resolveMedia,
    rest: rest.port,
    start,
    whenIdle: () => queue.onIdle(),
    uploadAfterRender: (photoId) => uploads.service.uploadAfterRender(photoId),
    care: care.tools,
    stages: () => queue.meter.report(),
    async processOnce(dirs) {
      const sources = await listSourceFiles(dirs, layout.root);
      const handledBefore = new Set(sources.filter((s) => library.files.findByPathAndStat(s.path, s.size, s.mtimeMs)).map((s) => s.path));
      const pending = sources.filter((s) => !handledBefore.has(s.path));
      // A card of thousands of files: one transaction per batch (not per file), the loop free in between.
      for (let i = 0; i < pending.length; i += ENQUEUE_BATCH) {
        library.db.transaction(() => {
          for (const source of pending.slice(i, i + ENQUEUE_BATCH)) {
            queue.enqueue('ingest', { path: source.path, folderId: null, size: source.size, mtimeMs: source.mtimeMs }, {
              subject: source.path,
              dedupeKey: `ingest:${source.path}:${source.size}:${source.mtimeMs}`,
            });
          }
        })();
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (!started) await start();
      // A refused key pauses uploads until someone enters a new one: a one-shot run stops there.
      await Promise.race([queue.onIdle(), uploads.service.whenPaused()]);
      const summary = summarise(library, sources, handledBefore);
      if (!uploads.service.serverUrl()) return summary;
      const photoIds = sources.map((s) => library.files.findByPathAndStat(s.path, s.size, s.mtimeMs)?.photoId).filter((id): id is number => typeof id === 'number');
      return { ...summary, immich: uploads.summary(photoIds) };
    },
    async close() {
      if (closed) return;
      closed = true;
      await hotFolders.close();
      // Stops a model fetch under way (and with it the analysis jobs waiting for it).
      await models.close();
      await care.close();
      // Releases upload jobs waiting for a key or for the server, so the queue can stop.
      uploads.service.close();
      settingsFeature.performance.close();
      await queue.stop();
      await pool.close();
      await math.close();
      await renders.close();
      await previews.cache.close();
      library.close();
      await lock.release();
    },
  };
}

/** Ingest jobs per transaction when a one-shot run queues a whole folder. */
const ENQUEUE_BATCH = 200;

const CONTENT_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif', '.webp': 'image/webp',
  '.avif': 'image/avif', '.heic': 'image/heic', '.heif': 'image/heif', '.tif': 'image/tiff', '.tiff': 'image/tiff',
  '.jxl': 'image/jxl',
};

function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
