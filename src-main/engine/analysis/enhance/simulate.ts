import type { RecipeStep } from '../../../contract/recipe.ts';
import { encodeFast, linearTable, MAX_SAMPLE } from '../../recipes/colour-math.ts';
import { newRecipe, newStep } from '../../recipes/create.ts';
import { planRender } from '../../render/pipeline/render-plan.ts';
import { runTone, toneSteps } from '../../render/pipeline/tone.ts';
import type { PixelGrid } from './pixel-grid.ts';
import { fromP3, toP3 } from './working-space.ts';

/** An op and its params, as enhance proposes them (validated into a step before use). */
export type ToneEdit = { op: string; params: Record<string, unknown> };

const NO_ORIGINAL = '0'.repeat(64);

/** The edits as recipe steps at their ops' current versions (throws on params an op refuses). */
export function editsToSteps(edits: readonly ToneEdit[]): RecipeStep[] {
  return edits.map((e) => newStep(e.op, e.params));
}

/**
 * The grid as the renderer would leave it after `edits`: the very op code and tone pass the
 * renderer runs, on the blocks' encoded 16-bit values in its working space (P3). So every later estimate (is the photo still
 * too dark after this white balance? how flat after this exposure?) sees what the photographer
 * will, and a proposal is checked against its real effect, not a model of it.
 */
export function simulate(grid: PixelGrid, edits: readonly ToneEdit[]): PixelGrid {
  if (edits.length === 0) return grid;
  const recipe = { ...newRecipe(NO_ORIGINAL), steps: editsToSteps(edits) };
  recipe.end = recipe.steps.length;
  const steps = toneSteps(planRender(recipe, false).passes);
  // In the renderer's working space: P3 primaries, sRGB transfer curve, 16-bit.
  const px = new Uint16Array(grid.rgb.length);
  const encode = (v: number) => Math.round(encodeFast(v) * MAX_SAMPLE);
  for (let i = 0; i < px.length; i += 3) {
    const [r, g, b] = toP3(grid.rgb[i]!, grid.rgb[i + 1]!, grid.rgb[i + 2]!);
    px[i] = encode(r);
    px[i + 1] = encode(g);
    px[i + 2] = encode(b);
  }
  runTone(steps, px, { width: grid.width, height: grid.height });
  const toLinear = linearTable();
  const rgb = new Float32Array(px.length);
  for (let i = 0; i < px.length; i += 3) {
    const [r, g, b] = fromP3(toLinear[px[i]!]!, toLinear[px[i + 1]!]!, toLinear[px[i + 2]!]!);
    rgb[i] = Math.max(0, r);
    rgb[i + 1] = Math.max(0, g);
    rgb[i + 2] = Math.max(0, b);
  }
  const lum = new Float32Array(grid.lum.length);
  for (let k = 0; k < lum.length; k++) lum[k] = 0.2126 * rgb[3 * k]! + 0.7152 * rgb[3 * k + 1]! + 0.0722 * rgb[3 * k + 2]!;
  return { ...grid, rgb, lum };
}
