import { describe, expect, it } from 'vitest';
import { aspectRatio, dragCrop, fitAspect } from './crop-math.ts';

const box = { x: 0.2, y: 0.2, w: 0.4, h: 0.4, angle: 0 };
const pixelRatio = (b: { w: number; h: number }, W: number, H: number) => (b.w * W) / (b.h * H);

describe('crop math', () => {
  it('moves one edge freely and never past the frame', () => {
    expect(dragCrop(box, 'e', 0.1, 0, null, 600, 400)).toMatchObject({ x: 0.2, w: expect.closeTo(0.5, 9) });
    expect(dragCrop(box, 'w', -0.5, 0, null, 600, 400)).toMatchObject({ x: 0, w: expect.closeTo(0.6, 9) });
    expect(dragCrop(box, 'move', 0.9, 0.9, null, 600, 400)).toMatchObject({ x: expect.closeTo(0.6, 9), y: expect.closeTo(0.6, 9) });
  });

  it('keeps a locked pixel ratio while a corner moves, anchored at the opposite corner', () => {
    const out = dragCrop(box, 'se', 0.1, 0, 16 / 9, 600, 400);
    expect(pixelRatio(out, 600, 400)).toBeCloseTo(16 / 9, 6);
    expect(out.x).toBeCloseTo(0.2, 9);
    expect(out.y).toBeCloseTo(0.2, 9);
    expect(out.x + out.w).toBeLessThanOrEqual(1);
    expect(out.y + out.h).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('shrinks instead of leaving the frame when the ratio would need more room', () => {
    const out = dragCrop(box, 'se', 0.4, 0, 9 / 16, 600, 400);
    expect(pixelRatio(out, 600, 400)).toBeCloseTo(9 / 16, 6);
    expect(out.y + out.h).toBeCloseTo(1, 9);
  });

  it('fits an aspect around the centre, inside the photo', () => {
    const out = fitAspect({ x: 0, y: 0, w: 1, h: 1, angle: 0 }, aspectRatio('1:1', 600, 400), 600, 400);
    expect(pixelRatio(out, 600, 400)).toBeCloseTo(1, 6);
    expect(out).toMatchObject({ h: 1, y: 0, w: expect.closeTo(400 / 600, 9), x: expect.closeTo((1 - 400 / 600) / 2, 9) });
    expect(aspectRatio('original', 600, 400)).toBeCloseTo(1.5, 9);
    expect(aspectRatio('free', 600, 400)).toBeNull();
  });
});
