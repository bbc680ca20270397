import type { EnhanceResult } from '../../contract/enhance.ts';
import type { DetectedFace, ObjectDetection, QualityResult, SubjectResult } from '../../contract/analysis.ts';
import type { CropsResult, HashResult } from './analysis-results.ts';
import { cropsFor, enhanceFor, hashOf, qualityOf } from './analyze-image.ts';
import type { RgbImage } from './rgb-image.ts';

/**
 * The analysis steps that are plain JavaScript over the decoded pixels (quality, perceptual hash,
 * straighten + crop proposals, auto-enhance): tens of milliseconds each per photo. The engine runs
 * them in worker threads (pixel-math-pool.ts) so they never hold up its event loop; the CLI and the
 * benchmarks call them here, in process. Both give the same results: the worker calls these.
 */
export type PixelMath = {
  quality(rgb: RgbImage): Promise<QualityResult>;
  hash(rgb: RgbImage): Promise<HashResult>;
  crops(input: CropsInput): Promise<CropsResult>;
  enhance(input: EnhanceInput): Promise<EnhanceResult>;
};

export type CropsInput = { rgb: RgbImage; width: number; height: number; faces: DetectedFace[] | null; subject: SubjectResult | null; objects: ObjectDetection[] };
export type EnhanceInput = { rgb: RgbImage; faces: DetectedFace[]; subject: SubjectResult | null; objects: ObjectDetection[]; tags: Array<{ label: string; probability: number }> };

/** The pixel tasks PixelMath answers (the others need a model). */
export const MATH_TASKS = ['quality', 'hash'] as const;
export type MathTask = (typeof MATH_TASKS)[number];

export const inProcessPixelMath: PixelMath = {
  quality: qualityOf,
  hash: hashOf,
  crops: ({ rgb, width, height, faces, subject, objects }) => cropsFor(rgb, width, height, faces, subject, objects),
  enhance: async ({ rgb, faces, subject, objects, tags }) => enhanceFor(rgb, faces, subject, objects, tags),
};
