import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { detectFaces, type Face } from './faces.ts';
import { closePool } from './onnx-pool.ts';
import { loadRgb } from './rgb-image.ts';
import { requireWeights } from './test-weights.ts';

/**
 * Counted by looking at each photo. Every face here is clearly visible; the concert crowd is
 * seen from behind (backs of heads, one tiny blurred figure on the stage screen), so it has none.
 */
const EXPECTED: Record<string, number> = {
  'content/people/fr-obama.jpg': 1,
  'content/people/fr-biden.jpg': 1,
  'content/people/fr-obama_partial_face.jpg': 1, // cut by the left edge, both eyes visible
  'content/people/fr-two_people.jpg': 2,
  'content/people/fr-obama_and_biden.jpg': 3, // Biden, Obama, and a girl looking down (found through the tiles)
  'content/people/concert.jpg': 0,
  'content/skimage/astronaut.png': 1,
  'content/skimage/coffee.png': 0,
  'content/skimage/rocket.jpg': 0,
  'content/skimage/hubble_deep_field.jpg': 0,
};

const centre = (f: Face) => ({ x: f.box.x + f.box.w / 2, y: f.box.y + f.box.h / 2 });

function expectWellFormed(face: Face): void {
  const { x, y, w, h } = face.box;
  for (const v of [x, y, x + w, y + h]) {
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThanOrEqual(1);
  }
  expect(w).toBeGreaterThan(0.01);
  expect(h).toBeGreaterThan(0.01);
  expect(face.confidence).toBeGreaterThanOrEqual(0.7);
  expect(face.keypoints).toHaveLength(6);
  // Eyes, nose and mouth lie inside the box. The ear points (4, 5) sit on the box's side edges
  // and may stick out a little, so they get 10% of the box size as slack.
  face.keypoints.forEach((p, k) => {
    const slack = k >= 4 ? 0.1 : 0;
    expect(p.x).toBeGreaterThanOrEqual(x - slack * w);
    expect(p.x).toBeLessThanOrEqual(x + w + slack * w);
    expect(p.y).toBeGreaterThanOrEqual(y - slack * h);
    expect(p.y).toBeLessThanOrEqual(y + h + slack * h);
  });
  // A face the right way up: eyes above the nose, nose above the mouth.
  const [re, le, nose, mouth] = face.keypoints;
  expect(Math.max(re!.y, le!.y)).toBeLessThan(mouth!.y);
  expect(nose!.y).toBeLessThan(mouth!.y);
}

describe.skipIf(!hasCorpus)('detectFaces (BlazeFace back-256, real weights)', () => {
  beforeAll(() => requireWeights('blazeface-back-256'));
  afterAll(() => closePool());

  for (const [rel, count] of Object.entries(EXPECTED)) {
    it(`finds ${count} face(s) in ${rel}`, async () => {
      const faces = await detectFaces(corpusPath(rel));
      expect(faces.map((f) => f.confidence.toFixed(2))).toHaveLength(count);
      faces.forEach(expectWellFormed);
    });
  }

  it('puts the faces where they are: Obama left, Biden right, heads in the upper third', async () => {
    const faces = await detectFaces(corpusPath('content/people/fr-two_people.jpg'));
    const xs = faces.map((f) => centre(f).x).sort((a, b) => a - b);
    expect(xs[0]).toBeGreaterThan(0.2);
    expect(xs[0]).toBeLessThan(0.35);
    expect(xs[1]).toBeGreaterThan(0.7);
    expect(xs[1]).toBeLessThan(0.85);
    for (const f of faces) expect(centre(f).y).toBeLessThan(0.33);
  });

  it('maps boxes through EXIF orientation (a copy stored rotated with orientation 6 gives the same boxes)', async () => {
    const original = corpusPath('content/people/fr-two_people.jpg');
    const rotated = await sharp(original).rotate(-90).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
    const meta = await sharp(rotated).metadata();
    expect([meta.width, meta.height, meta.orientation]).toEqual([661, 1126, 6]);
    const a = (await detectFaces(original)).sort((p, q) => p.box.x - q.box.x);
    const b = (await detectFaces(rotated)).sort((p, q) => p.box.x - q.box.x);
    expect(b).toHaveLength(a.length);
    a.forEach((face, i) => {
      expect(b[i]!.box.x).toBeCloseTo(face.box.x, 1);
      expect(b[i]!.box.y).toBeCloseTo(face.box.y, 1);
      expect(b[i]!.box.w).toBeCloseTo(face.box.w, 1);
    });
  });

  it('accepts already decoded RGB and gives the same result as the file', async () => {
    const file = corpusPath('content/skimage/astronaut.png');
    const rgb = await loadRgb(file, 1280);
    expect([rgb.width, rgb.height, rgb.data.length]).toEqual([512, 512, 512 * 512 * 3]);
    const [fromRgb] = await detectFaces(rgb);
    const [fromFile] = await detectFaces(file);
    expect(fromRgb!.box).toEqual(fromFile!.box);
    // The astronaut's face: upper middle of the frame.
    expect(centre(fromRgb!).x).toBeGreaterThan(0.35);
    expect(centre(fromRgb!).x).toBeLessThan(0.6);
    expect(centre(fromRgb!).y).toBeLessThan(0.4);
  });

  it('finds the small face only with the tile pass', async () => {
    const file = corpusPath('content/people/fr-obama_and_biden.jpg');
    expect(await detectFaces(file, { tileAbove: 0 })).toHaveLength(2);
    expect(await detectFaces(file)).toHaveLength(3);
  });
});
