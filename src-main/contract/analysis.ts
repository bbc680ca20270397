import { z } from 'zod';
import { AppError } from './errors.ts';
import { SemanticAnalysis } from './models.ts';
import { EnhanceResult } from './enhance.ts';

/**
 * Local AI analysis of a photo: faces, salient subject, technical quality, a perceptual hash for
 * near-duplicates, and crop proposals. Every box is `{x, y, w, h}` in fractions (0..1) of the
 * ORIENTED image (EXIF orientation applied), top-left origin, so it fits the original and every preview.
 */

const fraction = z.number().min(0).max(1);
export const Box = z.object({ x: fraction, y: fraction, w: fraction, h: fraction });
export type Box = z.infer<typeof Box>;

export const Point = z.object({ x: fraction, y: fraction });

export const DetectedFace = z.object({
  box: Box,
  confidence: fraction,
  /** Right eye, left eye, nose tip, mouth, right ear, left ear (the subject's right/left). */
  keypoints: z.array(Point),
});
export type DetectedFace = z.infer<typeof DetectedFace>;

export const SubjectResult = z.object({
  /** Bounding box of the salient mask; null when nothing stands out. */
  box: Box.nullable(),
  coverage: fraction,
  confidence: fraction,
  /** The mask at 64x64 (stretched over the oriented image), greyscale PNG, base64. */
  maskPng: z.string(),
});
export type SubjectResult = z.infer<typeof SubjectResult>;

export const QualityFlag = z.enum(['blurry', 'underexposed', 'overexposed', 'low-contrast']);
export const QualityResult = z.object({
  score: fraction,
  sharpness: fraction,
  focus: fraction,
  exposure: fraction,
  contrast: fraction,
  /** Estimated noise sigma in 8-bit grey levels. */
  noise: z.number().nonnegative(),
  flags: z.array(QualityFlag),
  /**
   * Aesthetic score (about 1..10, LAION aesthetic head on the CLIP image embedding); present only
   * when both CLIP and the aesthetic head are installed and the photo has been embedded.
   */
  aesthetic: z.number().optional(),
});
export type QualityResult = z.infer<typeof QualityResult>;

/**
 * Crop aspects: the photographer's usual ratios, then the platform targets whose ratio is not among
 * them (1.91:1 link previews on Facebook/LinkedIn/X, 2:3 Pinterest pins, 3:1 X headers; Instagram's
 * 4:5 and 9:16, YouTube's 16:9 and square posts are already there).
 */
export const CropAspect = z.enum(['original', '1:1', '4:5', '3:2', '16:9', '9:16', '1.91:1', '2:3', '3:1']);
export type CropAspect = z.infer<typeof CropAspect>;
export const CROP_ASPECTS = CropAspect.options;

/**
 * Library-wide AI crop choices: which aspect's best proposal becomes the recipe's crop, and the
 * confidence at which it needs no review (null: every AI crop waits). A folder may override the second.
 */
export const CropSettings = z.object({ aspect: CropAspect, autoApprove: z.number().min(0).max(1).nullable() });
export type CropSettings = z.infer<typeof CropSettings>;
export const CropSettingsUpdate = CropSettings.partial().strict();

export const CropProposal = z.object({
  aspect: CropAspect,
  box: Box,
  /** Straighten, degrees, with the crop op's meaning (positive turns the picture counter-clockwise). */
  angle: z.number().min(-45).max(45),
  confidence: fraction,
  /** Short and human: "keeps 3 faces, subject on the left third". */
  reason: z.string(),
});
export type CropProposal = z.infer<typeof CropProposal>;

/** A COCO object (objects task): label, box, detector confidence. */
export const ObjectDetection = z.object({ label: z.string(), box: Box, confidence: fraction });
export type ObjectDetection = z.infer<typeof ObjectDetection>;
/** The objects task's stored result: detections (confidence >= 0.3) and the keywords they suggest. */
export const ObjectsResult = z.object({ objects: z.array(ObjectDetection), keywords: z.array(z.string()) });
export type ObjectsResult = z.infer<typeof ObjectsResult>;

/** The NSFW classifier's classes (nsfwjs): Drawing and Neutral are safe, Sexy suggestive, Porn and Hentai explicit. */
export const ModerationLabel = z.enum(['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy']);
export type ModerationLabel = z.infer<typeof ModerationLabel>;
export const ModerationFlag = z.enum(['safe', 'suggestive', 'explicit']);
export type ModerationFlag = z.infer<typeof ModerationFlag>;
/** The moderation task's stored result: every class with its probability (most likely first) and the flag. */
export const ModerationResult = z.object({
  classes: z.array(z.object({ label: ModerationLabel, probability: fraction })).length(5),
  flag: ModerationFlag,
});
export type ModerationResult = z.infer<typeof ModerationResult>;

export const AnalysisTask = z.enum(['faces', 'subject', 'quality', 'hash', 'crops', 'objects', 'moderation', 'aesthetic', 'enhance']);
export type AnalysisTask = z.infer<typeof AnalysisTask>;
export const AnalysisStatus = z.enum(['pending', 'processing', 'completed', 'failed']);
export type AnalysisStatus = z.infer<typeof AnalysisStatus>;

/** One analysis of one photo: which model (id + version) and provider ran it, and how it went. */
export const AnalysisRun = z.object({
  task: AnalysisTask,
  model: z.string(),
  version: z.string(),
  provider: z.string(),
  status: AnalysisStatus,
  error: AppError.nullable(),
  updatedAt: z.string(),
});
export type AnalysisRun = z.infer<typeof AnalysisRun>;

export const NearDuplicateGroup = z.object({
  photoIds: z.array(z.number().int().positive()).min(2),
  /** Highest technical quality in the group. */
  bestPhotoId: z.number().int().positive(),
});
export type NearDuplicateGroup = z.infer<typeof NearDuplicateGroup>;

export const PhotoAnalysis = z.object({
  photoId: z.number().int().positive(),
  runs: z.array(AnalysisRun),
  faces: z.array(DetectedFace).nullable(),
  subject: SubjectResult.nullable(),
  quality: QualityResult.nullable(),
  /** Degrees; 0 when no confident straighten was found. */
  straighten: z.number().nullable(),
  proposals: z.array(CropProposal),
  /** The near-duplicate / burst group this photo belongs to, if any. */
  nearDuplicates: NearDuplicateGroup.nullable(),
  /** COCO objects found; null until the objects analysis has completed. */
  objects: z.array(ObjectDetection).nullable(),
  /** Suggested keywords: distinct object labels the detector is fairly sure of (>= 0.5). */
  keywords: z.array(z.string()),
  /** CLIP tags and caption; absent from engines without the model manager. */
  semantic: SemanticAnalysis.optional(),
  /** Moderation flag and class probabilities; null until done, absent when the weights are not installed. */
  moderation: ModerationResult.nullable().optional(),
  /** Auto-enhance's tone and colour proposals and what it measured; null until done. */
  enhance: EnhanceResult.nullable().optional(),
});
export type PhotoAnalysis = z.infer<typeof PhotoAnalysis>;

export const AnalysisGetInput = z.object({ photoId: z.number().int().positive() });
export const AnalysisRerunInput = z.object({ photoIds: z.array(z.number().int().positive()).min(1).max(10_000) });
export const AnalysisRerunOutput = z.object({ queued: z.number().int().nonnegative() });
export const AnalysisChanged = z.object({ photoId: z.number().int().positive(), status: z.enum(['analysing', 'completed', 'failed']) });

/** `lightbox analyze FILE... --json`: one object per file. */
export const AnalyzeFileResult = z.object({
  file: z.string(),
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  faces: z.array(DetectedFace),
  subject: z.object({ box: Box }).nullable(),
  objects: z.array(ObjectDetection),
  quality: QualityResult.pick({ score: true, sharpness: true, exposure: true, flags: true }).nullable(),
  crops: z.array(CropProposal),
  /** Only when the moderation weights are installed (`npm run models`). */
  moderation: ModerationResult.optional(),
  /** Auto-enhance's proposed tone and colour steps (empty when the photo needs nothing). */
  enhance: EnhanceResult.pick({ steps: true, confidence: true, reasons: true }).optional(),
  /**
   * Tasks left out because their model's weights are missing or damaged (`npm run models` fetches
   * them): the file is still analysed with the rest, and crops made without faces say so.
   */
  skipped: z.array(z.object({ task: z.string(), model: z.string(), code: z.enum(['model-missing', 'model-damaged']), message: z.string() })).optional(),
  error: AppError.optional(),
});
export type AnalyzeFileResult = z.infer<typeof AnalyzeFileResult>;
