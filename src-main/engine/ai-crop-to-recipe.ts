import { CropAspect, type CropProposal } from '../contract/index.ts';
import { proposalToCropStep } from './analysis/crops/to-crop-step.ts';
import { autoApproveThreshold, CROP_AUTO_APPROVE_SETTING } from './folder-policy.ts';
import type { Library } from './library/index.ts';
import type { RecipesService } from './services/recipes-service.ts';

/**
 * Library settings: which aspect's best proposal becomes the recipe's crop, and (unless the photo's
 * hot folder has its own review policy, folder-policy.ts) above which confidence it needs no review.
 */
export const CROP_ASPECT_SETTING = 'crop.aspect';
export { CROP_AUTO_APPROVE_SETTING };

/**
 * After analysis: the best crop proposal for the library's chosen aspect becomes an `ai:` crop step
 * waiting for review (or approved at once from the photo's auto-approve confidence). The other proposals
 * stay in the analysis results for the review window to offer.
 */
export async function proposeCropIntoRecipe(deps: { library: Library; recipes: RecipesService }, photoId: number, proposals: CropProposal[]): Promise<void> {
  const aspect = CropAspect.catch('original').parse(deps.library.settings.get(CROP_ASPECT_SETTING) ?? 'original');
  const best = proposals.find((p) => p.aspect === aspect);
  if (!best) return;
  const threshold = autoApproveThreshold(deps.library, photoId);
  const step = proposalToCropStep(best);
  await deps.recipes.proposeAiCrop(photoId, threshold !== null && best.confidence >= threshold ? { ...step, needsReview: false } : step);
}
