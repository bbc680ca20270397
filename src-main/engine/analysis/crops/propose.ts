import { CROP_ASPECTS, type CropAspect, type CropProposal } from '../../../contract/analysis.ts';
import { aspectRatio, largestFit } from './aspects.ts';
import { contains, expand, insideImage, intersection, iou, straightenedFrameKeeps, type FBox } from './geometry.ts';
import { scoreCrop, type Composition, type FaceHint } from './score.ts';

export type CropInput = {
  /** Oriented size in pixels. */
  width: number;
  height: number;
  faces: FaceHint[];
  subject: FBox | null;
  /** What the subject is when it is not a salient mask, e.g. "main object (cup)", for the reason text. */
  subjectName?: string;
  /** Straighten angle (degrees, crop-op sign) to apply where it keeps faces and subject whole; 0 for none. */
  angle?: number;
  aspects?: readonly CropAspect[];
  /** Candidates per aspect, best first. */
  perAspect?: number;
};

const SCALES = [1, 0.92, 0.84, 0.76, 0.68, 0.6, 0.52, 0.44];
const STEPS = 20;
/** Two proposals this similar are one idea: the second is skipped. */
const MAX_OVERLAP = 0.75;

type Candidate = { box: FBox; scale: number; comp: Composition };

/**
 * What must stay in the frame around a face: a little to the sides and below, more above for hair
 * (BlazeFace boxes run from the brows to the chin), clipped to the photo.
 */
const keepBox = (face: FaceHint) => expand({ ...face.box, y: face.box.y - face.box.h * 0.15, h: face.box.h * 1.15 }, 0.1, 0.1);

/** A face is either wholly in the crop or wholly out of it: never cut. */
function cutsAFace(box: FBox, faces: FaceHint[]): boolean {
  for (const f of faces) if (intersection(box, f.box) > 0 && !contains(box, f.box)) return true;
  return false;
}

function keepsAll(box: FBox, keep: FBox[]): boolean {
  for (const k of keep) if (!contains(box, k)) return false;
  return true;
}

type GridSize = { scale: number; w: number; h: number; nx: number; ny: number; first: number };

/** Writes the box at grid position (ix, iy) of one size into `into`, and returns it. */
function placeBox(s: GridSize, ix: number, iy: number, into: FBox): FBox {
  into.x = s.nx === 1 ? 0 : ((1 - s.w) * ix) / STEPS;
  into.y = s.ny === 1 ? 0 : ((1 - s.h) * iy) / STEPS;
  into.w = Math.min(1, s.w);
  into.h = Math.min(1, s.h);
  return into;
}

/**
 * The candidate boxes of one aspect: at each scale, a grid of positions (one when the crop spans
 * the photo that way), in a fixed order, so the same index always names the same box.
 */
class CandidateGrid {
  readonly #sizes: GridSize[] = [];
  readonly count: number;

  constructor(ratio: number, input: CropInput) {
    const fit = largestFit(ratio, input.width, input.height);
    let first = 0;
    for (const scale of SCALES) {
      const w = fit.w * scale;
      const h = fit.h * scale;
      const nx = w >= 1 ? 1 : STEPS + 1;
      const ny = h >= 1 ? 1 : STEPS + 1;
      this.#sizes.push({ scale, w, h, nx, ny, first });
      first += nx * ny;
    }
    this.count = first;
  }

  scale(index: number): number {
    return this.#size(index).scale;
  }

  box(index: number): FBox {
    const s = this.#size(index);
    const at = index - s.first;
    const ix = at % s.nx;
    return placeBox(s, ix, (at - ix) / s.nx, { x: 0, y: 0, w: 0, h: 0 });
  }

  /**
   * Every candidate in index order, without looking its size up again for each one. The box is
   * one object rewritten for each candidate (tens of thousands a photo): `visit` must not keep it.
   */
  each(visit: (index: number, box: FBox, scale: number) => void): void {
    const box: FBox = { x: 0, y: 0, w: 0, h: 0 };
    for (const s of this.#sizes) {
      for (let iy = 0; iy < s.ny; iy++) for (let ix = 0; ix < s.nx; ix++) visit(s.first + iy * s.nx + ix, placeBox(s, ix, iy, box), s.scale);
    }
  }

  #size(index: number): GridSize {
    let found = this.#sizes[0]!;
    for (const s of this.#sizes) if (s.first <= index) found = s;
    return found;
  }
}

function percent(v: number): string {
  return `${Math.round(v * 100)}%`;
}

function reasonFor(c: Candidate, input: CropInput, aspect: CropAspect, angle: number): string {
  const parts: string[] = [];
  const n = c.comp.facesInside;
  if (n > 0) parts.push(n === 1 ? 'keeps the face' : n === 2 ? 'keeps both faces' : `keeps all ${n} faces`);
  const name = input.subjectName ?? 'subject';
  if (input.subject) {
    const kept = c.comp.subjectKept >= 0.999;
    if (input.subjectName) parts.push(kept ? `keeps the ${name}` : `${percent(c.comp.subjectKept)} of the ${name}`);
    else parts.push(kept ? 'the whole subject' : `${percent(c.comp.subjectKept)} of the subject`);
  }
  const f = c.comp.focus;
  if (f) {
    const who = n > 0 ? (n > 1 ? 'faces' : 'face') : input.subjectName ? 'object' : 'subject';
    const side = Math.abs(f.x - 1 / 3) < 0.07 ? 'on the left third' : Math.abs(f.x - 2 / 3) < 0.07 ? 'on the right third' : Math.abs(f.x - 0.5) < 0.07 ? 'centred' : null;
    if (side) parts.push(`${who} ${side}`);
    if (n > 0 && Math.abs(f.y - 1 / 3) < 0.08) parts.push('eyes on the upper third');
  }
  if (c.scale >= 0.999 && aspect === 'original') parts.push('the whole frame');
  else if (parts.length === 0) {
    const centred = Math.abs(c.box.x + c.box.w / 2 - 0.5) < 0.02 && Math.abs(c.box.y + c.box.h / 2 - 0.5) < 0.02;
    parts.push(`${percent(c.scale * c.scale)} of the largest ${aspect} crop${centred ? ', centred' : ''}`);
  }
  if (angle !== 0) parts.push(`straightened ${angle > 0 ? '+' : ''}${angle}°`);
  const text = parts.join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Ranked crop proposals per aspect. Hard rules: inside the photo; no face cut; every face kept
 * (with room for hair) when the aspect allows it at all, else no proposal for that aspect (a crop
 * that drops a person is the photographer's call); the whole subject kept when some crop that keeps
 * the faces also keeps it. Among the rest, the composition score ranks (score.ts), and near
 * copies of a better proposal are skipped.
 */
export function proposeCrops(input: CropInput): CropProposal[] {
  const aspects = input.aspects ?? CROP_ASPECTS;
  const perAspect = input.perAspect ?? 3;
  const keep = input.faces.map(keepBox);
  const out: CropProposal[] = [];
  for (const aspect of aspects) {
    const grid = new CandidateGrid(aspectRatio(aspect, input.width, input.height), input);
    // Scores are kept in a typed array and boxes rebuilt from their index: thousands of candidate
    // objects held through the ranking outlived the young generation and grew the thread's heap.
    const scores = new Float64Array(grid.count).fill(Number.NaN);
    const keepsSubject = new Uint8Array(grid.count);
    let valid = 0;
    let subjectKeepers = 0;
    grid.each((i, box, scale) => {
      if (!insideImage(box) || cutsAFace(box, input.faces)) return;
      if (!keepsAll(box, keep)) return;
      scores[i] = scoreCrop(box, scale, input).score;
      valid++;
      if (input.subject && contains(box, input.subject)) {
        keepsSubject[i] = 1;
        subjectKeepers++;
      }
    });
    if (valid === 0) continue;
    const pool: number[] = [];
    for (let i = 0; i < grid.count; i++) if (!Number.isNaN(scores[i]!) && (subjectKeepers === 0 || keepsSubject[i] === 1)) pool.push(i);
    // Best first; equal scores keep the grid's order. The comparator answers -1/1 rather than the
    // difference of two scores: a fractional result is boxed on the heap, once per comparison.
    pool.sort((a, b) => (scores[a]! > scores[b]! ? -1 : scores[a]! < scores[b]! ? 1 : a - b));
    const chosen: Candidate[] = [];
    for (const i of pool) {
      if (chosen.length >= perAspect) break;
      const box = grid.box(i);
      if (chosen.some((p) => iou(p.box, box) > MAX_OVERLAP)) continue;
      chosen.push({ box, scale: grid.scale(i), comp: scoreCrop(box, grid.scale(i), input) });
    }
    for (const c of chosen) {
      const mustKeep = [...input.faces.map((f) => f.box), ...(input.subject && contains(c.box, input.subject) ? [input.subject] : [])];
      const wanted = input.angle ?? 0;
      const angle = wanted !== 0 && straightenedFrameKeeps(c.box, wanted, mustKeep, input.width, input.height) ? wanted : 0;
      // Guessing a composition without faces or a subject is worth less than framing people.
      const certainty = input.faces.length > 0 || input.subject ? 1 : 0.6;
      out.push({
        aspect,
        box: c.box,
        angle,
        confidence: Math.round(Math.min(1, c.comp.score * certainty) * 1000) / 1000,
        reason: reasonFor(c, input, aspect, angle),
      });
    }
  }
  return out;
}
