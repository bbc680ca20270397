import type { Recipe } from '../../../contract/recipe.ts';
import { activeSteps } from '../../recipes/history.ts';
import { RENDER_STAGES } from '../../recipes/op-module.ts';
import type { ChannelCurve, GeometryStep, OutputSpec, PixelPass, RenderContext, RenderStage, SharpPass } from '../../recipes/op-module.ts';
import { getOp } from '../../recipes/registry.ts';
import { DEFAULT_OUTPUT } from '../../recipes/ops/output.ts';
import { RenderError } from './render-error.ts';
import { MAX_VALUE } from './pixels.ts';

export type PlannedPass =
  | { stage: RenderStage; kind: 'sharp'; run: SharpPass }
  | { stage: RenderStage; kind: 'pixels'; run: PixelPass }
  | { stage: RenderStage; kind: 'curve'; curve: ChannelCurve; perChannel: boolean }
  | { stage: RenderStage; kind: 'geometry'; step: GeometryStep };
export type RenderPlan = { passes: PlannedPass[]; output: OutputSpec };

const GEOMETRY_STAGE: Record<GeometryStep['kind'], RenderStage> = { crop: 'crop', orient: 'orient', resize: 'resize' };

/**
 * Asks every active, enabled step to describe its passes, then orders them by stage (stable, so
 * steps of one stage keep recipe order). The recipe must already be parsed (params at current versions).
 * `maxLongEdge` adds a last, never-enlarging resize (the loupe does not need more than the screen).
 */
export function planRender(recipe: Recipe, forPreview: boolean, maxLongEdge?: number): RenderPlan {
  const passes: PlannedPass[] = [];
  let output = DEFAULT_OUTPUT;
  const ctx: RenderContext = {
    forPreview,
    maxValue: MAX_VALUE,
    sharp: (stage, run) => passes.push({ stage, kind: 'sharp', run }),
    pixels: (stage, run) => passes.push({ stage, kind: 'pixels', run }),
    curve: (curve, perChannel = false) => passes.push({ stage: 'tone', kind: 'curve', curve, perChannel }),
    geometry: (step) => passes.push({ stage: GEOMETRY_STAGE[step.kind], kind: 'geometry', step }),
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
  if (maxLongEdge !== undefined) ctx.geometry({ kind: 'resize', resize: { mode: 'long-edge', longEdge: maxLongEdge }, withoutEnlargement: true });
  const rank = (s: RenderStage) => RENDER_STAGES.indexOf(s);
  const ordered = passes.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p.stage) - rank(b.p.stage) || a.i - b.i).map((x) => x.p);
  return { passes: ordered, output };
}
