import { ENHANCE_MODEL_ID, type EnhanceResult } from '../../contract/enhance.ts';
import type { AnalysisTask, CropProposal, DetectedFace, ModerationResult, ObjectDetection, ObjectsResult, QualityResult, SubjectResult } from '../../contract/analysis.ts';
import type { OpenedImage } from '../media/decode.ts';
import { AnalysisError, isModelGap } from './analysis-error.ts';
import { facesResult, objectsResult, qualityResult, subjectResult, type CropsResult, type HashResult } from './analysis-results.ts';
import { detectObjects, OBJECT_MODEL_ID } from './objects/detect-objects.ts';
import { mainObject } from './objects/main-object.ts';
import { moderate, MODERATION_MODEL_ID, moderationInstalled } from './moderation/moderate.ts';
import { proposeCrops } from './crops/propose.ts';
import { CROP_PROPOSER_ID, CROP_PROPOSER_VERSION } from './crops/to-crop-step.ts';
import { detectFaces, FACE_MODEL_ID } from './faces.ts';
import { getModel } from './model-manifest.ts';
import type { OnnxPool } from './onnx-pool.ts';
import { gradientHash } from './perceptual-hash.ts';
import { assessQualityRgb } from './quality.ts';
import type { RgbImage } from './rgb-image.ts';
import { estimateStraighten } from './straighten.ts';
import { detectSubject, SUBJECT_MODEL_ID } from './subject.ts';
import { ENHANCE_MODEL_VERSION, proposeEnhance } from './enhance/propose-enhance.ts';

/**
 * Long side of the one decode every analysis shares. BlazeFace's tiles are cut from it (faces.ts),
 * quality resamples it to 720 px, ISNet stretches it to 1024x1024: nothing needs more.
 */
export const ANALYSIS_SIZE = 1024;

/** Which model (id + version) answers each task. Local providers only this round. */
export function analyzerFor(task: AnalysisTask): { model: string; version: string; provider: 'local' } {
  switch (task) {
    case 'faces':
      return { model: FACE_MODEL_ID, version: getModel(FACE_MODEL_ID).version, provider: 'local' };
    case 'subject':
      return { model: SUBJECT_MODEL_ID, version: getModel(SUBJECT_MODEL_ID).version, provider: 'local' };
    case 'quality':
      return { model: 'technical-quality', version: '1', provider: 'local' };
    case 'hash':
      return { model: 'gradient-hash', version: '1', provider: 'local' };
    case 'crops':
      return { model: CROP_PROPOSER_ID, version: CROP_PROPOSER_VERSION, provider: 'local' };
    case 'objects':
      return { model: OBJECT_MODEL_ID, version: getModel(OBJECT_MODEL_ID).version, provider: 'local' };
    case 'moderation':
      return { model: MODERATION_MODEL_ID, version: getModel(MODERATION_MODEL_ID).version, provider: 'local' };
    case 'enhance':
      return { model: ENHANCE_MODEL_ID, version: ENHANCE_MODEL_VERSION, provider: 'local' };
    case 'aesthetic':
      // Not a pixel task: the semantic service scores the CLIP embedding and names its own model.
      throw new Error('the aesthetic score is stored by the semantic service, not the analyze job');
  }
}

/** The pixel tasks an analyze job runs: subject only when enabled, moderation only where its weights are installed. */
export function pixelTaskList(subject: boolean): Array<keyof typeof pixelTasks> {
  return [
    'faces',
    ...(subject ? (['subject'] as const) : []),
    'quality',
    'hash',
    'objects',
    ...(moderationInstalled() ? (['moderation'] as const) : []),
  ];
}

/**
 * The photo decoded once, oriented, in sRGB, at most ANALYSIS_SIZE on its long side. Reads the
 * stored original (not the cached preview: previews are made by a separate, later job).
 * Transparent areas become white, as a viewer shows them.
 */
export async function decodeForAnalysis(image: OpenedImage): Promise<RgbImage> {
  // fitInside shrinks before it turns: a quarter turn of the full 24 MP first would cost ~6x.
  const { data, info } = await image.fitInside(ANALYSIS_SIZE, ANALYSIS_SIZE, { withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels after flatten, got ${info.channels}`);
  return { data, width: info.width, height: info.height };
}

export type TaskContext = { rgb: RgbImage; pool: OnnxPool };

/** Technical quality: plain JS over the pixels (see pixel-math.ts). */
export const qualityOf = async (rgb: RgbImage): Promise<QualityResult> => qualityResult(await assessQualityRgb(rgb));
/** The perceptual hash: plain JS over the pixels (see pixel-math.ts). */
export const hashOf = async (rgb: RgbImage): Promise<HashResult> => ({ hash: await gradientHash(rgb) });

/** The model-backed and pixel tasks; crops are computed from their results (cropsFor). */
export const pixelTasks = {
  faces: async ({ rgb, pool }: TaskContext): Promise<DetectedFace[]> => facesResult(await detectFaces(rgb, { pool, workingSize: ANALYSIS_SIZE })),
  subject: async ({ rgb, pool }: TaskContext): Promise<SubjectResult> => subjectResult(await detectSubject(rgb, { pool })),
  quality: ({ rgb }: TaskContext): Promise<QualityResult> => qualityOf(rgb),
  hash: ({ rgb }: TaskContext): Promise<HashResult> => hashOf(rgb),
  objects: async ({ rgb, pool }: TaskContext): Promise<ObjectsResult> => objectsResult(await detectObjects(rgb, { pool })),
  moderation: async ({ rgb, pool }: TaskContext): Promise<ModerationResult> => moderate(rgb, { pool }),
};

/**
 * Crop proposals (and the straighten they carry) from the faces and subject found. Without a
 * subject mask and without faces, the main detected object stands in for the subject. `faces: null`
 * means nobody looked (the face model is missing): the crops still come, from what is known, at
 * half the confidence and saying so, since one of them may cut through a face nobody saw.
 */
export async function cropsFor(rgb: RgbImage, width: number, height: number, faces: DetectedFace[] | null, subject: SubjectResult | null, objects: ObjectDetection[] = []): Promise<CropsResult> {
  const straighten = await estimateStraighten(rgb);
  const known = faces ?? [];
  const main = !subject?.box && known.length === 0 ? mainObject(objects) : null;
  const proposals: CropProposal[] = proposeCrops({
    width, height, faces: known, subject: subject?.box ?? main?.box ?? null, subjectName: main ? `main object (${main.label})` : undefined, angle: straighten.angle,
  });
  const unchecked = faces === null ? proposals.map((p) => ({ ...p, confidence: Math.round(p.confidence * 500) / 1000, reason: `${p.reason} (faces not checked: the face model is missing)` })) : proposals;
  return { straighten: { angle: straighten.angle, confidence: Math.round(straighten.confidence * 1000) / 1000 }, proposals: unchecked };
}

/**
 * Auto-enhance's proposals from the faces, subject, objects and CLIP tags found, on the same decoded
 * pixels (a few milliseconds: no model of its own).
 */
export function enhanceFor(rgb: RgbImage, faces: DetectedFace[], subject: SubjectResult | null, objects: ObjectDetection[] = [], tags: ReadonlyArray<{ label: string; probability: number }> = []): EnhanceResult {
  return proposeEnhance(rgb, { faces, subject: subject?.box ?? null, objects, tags });
}

/** A task left out because its model's weights are missing or damaged. */
export type SkippedTask = { task: AnalysisTask; model: string; code: 'model-missing' | 'model-damaged'; message: string };

export type ImageAnalysis = {
  width: number;
  height: number;
  /** null: nobody looked (the face model is missing). */
  faces: DetectedFace[] | null;
  subject: SubjectResult | null;
  quality: QualityResult;
  hash: string;
  objects: ObjectsResult;
  crops: CropsResult;
  enhance: EnhanceResult;
  /** Absent when the moderation weights are not installed. */
  moderation?: ModerationResult;
  skipped: SkippedTask[];
};

/**
 * Everything at once, without a library (the CLI, the benchmark). As in the analyze job, a model
 * whose weights are missing or damaged leaves its task out (named in `skipped`) and the rest still
 * run; any other failure is thrown.
 */
export async function analyzeOpenedImage(image: OpenedImage, options: { pool: OnnxPool; subject: boolean }): Promise<ImageAnalysis> {
  const rgb = await decodeForAnalysis(image);
  const ctx = { rgb, pool: options.pool };
  const skipped: SkippedTask[] = [];
  const unlessGap = async <T>(task: 'faces' | 'subject' | 'objects' | 'moderation', fallback: T): Promise<T> => {
    try {
      return (await pixelTasks[task](ctx)) as T;
    } catch (error) {
      if (!(error instanceof AnalysisError) || !isModelGap(error)) throw error;
      skipped.push({ task, model: analyzerFor(task).model, code: error.code as SkippedTask['code'], message: error.message });
      return fallback;
    }
  };
  const faces = await unlessGap<DetectedFace[] | null>('faces', null);
  const subject = options.subject ? await unlessGap<SubjectResult | null>('subject', null) : null;
  const objects = await unlessGap<ObjectsResult>('objects', { objects: [], keywords: [] });
  const [quality, hash] = await Promise.all([pixelTasks.quality(ctx), pixelTasks.hash(ctx)]);
  const crops = await cropsFor(rgb, image.width, image.height, faces, subject, objects.objects);
  const enhance = enhanceFor(rgb, faces ?? [], subject, objects.objects);
  const moderation = moderationInstalled() ? await unlessGap<ModerationResult | undefined>('moderation', undefined) : undefined;
  return { width: image.width, height: image.height, faces, subject, quality, hash: hash.hash, objects, crops, enhance, ...(moderation ? { moderation } : {}), skipped };
}
