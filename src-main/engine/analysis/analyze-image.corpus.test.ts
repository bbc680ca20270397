import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { CROP_ASPECTS, type Box } from '../../contract/index.ts';
import { openImage } from '../media/decode.ts';
import { analyzeOpenedImage, type ImageAnalysis } from './analyze-image.ts';
import { OnnxPool } from './onnx-pool.ts';
import { requireWeights } from './test-weights.ts';

/**
 * The job's own path (one decode of the original, every analysis from it) on the corpus. Face
 * counts were written by looking at each photo (see faces.test.ts for what each face is).
 */
const PEOPLE: Record<string, number> = {
  'content/people/fr-obama.jpg': 1,
  'content/people/fr-biden.jpg': 1,
  'content/people/fr-obama_partial_face.jpg': 1,
  'content/people/fr-two_people.jpg': 2,
  'content/people/fr-obama_and_biden.jpg': 3,
  'content/people/concert.jpg': 0, // a crowd seen from behind
  'content/skimage/astronaut.png': 1,
  'content/near-dup/fr-obama-720p.jpg': 1,
};
const NO_FACES = ['content/skimage/coffee.png', 'content/skimage/rocket.jpg', 'content/skimage/hubble_deep_field.jpg'];
const LADDER_DEGRADED = ['blur', 'motionblur', 'underexposed', 'overexposed', 'jpegq4'];

const inside = (outer: Box, inner: Box) =>
  inner.x >= outer.x - 1e-9 && inner.y >= outer.y - 1e-9 && inner.x + inner.w <= outer.x + outer.w + 1e-9 && inner.y + inner.h <= outer.y + outer.h + 1e-9;
const FRAME: Box = { x: 0, y: 0, w: 1, h: 1 };

describe.skipIf(!hasCorpus)('analyzeOpenedImage on the corpus (faces, quality, hash, crops; ISNet off)', () => {
  const pool = new OnnxPool();
  const analyse = async (rel: string): Promise<ImageAnalysis> => analyzeOpenedImage(await openImage(corpusPath(rel)), { pool, subject: false });
  beforeAll(() => requireWeights('blazeface-back-256'));
  afterAll(() => pool.close());

  for (const [rel, count] of Object.entries(PEOPLE)) {
    it(`${rel}: ${count} face(s), and every crop proposal keeps all of them`, async () => {
      const a = await analyse(rel);
      expect(a.faces).toHaveLength(count);
      expect(a.crops.proposals.length).toBeGreaterThan(0);
      for (const p of a.crops.proposals) {
        expect(inside(FRAME, p.box)).toBe(true);
        for (const f of a.faces ?? []) expect({ aspect: p.aspect, box: p.box, keepsFace: inside(p.box, f.box) }).toMatchObject({ keepsFace: true });
      }
    });
  }

  it('finds no face on coffee, rocket and the Hubble deep field', async () => {
    for (const rel of NO_FACES) expect({ rel, faces: (await analyse(rel)).faces }).toEqual({ rel, faces: [] });
  });

  for (const photo of ['coffee', 'chelsea']) {
    it(`ranks the ${photo} ladder's good image first`, async () => {
      const good = (await analyse(`content/quality/derived/${photo}_good.jpg`)).quality.score;
      for (const kind of LADDER_DEGRADED) {
        const q = (await analyse(`content/quality/derived/${photo}_${kind}.jpg`)).quality.score;
        expect({ kind, below: q < good }).toEqual({ kind, below: true });
      }
    });
  }

  for (const shape of ['Landscape', 'Portrait']) {
    it(`${shape}_1..8: oriented size, and proposals inside the oriented image with the right ratio`, async () => {
      const sizes = new Set<string>();
      for (let o = 1; o <= 8; o++) {
        const image = await openImage(corpusPath(`jpeg/orientation/${shape}_${o}.jpg`));
        expect(image.orientation).toBe(o);
        const a = await analyzeOpenedImage(image, { pool, subject: false });
        sizes.add(`${a.width}x${a.height}`);
        expect(a.width > a.height).toBe(shape === 'Landscape');
        for (const p of a.crops.proposals) {
          expect({ o, aspect: p.aspect, inside: inside(FRAME, p.box) }).toEqual({ o, aspect: p.aspect, inside: true });
          const ratio = (p.box.w * a.width) / (p.box.h * a.height);
          const want = { original: a.width / a.height, '1:1': 1, '4:5': 0.8, '3:2': 1.5, '16:9': 16 / 9, '9:16': 9 / 16, '1.91:1': 1.91, '2:3': 2 / 3, '3:1': 3 }[p.aspect];
          expect(ratio).toBeCloseTo(want, 6);
        }
        expect(new Set(a.crops.proposals.map((p) => p.aspect)).size).toBe(CROP_ASPECTS.length);
      }
      // Every orientation shows the same upright picture.
      expect(sizes.size).toBe(1);
    });
  }
});
