/**
 * BlazeFace (MediaPipe, "back" 256x256 model) output decoding: anchors, sigmoid scores,
 * box + 6 keypoints, weighted non-maximum suppression. Pure functions on arrays.
 */

export const INPUT_SIZE = 256;
const VALUES = 16; // cx, cy, w, h, then 6 keypoints (x, y)
export const KEYPOINTS = ['right-eye', 'left-eye', 'nose', 'mouth', 'right-ear', 'left-ear'] as const;

export type Point = { x: number; y: number };
/** Coordinates in whatever space the caller is working in (square pixels, then fractions). */
export type Detection = { x0: number; y0: number; x1: number; y1: number; score: number; keypoints: Point[] };

/** Anchor centres in [0,1]: 16x16 cells x 2 anchors, then 8x8 x 6, row-major, as the outputs are laid out. */
function buildAnchors(): Float32Array {
  const out: number[] = [];
  for (const [cells, perCell] of [[16, 2], [8, 6]] as const) {
    for (let y = 0; y < cells; y++) {
      for (let x = 0; x < cells; x++) {
        for (let k = 0; k < perCell; k++) out.push((x + 0.5) / cells, (y + 0.5) / cells);
      }
    }
  }
  return Float32Array.from(out);
}
export const ANCHORS = buildAnchors();
export const ANCHOR_COUNT = ANCHORS.length / 2; // 896

function sigmoid(logit: number): number {
  // The converted model emits logits; MediaPipe clips them to ±100 before the sigmoid.
  const v = Math.max(-100, Math.min(100, logit));
  return 1 / (1 + Math.exp(-v));
}

/**
 * Candidates above `minScore`, in square-pixel coordinates. `scores` and `boxes` are the two
 * heads concatenated (512 then 384 anchors).
 */
export function decode(scores: Float32Array, boxes: Float32Array, minScore: number): Detection[] {
  if (scores.length !== ANCHOR_COUNT || boxes.length !== ANCHOR_COUNT * VALUES) {
    throw new RangeError(`BlazeFace output sizes ${scores.length}/${boxes.length}, expected ${ANCHOR_COUNT}/${ANCHOR_COUNT * VALUES}`);
  }
  const found: Detection[] = [];
  for (let i = 0; i < ANCHOR_COUNT; i++) {
    const score = sigmoid(scores[i]!);
    if (score < minScore) continue;
    const ax = ANCHORS[2 * i]! * INPUT_SIZE;
    const ay = ANCHORS[2 * i + 1]! * INPUT_SIZE;
    const r = boxes.subarray(i * VALUES, (i + 1) * VALUES);
    const cx = ax + r[0]!;
    const cy = ay + r[1]!;
    const w = r[2]!;
    const h = r[3]!;
    if (!(w > 0 && h > 0)) continue;
    const keypoints: Point[] = [];
    for (let k = 0; k < KEYPOINTS.length; k++) keypoints.push({ x: ax + r[4 + 2 * k]!, y: ay + r[5 + 2 * k]! });
    found.push({ x0: cx - w / 2, y0: cy - h / 2, x1: cx + w / 2, y1: cy + h / 2, score, keypoints });
  }
  return found;
}

function area(d: Detection): number {
  return Math.max(0, d.x1 - d.x0) * Math.max(0, d.y1 - d.y0);
}

function intersection(a: Detection, b: Detection): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return w > 0 && h > 0 ? w * h : 0;
}

export function iou(a: Detection, b: Detection): number {
  const i = intersection(a, b);
  return i === 0 ? 0 : i / (area(a) + area(b) - i);
}

/** Intersection over the smaller box: catches a partial face (from a tile) inside a whole one. */
export function overlapOfSmaller(a: Detection, b: Detection): number {
  const i = intersection(a, b);
  return i === 0 ? 0 : i / Math.min(area(a), area(b));
}

export type NmsOptions = {
  /** Two detections are the same face above this. MediaPipe uses IoU 0.3 for BlazeFace. */
  iouThreshold: number;
  /** Also merge when this share of the smaller box lies inside the larger one (0 = off). */
  containThreshold?: number;
};

/**
 * Weighted NMS (MediaPipe's "WEIGHTED" mode): the best detection absorbs every overlapping one,
 * and its box and keypoints become the score-weighted mean of the group. Steadier than keeping
 * only the top box, because neighbouring anchors all see the same face.
 */
export function weightedNms(dets: Detection[], options: NmsOptions): Detection[] {
  const rest = [...dets].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  while (rest.length > 0) {
    const best = rest[0]!;
    const group: Detection[] = [];
    for (let i = rest.length - 1; i >= 0; i--) {
      const d = rest[i]!;
      const same = iou(best, d) > options.iouThreshold ||
        (options.containThreshold !== undefined && options.containThreshold > 0 && overlapOfSmaller(best, d) > options.containThreshold);
      if (same) {
        group.push(d);
        rest.splice(i, 1);
      }
    }
    let total = 0;
    const acc = { x0: 0, y0: 0, x1: 0, y1: 0 };
    const kps = best.keypoints.map(() => ({ x: 0, y: 0 }));
    for (const d of group) {
      total += d.score;
      acc.x0 += d.x0 * d.score;
      acc.y0 += d.y0 * d.score;
      acc.x1 += d.x1 * d.score;
      acc.y1 += d.y1 * d.score;
      d.keypoints.forEach((p, k) => {
        kps[k]!.x += p.x * d.score;
        kps[k]!.y += p.y * d.score;
      });
    }
    kept.push({
      x0: acc.x0 / total,
      y0: acc.y0 / total,
      x1: acc.x1 / total,
      y1: acc.y1 / total,
      score: best.score,
      keypoints: kps.map((p) => ({ x: p.x / total, y: p.y / total })),
    });
  }
  return kept;
}
