/**
 * COCO object detection: labels with boxes and confidence, and suggested keywords.
 *
 * WHY NANODET (measured 2026-11-21 on our shared 2-core machine, tfjs-backend-wasm 4.22 SIMD, one
 * thread, the same 9 corpus photos: 6 content/people, objects/ducati, skimage coffee and hubble):
 * - NanoDet-m 416: 190-480 ms per image (warm runs 190-235 ms). With its training pre-processing (BGR,
 *   per-channel mean/std) it found a person in all 6 people photos (0.64-0.85), each person's box
 *   tight to the body (fr-two_people: Obama 0.76 box x 0-0.50 of the frame), both ties in fr-two_people
 *   and fr-obama_and_biden (0.55-0.64), the cup on coffee.png (0.52, box around cup and saucer),
 *   nothing above 0.35 on Hubble. With plain RGB /255 input (as MODELS.md first said) it called the
 *   cup a toilet and missed Biden: the mean/std input is the right one.
 * - CenterNet-MobileNetV3 512: 194-387 ms per image (warm 194-262 ms): no faster here. Its decoded
 *   boxes were narrow slivers for people (fr-two_people: 30 px wide in 512 for a 200 px wide person),
 *   it missed Obama's tie in fr-two_people, and on coffee.png it preferred "dining table" (0.48) over
 *   the cup in BGR and "toilet"-free but looser boxes in RGB.
 * Neither model sees the motorcycle in objects/ducati-motorcycle-small (a 320 px, heavily compressed
 * image). NanoDet it is: better boxes, the same speed.
 *
 * RUNTIME: onnxruntime, on the graph converted from tfjs by models/tfjs-to-onnx.ts (once, cached:
 * models/converted-model.ts). The converter is checked against tfjs itself, output by output on
 * corpus photos (tfjs-to-onnx.test.ts: within 1e-4). Measured on 12 corpus camera JPEGs, 2-core
 * machine: 56 ms per photo against 222 ms on tfjs-backend-wasm, whose threaded build cannot run under
 * Node; the whole pipeline bench spends 0.43 CPU-s per photo in analysis instead of 0.60. A graph
 * with an op the converter does not know still runs on tfjs (objects/tfjs-worker.ts).
 */
import { getPool, type OnnxPool } from '../onnx-pool.ts';
import { letterboxPixels, type RgbImage } from '../rgb-image.ts';
import { COCO_LABELS } from './coco-labels.ts';
import { classwiseNms, decodeHeads, NANODET_STRIDES, type Candidate } from './nanodet-decode.ts';

export const OBJECT_MODEL_ID = 'nanodet-m-416';
export const OBJECT_INPUT_SIZE = 416;
const INPUT_NAME = 'input_1:0';
const SCORE_OUTPUTS = ['Identity:0', 'Identity_1:0', 'Identity_2:0'];
const BOX_OUTPUTS = ['Identity_3:0', 'Identity_4:0', 'Identity_5:0'];

/** NanoDet's training normalisation, in BGR channel order (it was trained on OpenCV-loaded images). */
const MEAN_BGR = [103.53, 116.28, 123.675] as const;
const STD_BGR = [57.375, 57.12, 58.395] as const;

export type DetectedObject = {
  label: string;
  /** Fractions (0..1) of the oriented image, top-left origin. */
  box: { x: number; y: number; w: number; h: number };
  confidence: number;
};

export type ObjectOptions = {
  /**
   * 0.3, a little under the usual 0.35: letterboxed, the coffee cup scores 0.31 (box right on the
   * cup), while the best thing on the Hubble deep field is a whole-frame "person" at 0.34. Keywords
   * use 0.5 (suggestKeywords), so such weak boxes never become a keyword.
   */
  minConfidence?: number;
  iouThreshold?: number;
  pool?: OnnxPool;
};

export type ObjectInput = {
  /** NCHW float32, BGR, (v - mean) / std. */
  tensor: Float32Array;
  padX: number;
  padY: number;
  innerW: number;
  innerH: number;
};

/**
 * Letterboxes the image into the square input, keeping its aspect. Measured against stretching it
 * square on the corpus: letterboxed, people score higher (fr-biden 0.85 vs 0.75) and more ties are
 * found, and Hubble stays below 0.35 (stretched: a whole-frame "person" at 0.58); stretched, the
 * coffee cup scores higher (0.52 vs 0.31). The bars hold the mean colour, i.e. 0 after normalisation.
 */
export async function objectInput(image: RgbImage, size = OBJECT_INPUT_SIZE): Promise<ObjectInput> {
  const { data, padX, padY, innerW, innerH } = await letterboxPixels(image, null, size);
  const plane = size * size;
  const tensor = new Float32Array(3 * plane);
  for (let y = 0; y < innerH; y++) {
    for (let x = 0; x < innerW; x++) {
      const src = (y * innerW + x) * 3;
      const dst = (y + padY) * size + x + padX;
      for (let c = 0; c < 3; c++) tensor[c * plane + dst] = (data[src + 2 - c]! - MEAN_BGR[c]!) / STD_BGR[c]!;
    }
  }
  return { tensor, padX, padY, innerW, innerH };
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** Input-square pixels back to fractions of the image, clamped inside it. */
export function toImageBox(c: Candidate, lb: Pick<ObjectInput, 'padX' | 'padY' | 'innerW' | 'innerH'>): DetectedObject['box'] {
  const x0 = clamp01((c.x0 - lb.padX) / lb.innerW);
  const y0 = clamp01((c.y0 - lb.padY) / lb.innerH);
  const x1 = clamp01((c.x1 - lb.padX) / lb.innerW);
  const y1 = clamp01((c.y1 - lb.padY) / lb.innerH);
  return { x: x0, y: y0, w: Math.max(0, x1 - x0), h: Math.max(0, y1 - y0) };
}

/** Objects in an oriented RGB image (the shared 1024 px analysis decode), most confident first. */
export async function detectObjects(image: RgbImage, options: ObjectOptions = {}): Promise<DetectedObject[]> {
  const minConfidence = options.minConfidence ?? 0.3;
  const pool = options.pool ?? getPool();
  const lb = await objectInput(image);
  const size = OBJECT_INPUT_SIZE;
  const out = await pool.run(OBJECT_MODEL_ID, { [INPUT_NAME]: { data: lb.tensor, dims: [1, 3, size, size] } }, [...SCORE_OUTPUTS, ...BOX_OUTPUTS]);
  const heads = NANODET_STRIDES.map((stride, i) => ({ stride, scores: out[SCORE_OUTPUTS[i]!]!.data, boxes: out[BOX_OUTPUTS[i]!]!.data }));
  const kept = classwiseNms(decodeHeads(heads, size, minConfidence), options.iouThreshold ?? 0.5);
  return kept
    .map((c) => ({ label: COCO_LABELS[c.classId] ?? `class ${c.classId}`, box: toImageBox(c, lb), confidence: c.score }))
    .filter((o) => o.box.w > 0 && o.box.h > 0)
    .sort((a, b) => b.confidence - a.confidence);
}

/**
 * Suggested keywords: each distinct label seen at least once with `minConfidence` (0.5: above the
 * detection threshold, so a keyword is something the model is fairly sure of), most confident first.
 */
export function suggestKeywords(objects: DetectedObject[], minConfidence = 0.5): string[] {
  const out: string[] = [];
  for (const o of [...objects].sort((a, b) => b.confidence - a.confidence)) {
    if (o.confidence >= minConfidence && !out.includes(o.label)) out.push(o.label);
  }
  return out;
}
