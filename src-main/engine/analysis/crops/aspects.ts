import type { CropAspect } from '../../../contract/analysis.ts';

const RATIOS: Record<Exclude<CropAspect, 'original'>, number> = {
  '1:1': 1,
  '4:5': 4 / 5,
  '3:2': 3 / 2,
  '16:9': 16 / 9,
  '9:16': 9 / 16,
  '1.91:1': 1.91,
  '2:3': 2 / 3,
  '3:1': 3,
};

/** Width / height in pixels of a crop with this aspect from a width x height image. */
export function aspectRatio(aspect: CropAspect, width: number, height: number): number {
  return aspect === 'original' ? width / height : RATIOS[aspect];
}

/**
 * The largest crop of pixel ratio `ratio` that fits the image, in fractions: one side is always 1.
 * (A fraction box w x h has pixel ratio (w * width) / (h * height).)
 */
export function largestFit(ratio: number, width: number, height: number): { w: number; h: number } {
  const imageRatio = width / height;
  return ratio >= imageRatio ? { w: 1, h: imageRatio / ratio } : { w: ratio / imageRatio, h: 1 };
}
