import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../../test-support/corpus.ts';
import { OnnxPool } from '../onnx-pool.ts';
import { loadRgb } from '../rgb-image.ts';
import { requireWeights } from '../test-weights.ts';
import { detectObjects, OBJECT_MODEL_ID, suggestKeywords, type DetectedObject } from './detect-objects.ts';

/**
 * Written from looking at the photos: every content/people photo shows at least one person in a
 * suit (fr-two_people: Obama on the left half, Biden on the right half, both in ties);
 * coffee.png is a cup of espresso on a saucer on a wooden table, the cup body at about x 0.28-0.69,
 * y 0.04-0.75; the Hubble deep field has only galaxies.
 */
const PEOPLE = ['fr-obama.jpg', 'fr-biden.jpg', 'fr-obama_partial_face.jpg', 'fr-two_people.jpg', 'fr-obama_and_biden.jpg', 'concert.jpg'];

const inFrame = (o: DetectedObject) => o.box.x >= 0 && o.box.y >= 0 && o.box.x + o.box.w <= 1 + 1e-9 && o.box.y + o.box.h <= 1 + 1e-9 && o.box.w > 0 && o.box.h > 0;

describe.skipIf(!hasCorpus)(`${OBJECT_MODEL_ID} on the corpus`, () => {
  const pool = new OnnxPool();
  beforeAll(() => requireWeights(OBJECT_MODEL_ID), 60_000);
  afterAll(() => pool.close());
  const detect = async (rel: string | Buffer) => detectObjects(await loadRgb(typeof rel === 'string' ? corpusPath(rel) : rel, 1024), { pool });

  it('finds a person in every people photo, and the two people side by side in fr-two_people', async () => {
    for (const name of PEOPLE) {
      const objects = await detect(`content/people/${name}`);
      const people = objects.filter((o) => o.label === 'person');
      expect(people.length, name).toBeGreaterThan(0);
      expect(objects.every(inFrame), name).toBe(true);
      if (name !== 'concert.jpg') expect(suggestKeywords(objects), name).toContain('person');
    }
    const two = (await detect('content/people/fr-two_people.jpg')).filter((o) => o.label === 'person' && o.confidence >= 0.5);
    expect(two).toHaveLength(2);
    const [left, right] = [...two].sort((a, b) => a.box.x - b.box.x);
    expect(left!.box.x + left!.box.w).toBeLessThan(0.56);
    expect(right!.box.x).toBeGreaterThan(0.44);
    expect(left!.box.h).toBeGreaterThan(0.9);
  }, 120_000);

  it('finds the cup on coffee.png with a box on the cup', async () => {
    const cup = (await detect('content/skimage/coffee.png')).find((o) => o.label === 'cup');
    expect(cup).toBeDefined();
    const b = cup!.box;
    // the box centre is on the cup and the box is about the cup's size
    expect(b.x + b.w / 2).toBeGreaterThan(0.35);
    expect(b.x + b.w / 2).toBeLessThan(0.62);
    expect(b.y + b.h / 2).toBeGreaterThan(0.2);
    expect(b.y + b.h / 2).toBeLessThan(0.55);
    expect(b.w).toBeGreaterThan(0.25);
    expect(b.w).toBeLessThan(0.6);
  }, 60_000);

  it('finds nothing confident on the Hubble deep field', async () => {
    const objects = await detect('content/skimage/hubble_deep_field.jpg');
    expect(objects.filter((o) => o.confidence >= 0.4)).toEqual([]);
    expect(suggestKeywords(objects)).toEqual([]);
  }, 60_000);

  it('keeps every box inside the oriented image for all 8 EXIF orientations', async () => {
    const coffee = await sharp(corpusPath('content/skimage/coffee.png')).removeAlpha().jpeg().toBuffer();
    for (let orientation = 1; orientation <= 8; orientation++) {
      const tagged = await sharp(coffee).withMetadata({ orientation }).jpeg().toBuffer();
      const rgb = await loadRgb(tagged, 1024);
      expect([rgb.width, rgb.height], `orientation ${orientation}`).toEqual(orientation >= 5 ? [400, 600] : [600, 400]);
      const objects = await detectObjects(rgb, { pool });
      expect(objects.length, `orientation ${orientation}`).toBeGreaterThan(0);
      expect(objects.every(inFrame), `orientation ${orientation}`).toBe(true);
    }
  }, 120_000);

  it('does not block the event loop while detecting (the model runs in a worker)', async () => {
    const rgb = await loadRgb(corpusPath('content/people/fr-obama_and_biden.jpg'), 1024);
    await detectObjects(rgb, { pool }); // warm: the first run loads the model
    const delays: number[] = [];
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      delays.push(now - last - 5);
      last = now;
    }, 5);
    const started = performance.now();
    const loopBefore = performance.eventLoopUtilization();
    const RUNS = 10;
    for (let i = 0; i < RUNS; i++) await detectObjects(rgb, { pool });
    const held = performance.eventLoopUtilization(loopBefore).utilization;
    const elapsed = performance.now() - started;
    clearInterval(timer);
    // The share of the time this thread was busy rather than waiting for events. An inference on
    // this thread would hold it for most of every run (~80 %); in a worker, only the pre-processing
    // and decoding (a few ms of a ~40 ms run) are left. Not timer lateness: on a loaded CI machine a
    // thread that waits is also scheduled late (39 % of the time "blocked" that way, at load 6).
    expect(delays.length).toBeGreaterThan(RUNS);
    expect(held).toBeLessThan(0.35);
    console.log(`objects: ${RUNS} runs in ${Math.round(elapsed)} ms, event loop busy ${Math.round(100 * held)} % of it, worst timer delay ${Math.max(...delays).toFixed(1)} ms`);
  }, 60_000);
});
