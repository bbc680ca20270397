import type { CropProposal } from '../../contract/index.ts';
import { proposalToCropStep } from '../analysis/crops/to-crop-step.ts';
import { readCropSettings } from '../services/crop-settings.ts';
import { autoApproveThreshold } from '../services/folder-policy.ts';
import type { Library } from '../library/index.ts';
import type { RecipesService } from '../services/recipes-service.ts';

/**
 * After analysis: the best crop proposal for the library's chosen aspect becomes an `ai:` crop step
 * waiting for review, or approved at once above the auto-approve confidence (the photo's hot folder
 * may have its own review policy, folder-policy.ts). The other proposals stay in the analysis
 * results for the review window to offer. `review`: the crop always waits (made without a model).
 */
export async function proposeCropIntoRecipe(deps: { library: Library; recipes: RecipesService }, photoId: number, proposals: CropProposal[], options: { review?: boolean } = {}): Promise<void> {
  const { aspect } = readCropSettings(deps.library);
  const best = proposals.find((p) => p.aspect === aspect);
  if (!best) return;
  const threshold = options.review ? null : autoApproveThreshold(deps.library, photoId);
  const step = proposalToCropStep(best);
  await deps.recipes.proposeAiCrop(photoId, threshold !== null && best.confidence >= threshold ? { ...step, needsReview: false } : step);
}
