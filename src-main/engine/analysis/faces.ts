import { decode, INPUT_SIZE, weightedNms, type Detection } from './blazeface-decode.ts';
import { getPool, type OnnxPool } from './onnx-pool.ts';
import { letterbox, loadRgb, type ImageSource, type Region, type RgbImage } from './rgb-image.ts';

export const FACE_MODEL_ID = 'blazeface-back-256';
const OUTPUTS = ['Identity:0', 'Identity_1:0', 'Identity_2:0', 'Identity_3:0'];

export type Face = {
  /** Fractions (0..1) of the oriented image, top-left origin. */
  box: { x: number; y: number; w: number; h: number };
  confidence: number;
  /** Right eye, left eye, nose tip, mouth, right ear, left ear (the subject's right/left), as fractions. */
  keypoints: { x: number; y: number }[];
};

export type FaceOptions = {
  /**
   * Minimum sigmoid score. 0.7, a little above MODELS.md's 0.6: measured on the corpus, every real
   * face scores 0.84-0.97 (the girl looking down in fr-obama_and_biden: 0.66 in the whole-frame pass,
   * 0.84 in a tile), while the best false positives are 0.66 (the coffee cup in coffee.png), 0.57 (a
   * raised hand) and <= 0.47 on rocket, Hubble and a crowd seen from behind.
   */
  minConfidence?: number;
  /**
   * Also look at 2x2 overlapping tiles when the decoded image's long side is at least this many
   * pixels (faces under ~20 px in the 256 px view are missed otherwise). 0 disables tiling.
   */
  tileAbove?: number;
  /**
   * Long side the photo is decoded to first; tiles are cut from it. 1024 keeps each 60% tile above
   * 600 px, so the 256 px model input is still a downscale, while the per-pass resizes stay cheap.
   */
  workingSize?: number;
  pool?: OnnxPool;
};

const DEFAULTS = { minConfidence: 0.7, tileAbove: 768, workingSize: 1024 };

/** Runs BlazeFace on one region of the image and returns detections as fractions of the whole image. */
async function detectIn(image: RgbImage, region: Region, minScore: number, pool: OnnxPool): Promise<Detection[]> {
  const lb = await letterbox(image, region, INPUT_SIZE);
  const out = await pool.run(FACE_MODEL_ID, { 'input:0': { data: lb.tensor, dims: [1, INPUT_SIZE, INPUT_SIZE, 3] } }, OUTPUTS);
  const scores = concat(out['Identity:0']!.data, out['Identity_1:0']!.data);
  const boxes = concat(out['Identity_2:0']!.data, out['Identity_3:0']!.data);
  const local = weightedNms(decode(scores, boxes, minScore), { iouThreshold: 0.3 });
  // square pixels -> region fractions -> image fractions
  const fx = (x: number) => (region.left + ((x - lb.padX) / lb.innerW) * region.width) / image.width;
  const fy = (y: number) => (region.top + ((y - lb.padY) / lb.innerH) * region.height) / image.height;
  return local.map((d) => ({
    x0: fx(d.x0),
    y0: fy(d.y0),
    x1: fx(d.x1),
    y1: fy(d.y1),
    score: d.score,
    keypoints: d.keypoints.map((p) => ({ x: fx(p.x), y: fy(p.y) })),
  }));
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Four tiles, each 60% of the width and height, at the corners: 20% overlap in both directions. */
function tiles(width: number, height: number): Region[] {
  const tw = Math.round(width * 0.6);
  const th = Math.round(height * 0.6);
  const out: Region[] = [];
  for (const top of [0, height - th]) for (const left of [0, width - tw]) out.push({ left, top, width: tw, height: th });
  return out;
}

/**
 * A face cut by a tile's inner edge is seen whole by the neighbouring tile or the full pass;
 * its partial box would only blur the merge, so it is dropped.
 */
function touchesInnerEdge(d: Detection, region: Region, image: RgbImage): boolean {
  const margin = 0.01;
  const left = region.left / image.width;
  const top = region.top / image.height;
  const right = (region.left + region.width) / image.width;
  const bottom = (region.top + region.height) / image.height;
  return (left > 0 && d.x0 < left + margin) || (top > 0 && d.y0 < top + margin) ||
    (right < 1 && d.x1 > right - margin) || (bottom < 1 && d.y1 > bottom - margin);
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

function toFace(d: Detection): Face {
  const x0 = clamp01(d.x0);
  const y0 = clamp01(d.y0);
  return {
    box: { x: x0, y: y0, w: clamp01(d.x1) - x0, h: clamp01(d.y1) - y0 },
    confidence: d.score,
    keypoints: d.keypoints.map((p) => ({ x: clamp01(p.x), y: clamp01(p.y) })),
  };
}

/** Faces in a photo (file path, encoded buffer, or oriented RGB), sorted by confidence. */
export async function detectFaces(source: ImageSource, options: FaceOptions = {}): Promise<Face[]> {
  const o = { ...DEFAULTS, ...options };
  const pool = options.pool ?? getPool();
  const image = await loadRgb(source, o.workingSize);
  const whole: Region = { left: 0, top: 0, width: image.width, height: image.height };
  const found = await detectIn(image, whole, o.minConfidence, pool);
  if (o.tileAbove > 0 && Math.max(image.width, image.height) >= o.tileAbove) {
    for (const region of tiles(image.width, image.height)) {
      const inTile = await detectIn(image, region, o.minConfidence, pool);
      found.push(...inTile.filter((d) => !touchesInnerEdge(d, region, image)));
    }
  }
  // Across passes the same face appears at slightly different scales: merge by IoU, and a small
  // box mostly inside a larger one is the same face seen twice.
  const merged = weightedNms(found, { iouThreshold: 0.3, containThreshold: 0.6 });
  return merged.map(toFace).sort((a, b) => b.confidence - a.confidence);
}
