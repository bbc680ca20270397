import { ENHANCE_MODEL_ID, type EnhanceResult } from '../../../contract/enhance.ts';
import type { RecipeStep } from '../../../contract/recipe.ts';
import { newStep } from '../../recipes/create.ts';
import { ENHANCE_MODEL_VERSION } from './propose-enhance.ts';

/** The recipe source of auto-enhance steps. */
export const ENHANCE_SOURCE = `ai:${ENHANCE_MODEL_ID}@${ENHANCE_MODEL_VERSION}` as const;

/**
 * Auto-enhance proposals as recipe steps (current op versions, validated by newStep), sourced
 * `ai:auto-enhance@<version>`, each with its confidence and reason. A step waits for review unless its
 * confidence reaches `approveFrom` (a folder's "apply at confidence >= T"; null: always review).
 */
export function enhanceToSteps(result: Pick<EnhanceResult, 'steps'>, approveFrom: number | null, source: RecipeStep['source'] = ENHANCE_SOURCE): RecipeStep[] {
  return result.steps.map((p) => ({
    ...newStep(p.op, p.params, source, { confidence: p.confidence, needsReview: approveFrom === null || p.confidence < approveFrom }),
    reason: p.reason.slice(0, 300),
  }));
}
