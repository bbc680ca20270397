import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { closePool } from './onnx-pool.ts';
import { detectSubject } from './subject.ts';
import { requireWeights } from './test-weights.ts';

// ISNet takes 2-10 s per image on a shared 2-core machine, so this file keeps to three photos.
describe.skipIf(!hasCorpus)('detectSubject (ISNet small, real weights)', () => {
  beforeAll(() => requireWeights('isnet-small'));
  afterAll(() => closePool());

  it('cuts out the standing person in fr-obama.jpg: tall box from near the top to the bottom edge', async () => {
    const s = await detectSubject(corpusPath('content/people/fr-obama.jpg'));
    expect(s.box).not.toBeNull();
    const { x, y, w, h } = s.box!;
    expect(y).toBeLessThan(0.1); // the head is near the top
    expect(y + h).toBeGreaterThan(0.95); // the body runs off the bottom
    expect(x).toBeGreaterThan(0.02); // the flags on both sides are not subject
    expect(x + w).toBeLessThan(0.98);
    expect(s.coverage).toBeGreaterThan(0.35);
    expect(s.coverage).toBeLessThan(0.75);
    expect(s.confidence).toBeGreaterThan(0.9);
    const meta = await sharp(s.maskPng).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', 64, 64, 1]);
    const mask = await sharp(s.maskPng).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    expect(mask.data.length).toBe(64 * 64);
    // Centre of the chest is subject, top corners are background.
    expect(mask.data[40 * 64 + 32]).toBeGreaterThan(200);
    expect(mask.data[2 * 64 + 2]).toBeLessThan(50);
    expect(mask.data[2 * 64 + 61]).toBeLessThan(50);
  });

  it('finds the cup and saucer in coffee.png, leaving the table out', async () => {
    const s = await detectSubject(corpusPath('content/skimage/coffee.png'));
    const { x, y, w, h } = s.box!;
    expect(x).toBeGreaterThan(0.05);
    expect(x + w).toBeLessThan(0.9);
    expect(y + h).toBeLessThan(1);
    expect(s.coverage).toBeGreaterThan(0.3);
    expect(s.coverage).toBeLessThan(0.7);
  });

  it('finds almost nothing in the Hubble deep field', async () => {
    const s = await detectSubject(corpusPath('content/skimage/hubble_deep_field.jpg'));
    expect(s.coverage).toBeLessThan(0.02);
  });
});
