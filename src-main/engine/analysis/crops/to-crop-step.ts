import type { CropProposal } from '../../../contract/analysis.ts';
import type { RecipeStep } from '../../../contract/recipe.ts';
import { newStep } from '../../recipes/create.ts';

/** The model id@version recorded on AI crop steps (the recipe's `ai:` source). */
export const CROP_PROPOSER_ID = 'crop-proposals';
export const CROP_PROPOSER_VERSION = '1';

/**
 * A proposal as a recipe crop step (current crop op version, validated by newStep), sourced
 * `ai:crop-proposals@1`, with the proposal's confidence, and marked for review: the photographer
 * approves it (or a folder's auto-approve threshold does) before it is rendered as final.
 * The box is clamped into the photo first, so float overshoot never makes an invalid step.
 */
export function proposalToCropStep(proposal: CropProposal): RecipeStep {
  const x = Math.min(1, Math.max(0, proposal.box.x));
  const y = Math.min(1, Math.max(0, proposal.box.y));
  const w = Math.min(1 - x, proposal.box.w);
  const h = Math.min(1 - y, proposal.box.h);
  return newStep('crop', { x, y, w, h, angle: proposal.angle }, `ai:${CROP_PROPOSER_ID}@${CROP_PROPOSER_VERSION}`, {
    confidence: proposal.confidence,
    needsReview: true,
  });
}
