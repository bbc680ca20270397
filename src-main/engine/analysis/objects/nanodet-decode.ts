/**
 * NanoDet's raw heads to boxes. Pure functions on plain arrays, so they are tested on synthetic
 * tensors with exact answers.
 *
 * Per stride s (8, 16, 32) the model gives, for each cell of the (size/s)^2 grid (row-major):
 * - 80 class scores, already through a sigmoid;
 * - 4 x 11 "distribution focal loss" bins: for each side (left, top, right, bottom) a discrete
 *   distribution over distances 0..10 (in units of s). The distance is its expectation after a
 *   softmax, times s, measured from the cell centre ((col + 0.5) * s, (row + 0.5) * s).
 */

export const NANODET_STRIDES = [8, 16, 32] as const;
export const NANODET_CLASSES = 80;
export const NANODET_BINS = 11;

/** A box in model-input pixels. */
export type Candidate = { x0: number; y0: number; x1: number; y1: number; score: number; classId: number };

export type Head = { stride: number; scores: Float32Array; boxes: Float32Array };

/** Expected value of a softmax over `bins` logits starting at `offset`. */
export function dflDistance(logits: Float32Array, offset: number, bins = NANODET_BINS): number {
  let max = -Infinity;
  for (let b = 0; b < bins; b++) max = Math.max(max, logits[offset + b]!);
  let sum = 0;
  let expectation = 0;
  for (let b = 0; b < bins; b++) {
    const w = Math.exp(logits[offset + b]! - max);
    sum += w;
    expectation += w * b;
  }
  return expectation / sum;
}

/**
 * Every (cell, class) whose score reaches minScore becomes a candidate: a cell may carry two
 * classes (a person and the tie they wear share cells), so the best class alone is not enough.
 */
export function decodeHeads(heads: Head[], inputSize: number, minScore: number): Candidate[] {
  const out: Candidate[] = [];
  for (const { stride, scores, boxes } of heads) {
    const cols = Math.ceil(inputSize / stride);
    const cells = scores.length / NANODET_CLASSES;
    if (boxes.length !== cells * 4 * NANODET_BINS) throw new RangeError(`stride ${stride}: ${cells} score rows but ${boxes.length / 44} box rows`);
    for (let i = 0; i < cells; i++) {
      let distances: number[] | null = null;
      for (let c = 0; c < NANODET_CLASSES; c++) {
        const score = scores[i * NANODET_CLASSES + c]!;
        if (score < minScore) continue;
        if (!distances) {
          const base = i * 4 * NANODET_BINS;
          distances = [0, 1, 2, 3].map((side) => dflDistance(boxes, base + side * NANODET_BINS) * stride);
        }
        const cx = ((i % cols) + 0.5) * stride;
        const cy = (Math.floor(i / cols) + 0.5) * stride;
        const [l, t, r, b] = distances as [number, number, number, number];
        out.push({ x0: cx - l, y0: cy - t, x1: cx + r, y1: cy + b, score, classId: c });
      }
    }
  }
  return out;
}

export function iou(a: Candidate, b: Candidate): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Class-wise greedy non-maximum suppression: neighbouring cells all see the same object, the best
 * one stays. Different classes never suppress each other (a tie inside a person's box is kept).
 */
export function classwiseNms(candidates: Candidate[], iouThreshold = 0.5, maxPerClass = 20): Candidate[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const kept: Candidate[] = [];
  const perClass = new Map<number, number>();
  for (const c of sorted) {
    const n = perClass.get(c.classId) ?? 0;
    if (n >= maxPerClass) continue;
    if (kept.some((k) => k.classId === c.classId && iou(k, c) > iouThreshold)) continue;
    kept.push(c);
    perClass.set(c.classId, n + 1);
  }
  return kept;
}
