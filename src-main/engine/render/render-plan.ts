import type { Recipe } from '../../contract/recipe.ts';
import { activeSteps } from '../recipes/history.ts';
import { RENDER_STAGES } from '../recipes/op-module.ts';
import type { OutputSpec, PixelPass, RenderContext, RenderStage, SharpPass } from '../recipes/op-module.ts';
import { getOp } from '../recipes/registry.ts';
import { DEFAULT_OUTPUT } from '../recipes/ops/output.ts';
import { RenderError } from './render-error.ts';
import { MAX_VALUE } from './pixels.ts';

export type PlannedPass = { stage: RenderStage; kind: 'sharp'; run: SharpPass } | { stage: RenderStage; kind: 'pixels'; run: PixelPass };
export type RenderPlan = { passes: PlannedPass[]; output: OutputSpec };

/**
 * Asks every active, enabled step to describe its passes, then orders them by stage (stable, so
 * steps of one stage keep recipe order). The recipe must already be parsed (params at current versions).
 */
export function planRender(recipe: Recipe, forPreview: boolean): RenderPlan {
  const passes: PlannedPass[] = [];
  let output = DEFAULT_OUTPUT;
  const ctx: RenderContext = {
    forPreview,
    maxValue: MAX_VALUE,
    sharp: (stage, run) => passes.push({ stage, kind: 'sharp', run }),
    pixels: (stage, run) => passes.push({ stage, kind: 'pixels', run }),
    setOutput: (spec) => {
      output = spec;
    },
  };
  for (const step of activeSteps(recipe)) {
    const mod = getOp(step.op);
    if (!mod || step.v !== mod.version) {
      throw new RenderError('invalid-recipe', `Step "${step.op}" v${step.v} was not loaded through parseRecipe; it cannot be rendered.`);
    }
    mod.apply(ctx, step.params);
  }
  const rank = (s: RenderStage) => RENDER_STAGES.indexOf(s);
  const ordered = passes.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p.stage) - rank(b.p.stage) || a.i - b.i).map((x) => x.p);
  return { passes: ordered, output };
}
