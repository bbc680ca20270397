import { describe, expect, it } from 'vitest';
import { CROP_ASPECTS, type CropProposal } from '../../../contract/analysis.ts';
import { aspectRatio } from './aspects.ts';
import { contains, iou, straightenedFrameKeeps, type FBox } from './geometry.ts';
import { proposeCrops, type CropInput } from './propose.ts';

const W = 3000;
const H = 2000;

/** A BlazeFace-like face: box plus eyes at 40% of its height. */
function face(x: number, y: number, w: number, h = w * (W / H)) {
  const ey = y + h * 0.4;
  return { box: { x, y, w, h }, keypoints: [{ x: x + w * 0.3, y: ey }, { x: x + w * 0.7, y: ey }] };
}

function expectInside(p: CropProposal): void {
  const { x, y, w, h } = p.box;
  expect(x).toBeGreaterThanOrEqual(0);
  expect(y).toBeGreaterThanOrEqual(0);
  expect(w).toBeGreaterThan(0);
  expect(h).toBeGreaterThan(0);
  expect(x + w).toBeLessThanOrEqual(1 + 1e-9);
  expect(y + h).toBeLessThanOrEqual(1 + 1e-9);
}

function expectAspect(p: CropProposal, width: number, height: number): void {
  expect((p.box.w * width) / (p.box.h * height)).toBeCloseTo(aspectRatio(p.aspect, width, height), 9);
}

function byAspect(ps: CropProposal[]): Partial<Record<CropProposal['aspect'], CropProposal[]>> {
  const out: Partial<Record<CropProposal['aspect'], CropProposal[]>> = {};
  for (const p of ps) (out[p.aspect] ??= []).push(p);
  return out;
}

describe('proposeCrops', () => {
  it('without faces or subject: every aspect, up to 3 each, exact ratio, inside the photo, modest confidence', () => {
    const ps = proposeCrops({ width: W, height: H, faces: [], subject: null });
    const groups = byAspect(ps);
    expect(Object.keys(groups).sort()).toEqual([...CROP_ASPECTS].sort());
    for (const aspect of CROP_ASPECTS) {
      const list = groups[aspect]!;
      expect(list.length).toBeGreaterThanOrEqual(1);
      expect(list.length).toBeLessThanOrEqual(3);
      for (const p of list) {
        expectInside(p);
        expectAspect(p, W, H);
        expect(p.angle).toBe(0);
        expect(p.confidence).toBeLessThanOrEqual(0.6);
      }
    }
    // The best original crop is the whole frame.
    expect(groups.original![0]!.box).toEqual({ x: 0, y: 0, w: 1, h: 1 });
    expect(groups.original![0]!.reason).toBe('The whole frame');
  });

  it('ranks by confidence within an aspect and never offers two near-copies', () => {
    const ps = proposeCrops({ width: W, height: H, faces: [face(0.6, 0.2, 0.08)], subject: null });
    for (const list of Object.values(byAspect(ps))) {
      const conf = list!.map((p) => p.confidence);
      expect(conf).toEqual([...conf].sort((a, b) => b - a));
      for (let i = 0; i < list!.length; i++) for (let j = i + 1; j < list!.length; j++) expect(iou(list![i]!.box, list![j]!.box)).toBeLessThanOrEqual(0.75);
    }
  });

  it('keeps a single face with room above it, eyes high in the frame', () => {
    const f = face(0.62, 0.25, 0.08);
    const ps = proposeCrops({ width: W, height: H, faces: [f], subject: null });
    expect(ps.length).toBeGreaterThanOrEqual(CROP_ASPECTS.length);
    for (const p of ps) {
      expect(contains(p.box, f.box)).toBe(true);
      // headroom: the crop starts above the face by at least 15% of the face height (hair)
      expect(f.box.y - p.box.y).toBeGreaterThanOrEqual(f.box.h * 0.15 - 1e-9);
      expectAspect(p, W, H);
    }
    const best = byAspect(ps)['4:5']![0]!;
    const eyes = (f.keypoints[0]!.y - best.box.y) / best.box.h;
    expect(eyes).toBeGreaterThan(0.2);
    expect(eyes).toBeLessThan(0.5);
    expect(best.reason).toMatch(/^Keeps the face/);
  });

  it('keeps every face of a group, or proposes nothing for an aspect that cannot', () => {
    const faces = [face(0.05, 0.3, 0.06), face(0.88, 0.3, 0.06)];
    const ps = proposeCrops({ width: W, height: H, faces, subject: null });
    const aspects = new Set(ps.map((p) => p.aspect));
    // 9:16 from 3:2 is 37.5% of the width: the two faces are 89% apart.
    expect(aspects.has('9:16')).toBe(false);
    expect(aspects.has('1:1')).toBe(false);
    expect(aspects.has('original')).toBe(true);
    expect(aspects.has('16:9')).toBe(true);
    for (const p of ps) for (const f of faces) expect(contains(p.box, f.box)).toBe(true);
    expect(ps[0]!.reason).toMatch(/^Keeps both faces/);
  });

  it('never cuts a face that a crop leaves out: each face is wholly in or wholly out', () => {
    const faces = [face(0.3, 0.2, 0.1), face(0.47, 0.25, 0.1), face(0.7, 0.6, 0.05)];
    for (const p of proposeCrops({ width: W, height: H, faces, subject: null })) {
      for (const f of faces) {
        const overlap = iou(p.box, f.box) > 0;
        expect(!overlap || contains(p.box, f.box)).toBe(true);
      }
    }
  });

  it('keeps the whole subject when the ratio allows it', () => {
    const subject: FBox = { x: 0.55, y: 0.3, w: 0.2, h: 0.5 };
    const ps = proposeCrops({ width: W, height: H, faces: [], subject });
    expect(new Set(ps.map((p) => p.aspect)).size).toBe(CROP_ASPECTS.length);
    for (const p of ps) {
      expect(contains(p.box, subject)).toBe(true);
      expect(p.reason).toMatch(/the whole subject/i);
      expect(p.confidence).toBeGreaterThan(0.5);
    }
  });

  it('crops into a subject too wide for the ratio, and says how much of it is kept', () => {
    const subject: FBox = { x: 0.05, y: 0.3, w: 0.9, h: 0.3 };
    const tall = proposeCrops({ width: W, height: H, faces: [], subject, aspects: ['9:16'] });
    expect(tall.length).toBeGreaterThan(0);
    for (const p of tall) {
      expect(contains(p.box, subject)).toBe(false);
      expect(p.reason).toMatch(/\d+% of the subject/);
    }
  });

  it('straightens only where the straightened frame still holds the faces', () => {
    const centred = face(0.46, 0.3, 0.08);
    const ps = proposeCrops({ width: W, height: H, faces: [centred], subject: null, angle: 3 });
    expect(ps.some((p) => p.angle === 3)).toBe(true);
    for (const p of ps) {
      expect([0, 3]).toContain(p.angle);
      expect(straightenedFrameKeeps(p.box, p.angle, [centred.box], W, H)).toBe(true);
      if (p.angle === 3) expect(p.reason).toContain('straightened +3°');
    }
    // A face in the corner: the full frame straightened by 3 degrees would cut it, so that one stays at 0.
    const corner = face(0.005, 0.01, 0.06);
    const whole = proposeCrops({ width: W, height: H, faces: [corner], subject: null, angle: 3, aspects: ['original'] });
    for (const p of whole) expect(straightenedFrameKeeps(p.box, p.angle, [corner.box], W, H)).toBe(true);
    expect(whole.find((p) => p.box.w === 1 && p.box.h === 1)?.angle ?? 0).toBe(0);
  });

  it('works in portrait photos and is deterministic', () => {
    const input: CropInput = { width: 2000, height: 3000, faces: [face(0.4, 0.15, 0.15, 0.1)], subject: { x: 0.2, y: 0.1, w: 0.6, h: 0.85 } };
    const a = proposeCrops(input);
    expect(a).toEqual(proposeCrops(input));
    for (const p of a) {
      expectInside(p);
      expectAspect(p, 2000, 3000);
      expect(contains(p.box, input.faces[0]!.box)).toBe(true);
    }
  });
});

describe('straightenedFrameKeeps', () => {
  it('is plain containment at 0 degrees and shrinks the frame when turned', () => {
    const crop = { x: 0, y: 0, w: 1, h: 1 };
    const middle = { x: 0.45, y: 0.45, w: 0.1, h: 0.1 };
    const corner = { x: 0, y: 0, w: 0.05, h: 0.05 };
    expect(straightenedFrameKeeps(crop, 0, [middle, corner], W, H)).toBe(true);
    expect(straightenedFrameKeeps(crop, 5, [middle], W, H)).toBe(true);
    expect(straightenedFrameKeeps(crop, 5, [corner], W, H)).toBe(false);
    expect(straightenedFrameKeeps(crop, -5, [corner], W, H)).toBe(false);
  });
});
