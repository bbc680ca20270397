import type { Recipe, RecipeStep } from '../../../../contract/recipe.ts';
import { newRecipe, newStep } from '../../../recipes/create.ts';
import { exportTarget } from '../export-targets.ts';
import type { ExportTarget } from '../export-targets.ts';

/**
 * The golden cases: each op on corpus photos, rendered by the renderer as it was BEFORE the
 * read-at-output-size / one-tone-pass rewrite (commit fbccab4), stored as small lossless WebPs (see
 * update-golden.ts). Most cases end in a 160 px resize, so the stored file is the render itself and
 * the fast path (resize before tone) is held to the old order (tone on full resolution, then
 * resize). `full` cases render at full size and are compared after shrinking both sides to 160 px.
 */
export type GoldenCase = { name: string; photo: string; steps: RecipeStep[]; target?: ExportTarget; full?: boolean };

export const GOLDEN_PHOTOS = {
  /** 1800x1200 untagged camera JPEG (sRGB by convention). */
  landscape: 'jpeg/orientation/Landscape_1.jpg',
  /** 640x427 Adobe RGB (1998) JPEG: the wide-gamut input path. */
  rocket: 'content/skimage/rocket.jpg',
} as const;

export const GOLDEN_EDGE = 160;

const small = () => newStep('resize', { mode: 'long-edge', longEdge: GOLDEN_EDGE, allowUpscale: false });
const png = (colourSpace = 'srgb') => newStep('output', { format: 'png', quality: 100, tiffBitDepth: 8, colourSpace });

const OPS: Array<[string, () => RecipeStep[]]> = [
  ['none', () => []],
  ['crop', () => [newStep('crop', { x: 0.2, y: 0.1, w: 0.5, h: 0.6 })]],
  ['straighten', () => [newStep('crop', { x: 0.1, y: 0.1, w: 0.8, h: 0.8, angle: 5 })]],
  ['rotate', () => [newStep('rotate', { turn: 'cw90', flipH: true })]],
  ['exposure-up', () => [newStep('exposure', { ev: 0.7 })]],
  ['exposure-down', () => [newStep('exposure', { ev: -1 })]],
  ['contrast', () => [newStep('contrast', { amount: 40 })]],
  ['contrast-flat', () => [newStep('contrast', { amount: -50 })]],
  ['highlights-shadows', () => [newStep('highlights-shadows', { highlights: -60, shadows: 50 })]],
  ['white-balance', () => [newStep('white-balance', { temperature: 40, tint: -20 })]],
  ['saturation-up', () => [newStep('saturation', { amount: 50 })]],
  ['saturation-down', () => [newStep('saturation', { amount: -60 })]],
  ['vibrance', () => [newStep('vibrance', { amount: 60 })]],
  ['sharpen', () => [newStep('sharpen', { amount: 80, radius: 1 })]],
  ['watermark', () => [newStep('watermark', { text: 'Lightbox', position: 'bottom-right', opacity: 0.7, fontSize: 0.08, colour: '#ffffff' })]],
];

const TONE = (): RecipeStep[] => [
  newStep('exposure', { ev: 0.4 }),
  newStep('contrast', { amount: 25 }),
  newStep('highlights-shadows', { highlights: -30, shadows: 30 }),
  newStep('white-balance', { temperature: 15, tint: 5 }),
  newStep('saturation', { amount: 20 }),
  newStep('vibrance', { amount: 25 }),
];

export function goldenCases(): GoldenCase[] {
  const cases: GoldenCase[] = [];
  for (const [key, photo] of Object.entries(GOLDEN_PHOTOS)) {
    for (const [op, steps] of OPS) cases.push({ name: `${key}-${op}`, photo, steps: [...steps(), small(), png()] });
    cases.push({ name: `${key}-combo`, photo, steps: [newStep('crop', { x: 0.15, y: 0.05, w: 0.7, h: 0.8 }), ...TONE(), newStep('sharpen', { amount: 40, radius: 0.8 }), small(), png()] });
    cases.push({ name: `${key}-combo-full`, photo, full: true, steps: [newStep('crop', { x: 0.15, y: 0.05, w: 0.7, h: 0.8 }), ...TONE(), png()] });
    cases.push({ name: `${key}-box-cover`, photo, steps: [newStep('resize', { mode: 'box', width: 200, height: 200, fit: 'cover', allowUpscale: false }), png()] });
    cases.push({ name: `${key}-target-extend`, photo, target: exportTarget('story-9x16', 'extend', 'blur'), steps: [...TONE(), small(), png()] });
    cases.push({ name: `${key}-target-crop`, photo, target: exportTarget('square', 'crop'), steps: [newStep('rotate', { turn: 'ccw90', flipH: false, flipV: false }), small(), png()] });
    cases.push({ name: `${key}-p3-out`, photo, steps: [newStep('saturation', { amount: 30 }), small(), png('display-p3')] });
  }
  return cases;
}

export const recipeOf = (steps: RecipeStep[]): Recipe => ({ ...newRecipe('9'.repeat(64)), steps, end: steps.length });
