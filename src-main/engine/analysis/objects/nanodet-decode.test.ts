import { describe, expect, it } from 'vitest';
import { classwiseNms, decodeHeads, dflDistance, iou, NANODET_BINS, NANODET_CLASSES, type Candidate, type Head } from './nanodet-decode.ts';
import { toImageBox } from './detect-objects.ts';
import { mainObject } from './main-object.ts';

/** An empty head for a size x size input at `stride`, with logits that put every distance at bin 0. */
function head(size: number, stride: number): Head {
  const cells = (size / stride) ** 2;
  const boxes = new Float32Array(cells * 4 * NANODET_BINS).fill(-50);
  for (let i = 0; i < cells * 4; i++) boxes[i * NANODET_BINS] = 50;
  return { stride, scores: new Float32Array(cells * NANODET_CLASSES), boxes };
}

/** A one-hot distance: side `side` of `cell` at exactly `bin` strides. */
function setDistance(h: Head, cell: number, side: number, bin: number): void {
  const base = (cell * 4 + side) * NANODET_BINS;
  for (let b = 0; b < NANODET_BINS; b++) h.boxes[base + b] = b === bin ? 50 : -50;
}

describe('NanoDet decoding', () => {
  it('takes the softmax expectation of the bins', () => {
    expect(dflDistance(new Float32Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 0)).toBeCloseTo(5, 6);
    expect(dflDistance(new Float32Array([-99, -99, -99, 99, -99, -99, -99, -99, -99, -99, -99]), 0)).toBeCloseTo(3, 6);
    // two equal bins, 2 and 4: expectation 3
    const two = new Float32Array(11).fill(-99);
    two[2] = 10;
    two[4] = 10;
    expect(dflDistance(two, 0)).toBeCloseTo(3, 6);
  });

  it('turns a cell score and its four distances into an exact box around the cell centre', () => {
    const h = head(64, 8); // 8 x 8 cells
    const cell = 2 * 8 + 3; // row 2, column 3: centre (28, 20)
    h.scores[cell * NANODET_CLASSES + 41] = 0.9; // cup
    setDistance(h, cell, 0, 2); // left 16
    setDistance(h, cell, 1, 1); // top 8
    setDistance(h, cell, 2, 3); // right 24
    setDistance(h, cell, 3, 4); // bottom 32
    const found = decodeHeads([h], 64, 0.3);
    expect(found).toEqual([{ x0: 12, y0: 12, x1: 52, y1: 52, score: expect.closeTo(0.9, 6), classId: 41 }]);
  });

  it('keeps two classes seen in one cell and reads every stride with its own grid', () => {
    const a = head(64, 8);
    const b = head(64, 32); // 2 x 2 cells
    a.scores[0 * NANODET_CLASSES + 0] = 0.8;
    a.scores[0 * NANODET_CLASSES + 27] = 0.6;
    a.scores[5 * NANODET_CLASSES + 1] = 0.2; // under the threshold
    b.scores[3 * NANODET_CLASSES + 2] = 0.7; // cell (1, 1): centre (48, 48)
    setDistance(b, 3, 0, 1);
    const found = decodeHeads([a, b], 64, 0.3);
    expect(found.map((c) => [c.classId, c.x0, c.y0, c.x1, c.y1])).toEqual([
      [0, 4, 4, 4, 4],
      [27, 4, 4, 4, 4],
      [2, 16, 48, 48, 48],
    ]);
  });

  it('rejects heads whose score and box rows disagree', () => {
    const h = head(64, 8);
    expect(() => decodeHeads([{ ...h, boxes: h.boxes.subarray(44) }], 64, 0.3)).toThrow(RangeError);
  });
});

const box = (x0: number, y0: number, x1: number, y1: number, score: number, classId = 0): Candidate => ({ x0, y0, x1, y1, score, classId });

describe('class-wise NMS', () => {
  it('keeps the best of overlapping boxes of one class, and never suppresses across classes', () => {
    const kept = classwiseNms([
      box(0, 0, 10, 10, 0.6),
      box(1, 1, 11, 11, 0.9), // IoU with the first 81/119 = 0.68
      box(20, 20, 30, 30, 0.5), // apart
      box(1, 1, 11, 11, 0.4, 27), // same place, other class
    ]);
    expect(kept.map((k) => [k.x0, k.score, k.classId])).toEqual([[1, 0.9, 0], [20, 0.5, 0], [1, 0.4, 27]]);
    expect(iou(box(0, 0, 10, 10, 1), box(1, 1, 11, 11, 1))).toBeCloseTo(81 / 119, 9);
  });

  it('keeps boxes that overlap less than the threshold', () => {
    const kept = classwiseNms([box(0, 0, 10, 10, 0.9), box(6, 0, 16, 10, 0.8)], 0.5); // IoU 40/160 = 0.25
    expect(kept).toHaveLength(2);
  });
});

describe('letterbox mapping', () => {
  it('maps input-square pixels back to image fractions and clamps to the image', () => {
    // a 2:1 image in 416: inner 416 x 208, bars of 104 above and below
    const lb = { padX: 0, padY: 104, innerW: 416, innerH: 208 };
    expect(toImageBox(box(104, 156, 208, 260, 1), lb)).toEqual({ x: 0.25, y: 0.25, w: 0.25, h: 0.5 });
    expect(toImageBox(box(-20, 50, 500, 400, 1), lb)).toEqual({ x: 0, y: 0, w: 1, h: 1 });
  });
});

describe('main object for crops', () => {
  it('prefers a confident object of real size and ignores whole-frame boxes', () => {
    const table = { label: 'dining table', box: { x: 0, y: 0, w: 1, h: 1 }, confidence: 0.53 };
    const cup = { label: 'cup', box: { x: 0.29, y: 0.06, w: 0.4, h: 0.61 }, confidence: 0.31 };
    const spoon = { label: 'spoon', box: { x: 0.5, y: 0.6, w: 0.05, h: 0.1 }, confidence: 0.5 };
    expect(mainObject([table, spoon, cup])?.label).toBe('cup');
    expect(mainObject([table])).toBeNull();
  });
});
