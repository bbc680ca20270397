import type { RecipeStep } from '../../../contract/recipe.ts';
import { planRender } from '../../render/pipeline/render-plan.ts';
import { runTone, toneSteps } from '../../render/pipeline/tone.ts';
import { newRecipe } from '../create.ts';

/**
 * 16-bit working samples for pixel-op tests: the given edge cases first, then `pixels` pseudo-random
 * colours over the whole range, the same on every run (a linear congruential sequence from `seed`).
 */
export function sampleSpread(edgeCases: readonly number[], pixels: number, seed: number): Uint16Array {
  const out = new Uint16Array(edgeCases.length + 3 * pixels);
  out.set(edgeCases);
  let state = seed;
  for (let i = edgeCases.length; i < out.length; i++) out[i] = (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) % 65_536;
  return out;
}

/** `step` alone run over a copy of `samples` as the renderer's tone pass runs it (one row of pixels). */
export function toneStepOn(step: RecipeStep, samples: Uint16Array): Uint16Array {
  const px = samples.slice();
  const recipe = { ...newRecipe('0'.repeat(64)), steps: [step], end: 1 };
  runTone(toneSteps(planRender(recipe, false).passes), px, { width: px.length / 3, height: 1 });
  return px;
}
