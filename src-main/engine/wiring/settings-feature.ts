import type { ModelVerification, PhotoUpload, WorkerCounts } from '../../contract/index.ts';
import { isBundled, listBundled, verifyBundled } from '../analysis/models/bundled-models.ts';
import { defaultModelsDir } from '../analysis/model-manifest.ts';
import type { Library } from '../library/index.ts';
import type { UploadsRepo } from '../library/uploads-repo.ts';
import type { CommandHandlers } from '../services/engine-api.ts';
import { PerformanceService } from '../services/performance-service.ts';

export type SettingsCommands = Pick<CommandHandlers, 'performance.get' | 'performance.set' | 'models.bundled' | 'immich.photoUpload'>;

/**
 * What the Settings page and the loupe's info panel need beyond the feature APIs: worker counts
 * (stored in the library, applied to the running queue), the bundled models, one photo's upload record.
 */
export function createSettingsFeature(deps: {
  library: Library;
  uploads: UploadsRepo;
  uploadLimit: () => { limit: number; max: number };
  tuning?: Partial<WorkerCounts> | undefined;
  modelsDir?: string | undefined;
  subjectEnabled?: () => boolean;
}) {
  const modelsDir = deps.modelsDir ?? defaultModelsDir;
  const performance = new PerformanceService({
    settings: deps.library.settings,
    uploads: deps.uploadLimit,
    ...(deps.tuning ? { tuning: deps.tuning } : {}),
    ...(deps.subjectEnabled ? { subjectEnabled: deps.subjectEnabled } : {}),
  });

  const photoUpload = (photoId: number): PhotoUpload | null => {
    const record = deps.uploads.get(photoId);
    if (!record) return null;
    return {
      photoId,
      state: record.state,
      originalAssetId: record.pair.originalAssetId ?? null,
      processedAssetId: record.pair.processedAssetId ?? null,
      stackId: record.pair.stackId ?? null,
      originalOutcome: record.originalOutcome,
      processedOutcome: record.processedOutcome,
      notices: record.notices,
      error: record.error,
      updatedAt: record.updatedAt,
    };
  };

  const commands: SettingsCommands = {
    'performance.get': () => performance.status(),
    'performance.set': (update) => performance.set(update),
    'models.bundled': () => listBundled(modelsDir),
    'immich.photoUpload': ({ photoId }) => photoUpload(photoId),
  };

  /** models.verify: a bundled model is hashed here; a downloadable one by the model manager. */
  const verifyModel = (id: string, downloadable: (id: string) => Promise<ModelVerification>): Promise<ModelVerification> =>
    isBundled(id, modelsDir) ? verifyBundled(id, modelsDir) : downloadable(id);

  return { performance, commands, verifyModel };
}
