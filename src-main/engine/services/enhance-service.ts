import { ApiError, ENHANCE_MODEL_ID, EnhanceResult, type EnhanceSettings, type RecipeStep } from '../../contract/index.ts';
import { ENHANCE_MODEL_VERSION } from '../analysis/enhance/propose-enhance.ts';
import { MATCH_MODEL_ID, MATCH_MODEL_VERSION, matchSeries, type SeriesPhoto } from '../analysis/enhance/match-series.ts';
import { enhanceToSteps } from '../analysis/enhance/to-enhance-steps.ts';
import type { Library } from '../library/index.ts';
import { newStep } from '../recipes/create.ts';
import type { WhiteBalanceParams } from '../recipes/ops/white-balance.ts';
import { enhancePolicy } from './enhance-settings.ts';
import type { RecipesService } from './recipes-service.ts';

export type EnhanceServiceDeps = {
  library: Library;
  recipes: RecipesService;
  /** Queues an analyze job that proposes auto-enhance when done, whatever the policy; true when queued. */
  enqueueAnalyze(photoId: number): boolean;
};

type Skip = { photoId: number; reason: string };
const MATCH_SCOPE: ReadonlySet<string> = new Set(['exposure', 'white-balance']);
/** Photos of one series matched to each other: the measures agree on what changed, more than a single-photo guess. */
const MATCH_CONFIDENCE = 0.8;

/** From which confidence a step is approved at once under `policy`; null: every step waits for review. */
const approveFrom = (policy: EnhanceSettings): number | null => (policy.mode === 'apply' ? policy.threshold : null);

/** The stored enhance analysis of the photo, if it is from the current model version. */
export function enhanceResultOf(library: Library, photoId: number): EnhanceResult | null {
  const sha256 = library.photos.get(photoId)?.sha256;
  const row = sha256 ? library.analysis.get(sha256, ENHANCE_MODEL_ID) : null;
  if (row?.status !== 'completed' || row.version !== ENHANCE_MODEL_VERSION) return null;
  const parsed = EnhanceResult.safeParse(row.result);
  return parsed.success ? parsed.data : null;
}

/** The photo's proposals as steps, reviewed as its policy says; null before its analysis (presets' adaptive steps). */
export function adaptiveSteps(library: Library, photoId: number): RecipeStep[] | null {
  const result = enhanceResultOf(library, photoId);
  return result ? enhanceToSteps(result, approveFrom(enhancePolicy(library, photoId))) : null;
}

/**
 * Auto-enhance as the photographer meets it: proposals put into recipes after analysis (by the
 * folder's or library's policy), on request for a selection, resolved into presets' adaptive steps,
 * and series matching. Reads stored analysis only; pixels are the analyze job's business.
 */
export class EnhanceService {
  #deps: EnhanceServiceDeps;

  constructor(deps: EnhanceServiceDeps) {
    this.#deps = deps;
  }

  /**
   * After the photo's analysis: adaptive steps a preset left waiting are filled in (the photographer
   * chose that preset), then the proposals go in unless the policy is off and nobody asked.
   */
  async afterAnalysis(photoId: number, options: { autoEnhance: boolean }): Promise<void> {
    const steps = adaptiveSteps(this.#deps.library, photoId);
    if (!steps) return;
    await this.#deps.recipes.resolveAiTone(photoId, steps);
    if (enhancePolicy(this.#deps.library, photoId).mode === 'off' && !options.autoEnhance) return;
    await this.#deps.recipes.proposeAiTone(photoId, steps);
  }

  /** "Auto-enhance" on a selection: each photo's proposals into its recipe (analysed first where needed). */
  async auto(photoIds: number[]): Promise<{ proposed: number; unchanged: number; queued: number; skipped: Skip[] }> {
    const out = { proposed: 0, unchanged: 0, queued: 0, skipped: [] as Skip[] };
    for (const photoId of new Set(photoIds)) {
      const skip = this.#unusable(photoId);
      if (skip) {
        out.skipped.push(skip);
        continue;
      }
      const steps = adaptiveSteps(this.#deps.library, photoId);
      if (!steps) {
        if (this.#deps.enqueueAnalyze(photoId)) out.queued++;
        else out.skipped.push({ photoId, reason: 'its analysis is already under way; its proposals follow when it is done' });
        continue;
      }
      if (await this.#deps.recipes.proposeAiTone(photoId, steps)) out.proposed++;
      else out.unchanged++;
    }
    return out;
  }

  /** "Match exposure and white balance": every photo to the hero, or to the series' median. */
  async match(photoIds: number[], heroId?: number): Promise<{ proposed: number; unchanged: number; skipped: Skip[] }> {
    const ids = [...new Set(heroId === undefined ? photoIds : [heroId, ...photoIds])];
    const skipped: Skip[] = [];
    const series: SeriesPhoto[] = [];
    for (const id of ids) {
      const skip = this.#unusable(id);
      const result = skip ? null : enhanceResultOf(this.#deps.library, id);
      if (skip || !result) {
        if (id === heroId) throw new ApiError('bad-request', `The reference photo ${id} ${skip?.reason ?? 'has not been analysed yet'}. Pick another one, or wait for its analysis.`);
        skipped.push(skip ?? { photoId: id, reason: 'it has not been analysed yet: run Auto-enhance or Re-analyse on it first' });
        continue;
      }
      series.push({ id, measures: result.measures, ...this.#currentTone(id) });
    }
    if (series.length < 2) throw new ApiError('bad-request', 'Matching needs at least two analysed photos. Select more photos of the series.');
    const source = `ai:${MATCH_MODEL_ID}@${MATCH_MODEL_VERSION}` as const;
    let proposed = 0;
    for (const m of matchSeries(series, heroId)) {
      const from = approveFrom(enhancePolicy(this.#deps.library, m.id));
      const extra = { confidence: MATCH_CONFIDENCE, needsReview: from === null || MATCH_CONFIDENCE < from };
      const steps = [newStep('white-balance', m.whiteBalance, source, extra), newStep('exposure', { ev: m.ev }, source, extra)]
        .filter((s) => !(s.op === 'white-balance' && m.whiteBalance.temperature === 0 && m.whiteBalance.tint === 0) && !(s.op === 'exposure' && m.ev === 0))
        .map((s) => ({ ...s, reason: m.reason }));
      if (await this.#deps.recipes.proposeAiTone(m.id, steps, MATCH_SCOPE)) proposed++;
    }
    return { proposed, unchanged: series.length - proposed - (heroId === undefined ? 0 : 1), skipped };
  }

  #unusable(photoId: number): Skip | null {
    const photo = this.#deps.library.photos.get(photoId);
    if (!photo) throw new ApiError('not-found', `There is no photo ${photoId} in this library.`);
    if (!photo.sha256 || !photo.originalPath || photo.error) return { photoId, reason: `has no readable original (${photo.error?.message ?? 'not ingested'})` };
    return null;
  }

  /** The exposure (sum of enabled steps) and last white balance the photo's recipe applies now. */
  #currentTone(photoId: number): { ev: number; whiteBalance: WhiteBalanceParams | null } {
    const { recipe } = this.#deps.recipes.current(photoId);
    let ev = 0;
    let whiteBalance: WhiteBalanceParams | null = null;
    for (const step of recipe.steps.slice(0, recipe.end)) {
      if (!step.enabled) continue;
      if (step.op === 'exposure') ev += (step.params as { ev: number }).ev;
      if (step.op === 'white-balance') whiteBalance = step.params as WhiteBalanceParams;
    }
    return { ev, whiteBalance };
  }
}
