import { linearToLab } from '../../recipes/colour-math.ts';
import { deltaE2000 } from './delta-e.ts';
import type { PixelGrid } from './pixel-grid.ts';

/** Mean CIEDE2000 between two versions of the same block grid (every `step`-th block): how much an edit shows. */
export function meanGridDeltaE(a: PixelGrid, b: PixelGrid, step = 3): number {
  let sum = 0;
  let n = 0;
  for (let k = 0; k < a.lum.length; k += step) {
    const [l1, a1, b1] = linearToLab(a.rgb[3 * k]!, a.rgb[3 * k + 1]!, a.rgb[3 * k + 2]!);
    const [l2, a2, b2] = linearToLab(b.rgb[3 * k]!, b.rgb[3 * k + 1]!, b.rgb[3 * k + 2]!);
    sum += deltaE2000(l1, a1, b1, l2, a2, b2);
    n++;
  }
  return n ? sum / n : 0;
}
