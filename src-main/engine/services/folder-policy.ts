import { readCropSettings } from './crop-settings.ts';
import type { JobData, JobQueue } from '../jobs/index.ts';
import type { Library } from '../library/index.ts';
import type { PolicyPresetsRepo } from '../library/policy-presets-repo.ts';
import type { PresetsService } from './presets-service.ts';
import type { RecipesService } from './recipes-service.ts';

export { CROP_AUTO_APPROVE_SETTING } from './crop-settings.ts';

/**
 * The confidence from which an AI crop proposal for this photo is approved at once, or null when it
 * always waits for review. Read when the proposal is made, so a policy changed meanwhile applies to
 * the photos analysed after the change. A photo from no folder (`lightbox process`), or from a
 * folder that follows the library, gets the library setting.
 */
export function autoApproveThreshold(library: Library, photoId: number): number | null {
  const folderId = library.photos.get(photoId)?.folderId ?? null;
  const folder = folderId === null ? null : library.folders.get(folderId);
  switch (folder?.cropReview ?? 'library') {
    case 'always':
      return null;
    case 'never':
      // Every confidence is >= 0: approved at once.
      return 0;
    case 'threshold':
      return folder!.cropThreshold;
    case 'library':
      return readCropSettings(library).autoApprove;
  }
}

/**
 * Queues the photo's folder presets, in the folder's order (apply-preset runs one job at a time, in
 * queue order). Called when a photo's original is first stored; presets it already got are not queued.
 */
export function queueFolderPresets(deps: { library: Library; queue: JobQueue; applied: PolicyPresetsRepo }, photoId: number): number {
  const folderId = deps.library.photos.get(photoId)?.folderId ?? null;
  const folder = folderId === null ? null : deps.library.folders.get(folderId);
  let queued = 0;
  for (const presetId of folder?.presets ?? []) {
    if (deps.applied.applied(photoId, presetId)) continue;
    const job = deps.queue.enqueue('apply-preset', { presetId, photoId, policy: true }, { dedupeKey: `apply-preset:${photoId}:${presetId}:policy` });
    if (job.created) queued++;
  }
  return queued;
}

export type FolderPresetDeps = {
  library: Library;
  recipes: RecipesService;
  presets: PresetsService;
  applied: PolicyPresetsRepo;
  log(message: string): void;
};

/**
 * One folder-policy preset into one photo, at most once (the record is stored with the revision).
 * A preset deleted since the folder was set up is skipped with the reason in the log: the photo is
 * imported all the same, and the job is not a failure to retry.
 */
export async function applyFolderPreset(deps: FolderPresetDeps, data: JobData<'apply-preset'>): Promise<void> {
  if (!deps.library.presets.get(data.presetId)) {
    deps.log(`folder preset "${data.presetId}" skipped for photo ${data.photoId}: the preset was deleted. Choose another one in the folder's settings.`);
    return;
  }
  await deps.recipes.applyPreset(data.photoId, deps.presets.get(data.presetId), {
    applied: () => deps.applied.applied(data.photoId, data.presetId),
    record: (revision) => deps.applied.record(data.photoId, data.presetId, revision),
  });
}
