import { area, bottom, centreOf, intersection, right, type FBox } from './geometry.ts';

export type FaceHint = { box: FBox; keypoints?: { x: number; y: number }[] };

/** What a composition is judged on. Everything is in fractions of the oriented image. */
export type Scene = { faces: FaceHint[]; subject: FBox | null };

export type Composition = {
  score: number;
  /** Where the point of interest sits inside the crop (0..1 across and down), null without one. */
  focus: { x: number; y: number } | null;
  facesInside: number;
  /** Share of the subject box inside the crop (1 without a subject). */
  subjectKept: number;
  headroom: number | null;
};

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** Eye height of a face: the eye keypoints when present, else 40% down its box (BlazeFace's average). */
function eyeY(face: FaceHint): number {
  const [re, le] = face.keypoints ?? [];
  return re && le ? (re.y + le.y) / 2 : face.box.y + face.box.h * 0.4;
}

// Every candidate crop of every aspect is scored (thousands a photo): the scoring allocates as
// little as it can, since its garbage once set the analysis threads' heap size.
const THIRDS = [1 / 3, 1 / 2, 2 / 3] as const;
const CENTRE = [1 / 2] as const;
const EYE_LINE = [0.36] as const;
const NO_FACES: readonly FaceHint[] = [];

/** Where a point sits inside the crop, 0..1 across and down. */
const relativeTo = (crop: FBox, p: { x: number; y: number }) => ({ x: (p.x - crop.x) / crop.w, y: (p.y - crop.y) / crop.h });

/** 1 at a target, falling linearly to 0 at `reach` away from the nearest one. */
function nearTarget(v: number, targets: readonly number[], reach: number): number {
  let nearest = Infinity;
  for (const t of targets) nearest = Math.min(nearest, Math.abs(v - t));
  return clamp01(1 - nearest / reach);
}

/**
 * Score of one candidate crop (higher is better, 0..1). `scale` is the crop's size relative to the
 * largest crop of its aspect (1 = as big as the ratio allows).
 *
 * With faces: eyes about a third from the top, the group balanced (one face may sit on a third or
 * in the centre), headroom above the highest face of 6-25% of the crop height, faces not pressed
 * against the sides, and a generous frame. Without faces, the subject box plays that part
 * (on a third or centred). With neither, the most of the photo, centred.
 */
export function scoreCrop(crop: FBox, scale: number, scene: Scene): Composition {
  const inside = scene.faces.length === 0 ? NO_FACES : scene.faces.filter((f) => intersection(crop, f.box) >= area(f.box) * 0.999);
  const subjectKept = scene.subject ? intersection(crop, scene.subject) / Math.max(1e-12, area(scene.subject)) : 1;
  const size = clamp01((scale - 0.3) / 0.7);

  if (inside.length > 0) {
    const weights = inside.map((f) => area(f.box));
    const total = weights.reduce((a, b) => a + b, 0);
    const fx = inside.reduce((s, f, i) => s + centreOf(f.box).x * weights[i]!, 0) / total;
    const fy = inside.reduce((s, f, i) => s + eyeY(f) * weights[i]!, 0) / total;
    const focus = relativeTo(crop, { x: fx, y: fy });
    const thirdsX = nearTarget(focus.x, inside.length === 1 ? THIRDS : CENTRE, 0.2);
    const eyes = nearTarget(focus.y, EYE_LINE, 0.3);
    const top = Math.min(...inside.map((f) => f.box.y));
    const headroom = (top - crop.y) / crop.h;
    const headroomScore = headroom < 0.06 ? clamp01(headroom / 0.06) : headroom <= 0.25 ? 1 : clamp01(1 - (headroom - 0.25) / 0.3);
    const margin = Math.min(...inside.map((f) => Math.min((f.box.x - crop.x) / crop.w, (right(crop) - right(f.box)) / crop.w)));
    const marginScore = clamp01(margin / 0.08);
    const score = 0.15 * thirdsX + 0.2 * eyes + 0.15 * headroomScore + 0.1 * marginScore + 0.25 * size + 0.15 * subjectKept;
    return { score, focus, facesInside: inside.length, subjectKept, headroom };
  }
  if (scene.subject) {
    const focus = relativeTo(crop, centreOf(scene.subject));
    const placement = (nearTarget(focus.x, THIRDS, 0.2) + nearTarget(focus.y, THIRDS, 0.2)) / 2;
    // A subject touching the frame's edge reads as cut even when most of it is inside.
    const gap = (d: number) => (d < -1e-9 ? 1 : d);
    const nearest = Math.min(gap(scene.subject.x - crop.x), gap(scene.subject.y - crop.y), gap(right(crop) - right(scene.subject)), gap(bottom(crop) - bottom(scene.subject)));
    const room = clamp01(nearest / 0.03);
    const score = 0.25 * placement + 0.3 * size + 0.35 * subjectKept + 0.1 * room;
    return { score, focus, facesInside: 0, subjectKept, headroom: null };
  }
  const dx = (0.5 - crop.x) / crop.w - 0.5;
  const dy = (0.5 - crop.y) / crop.h - 0.5;
  const centred = 1 - Math.min(1, Math.sqrt(dx * dx + dy * dy) * 2);
  return { score: 0.6 * size + 0.4 * centred, focus: null, facesInside: 0, subjectKept, headroom: null };
}
