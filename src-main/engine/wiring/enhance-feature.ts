import type { JobQueue } from '../jobs/index.ts';
import type { Library } from '../library/index.ts';
import type { CommandHandlers } from '../services/engine-api.ts';
import { EnhanceService } from '../services/enhance-service.ts';
import { readEnhanceSettings, writeEnhanceSettings } from '../services/enhance-settings.ts';
import type { RecipesService } from '../services/recipes-service.ts';

type EnhanceCommand = 'enhance.settings.get' | 'enhance.settings.set' | 'enhance.auto' | 'enhance.match' | 'recipe.decideStep';

/**
 * Auto-enhance wired once: its commands, and the hook the analyze job calls when a photo's analysis
 * is done. A photo asked for before its enhance analysis exists gets an analyze job of its own
 * (`autoEnhance`), so the request survives a restart like any job.
 */
export function createEnhanceFeature(deps: { library: Library; recipes: RecipesService; queue(): JobQueue }) {
  const service = new EnhanceService({
    library: deps.library,
    recipes: deps.recipes,
    enqueueAnalyze: (photoId) =>
      deps.queue().enqueue('analyze', { photoId, force: false, autoEnhance: true }, { subject: String(photoId), dedupeKey: `analyze:${photoId}:enhance`, priority: -1 }).created,
  });
  const commands: Pick<CommandHandlers, EnhanceCommand> = {
    'enhance.settings.get': () => readEnhanceSettings(deps.library),
    'enhance.settings.set': (update) => writeEnhanceSettings(deps.library, update),
    'enhance.auto': ({ photoIds }) => service.auto(photoIds),
    'enhance.match': ({ photoIds, referencePhotoId }) => service.match(photoIds, referencePhotoId),
    'recipe.decideStep': ({ photoId, index, decision }) => deps.recipes.decideStep(photoId, index, decision),
  };
  return { service, commands, afterAnalysis: (photoId: number, options: { autoEnhance: boolean }) => service.afterAnalysis(photoId, options) };
}
