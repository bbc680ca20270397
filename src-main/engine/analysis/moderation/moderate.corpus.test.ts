import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../../test-support/corpus.ts';
import { OnnxPool } from '../onnx-pool.ts';
import { loadRgb } from '../rgb-image.ts';
import { requireWeights } from '../test-weights.ts';
import { moderate, moderationInput, MODERATION_MODEL_ID } from './moderate.ts';

/**
 * The corpus holds no explicit or suggestive photos (people: press portraits in suits and a concert
 * crowd; skimage: an astronaut portrait, a cameraman, a cat, a clock, coffee, coins, the Hubble deep
 * field, a rocket), so every one must come out 'safe'. What can be checked beyond that is the
 * classifier itself: a probability vector over the five classes, the same bits on every run.
 */
const dirs = ['content/people', 'content/skimage'];

describe.skipIf(!hasCorpus)(`${MODERATION_MODEL_ID} on the corpus`, () => {
  const pool = new OnnxPool();
  beforeAll(() => requireWeights(MODERATION_MODEL_ID), 60_000);
  afterAll(() => pool.close());

  it('flags every people and skimage photo safe, with five class probabilities summing to 1', async () => {
    let maxUnsafe = 0;
    let photos = 0;
    for (const dir of dirs) {
      for (const name of (await readdir(corpusPath(dir))).sort()) {
        const r = await moderate(await loadRgb(corpusPath(`${dir}/${name}`), 1024), { pool });
        const by = Object.fromEntries(r.classes.map((c) => [c.label, c.probability]));
        expect(Object.keys(by).sort(), name).toEqual(['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy']);
        expect(Math.abs(r.classes.reduce((s, c) => s + c.probability, 0) - 1), name).toBeLessThan(1e-3);
        expect(r.flag, `${name}: ${JSON.stringify(by)}`).toBe('safe');
        maxUnsafe = Math.max(maxUnsafe, by.Porn! + by.Hentai! + by.Sexy!);
        photos++;
      }
    }
    expect(photos).toBe(14);
    // Far below the 0.5 the flag needs (measured 0.033): the flags are not borderline.
    expect(maxUnsafe).toBeLessThan(0.1);
    const stats = pool.stats(MODERATION_MODEL_ID)!;
    console.log(`moderation: ${photos} photos, ${(stats.totalMs / stats.runs).toFixed(1)} ms per predict (in the worker), highest unsafe mass ${maxUnsafe.toFixed(3)}`);
  }, 180_000);

  it('is deterministic: the same photo gives bit-identical outputs', async () => {
    const rgb = await loadRgb(corpusPath('content/people/fr-two_people.jpg'), 1024);
    const run = async () => (await pool.run(MODERATION_MODEL_ID, { input: { data: await moderationInput(rgb), dims: [1, 224, 224, 3] } }, ['Identity:0']))['Identity:0']!;
    const a = await run();
    const b = await run();
    expect(a.dims).toEqual([1, 5]);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    expect(await moderate(rgb, { pool })).toEqual(await moderate(rgb, { pool }));
  }, 60_000);
});
