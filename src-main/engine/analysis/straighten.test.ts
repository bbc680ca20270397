import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { loadRgb } from './rgb-image.ts';
import { estimateStraighten, straightenFromGrey } from './straighten.ts';

/** Sky over ground with a level horizon, 1200 x 800. */
async function levelHorizon(): Promise<Buffer> {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800"><rect width="1200" height="800" fill="#8ab4d0"/><rect y="400" width="1200" height="400" fill="#3a5a40"/></svg>';
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** The image turned clockwise by `degrees` (sharp's sign) and cut back to its middle, so no corners show. */
async function tilted(image: Buffer, degrees: number): Promise<Buffer> {
  const turned = await sharp(image).rotate(degrees, { background: '#000' }).png().toBuffer();
  const meta = await sharp(turned).metadata();
  const w = 900;
  const h = 500;
  return sharp(turned).extract({ left: Math.round((meta.width - w) / 2), top: Math.round((meta.height - h) / 2), width: w, height: h }).png().toBuffer();
}

describe('estimateStraighten', () => {
  it('reads a clockwise-tilted horizon as a positive angle (the crop op turns the picture back counter-clockwise)', async () => {
    const level = await levelHorizon();
    for (const degrees of [1.5, 3, -2, -4]) {
      const est = await estimateStraighten(await loadRgb(await tilted(level, degrees), 1024));
      expect({ degrees, close: Math.abs(est.angle - degrees) <= 0.5 }).toEqual({ degrees, close: true });
      expect(est.confidence).toBeGreaterThan(0.5);
    }
  });

  it('leaves a level horizon at 0', async () => {
    const est = await estimateStraighten(await loadRgb(await tilted(await levelHorizon(), 0), 1024));
    expect(est.angle).toBe(0);
    expect(Math.abs(est.measured)).toBeLessThan(0.2);
  });

  it('turning the tilted picture back by the proposed angle (as the crop op does) levels it', async () => {
    const crooked = await tilted(await levelHorizon(), 2.5);
    const { angle } = await estimateStraighten(await loadRgb(crooked, 1024));
    // crop op: sharp rotate(-angle)
    const fixed = await sharp(crooked).rotate(-angle, { background: '#000' }).png().toBuffer();
    const meta = await sharp(fixed).metadata();
    const middle = await sharp(fixed).extract({ left: Math.round(meta.width / 2 - 300), top: Math.round(meta.height / 2 - 150), width: 600, height: 300 }).png().toBuffer();
    const again = await estimateStraighten(await loadRgb(middle, 1024));
    expect(Math.abs(again.measured)).toBeLessThan(0.5);
  });

  it('says 0 for a flat or noisy image, with no confidence', () => {
    const W = 200;
    const H = 100;
    const flat = new Uint8Array(W * H).fill(90);
    expect(straightenFromGrey(flat, W, H)).toEqual({ angle: 0, confidence: 0, measured: 0 });
    let seed = 7;
    const noise = Uint8Array.from({ length: W * H }, () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % 256));
    expect(straightenFromGrey(noise, W, H).angle).toBe(0);
  });

  it.skipIf(!hasCorpus)('proposes no straighten for real photos that are level or have no dominant line', async () => {
    for (const rel of ['content/people/fr-two_people.jpg', 'content/skimage/coffee.png', 'content/skimage/rocket.jpg', 'content/quality/saw-original.jpg', 'content/near-dup/canon_hdr_NO.jpg', 'content/objects/ducati-motorcycle-small.jpg']) {
      const est = await estimateStraighten(await loadRgb(corpusPath(rel), 1024));
      expect({ rel, angle: est.angle }).toEqual({ rel, angle: 0 });
    }
  });
});
