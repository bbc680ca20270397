import type { ObjectDetection } from '../../../contract/analysis.ts';

/**
 * The object a crop should keep when there is no face and no subject mask: the most confident
 * detection weighted by its size (a confident small cup beats a barely-seen large table), among those
 * the detector is fairly sure of. A box covering nearly the whole frame (the table under the cup,
 * the cat filling the picture) says nothing about where to crop, so it never leads.
 */
export function mainObject(objects: ObjectDetection[], minConfidence = 0.3): ObjectDetection | null {
  let best: ObjectDetection | null = null;
  let bestScore = 0;
  for (const o of objects) {
    const area = o.box.w * o.box.h;
    if (o.confidence < minConfidence || area <= 0 || area >= 0.85) continue;
    const score = o.confidence * Math.sqrt(area);
    if (score > bestScore) {
      best = o;
      bestScore = score;
    }
  }
  return best;
}
