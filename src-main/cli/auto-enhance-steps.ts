import type { Recipe } from '../contract/index.ts';
import { decodeForAnalysis, enhanceFor, pixelTasks } from '../engine/analysis/analyze-image.ts';
import { enhanceToSteps } from '../engine/analysis/enhance/to-enhance-steps.ts';
import { OnnxPool } from '../engine/analysis/onnx-pool.ts';
import { openImage } from '../engine/media/index.ts';
import { parseRecipe } from '../engine/recipes/validate.ts';

/**
 * `lightbox render --auto-enhance`: the file analysed as the analyze job would (faces and objects
 * for the scene, on one decode), and auto-enhance's tone and colour steps appended after the
 * recipe's active steps, approved (the photographer asked for them by name). Never a crop, so the
 * output keeps the recipe's framing (the whole oriented image without one).
 */
export async function autoEnhanceSteps(file: string, recipe: Recipe): Promise<Recipe> {
  const pool = new OnnxPool();
  try {
    const rgb = await decodeForAnalysis(await openImage(file));
    const faces = await pixelTasks.faces({ rgb, pool });
    const objects = await pixelTasks.objects({ rgb, pool });
    const result = enhanceFor(rgb, faces, null, objects.objects);
    for (const reason of result.reasons) console.error(`lightbox: auto-enhance: ${reason}`);
    const steps = [...recipe.steps.slice(0, recipe.end), ...enhanceToSteps(result, 0)];
    return parseRecipe({ ...recipe, steps, end: steps.length });
  } finally {
    await pool.close();
  }
}
