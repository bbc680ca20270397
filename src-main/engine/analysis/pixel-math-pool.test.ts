import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { openImage } from '../media/decode.ts';
import { AnalysisError } from './analysis-error.ts';
import { decodeForAnalysis } from './analyze-image.ts';
import { inProcessPixelMath } from './pixel-math.ts';
import { defaultPixelMathThreads, PixelMathPool } from './pixel-math-pool.ts';
import type { RgbImage } from './rgb-image.ts';

/** A real photo when the corpus is there, else a synthetic scene with a tilted horizon and a bright patch. */
async function photo(): Promise<RgbImage> {
  if (hasCorpus) {
    const name = readdirSync(corpusPath('jpeg/camera')).filter((n) => n.endsWith('.jpg')).sort()[0]!;
    return decodeForAnalysis(await openImage(corpusPath(`jpeg/camera/${name}`)));
  }
  const width = 640;
  const height = 427;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sky = y < height / 2 + (x - width / 2) * 0.05;
      const i = (y * width + x) * 3;
      data[i] = sky ? 120 + (x % 7) : 60 + ((x * y) % 13);
      data[i + 1] = sky ? 160 : 90;
      data[i + 2] = sky ? 220 : 40 + (y % 5);
    }
  }
  return { data, width, height };
}

describe('PixelMathPool: the plain-JS analysis steps in worker threads', () => {
  // Idle threads end after a second: long enough that the first that finishes is still there when
  // the last does on a loaded machine, short enough for the idle test below.
  const pool = new PixelMathPool({ workers: 2, idleMs: 1000 });
  afterAll(() => pool.close());

  it('gives exactly what the same steps give in process', async () => {
    const rgb = await photo();
    const faces = [{ box: { x: 0.4, y: 0.2, w: 0.1, h: 0.15 }, confidence: 0.9, keypoints: [] }];
    const crops = { rgb, width: rgb.width * 4, height: rgb.height * 4, faces, subject: null, objects: [] };
    const enhance = { rgb, faces, subject: null, objects: [], tags: [] };
    // All four at once: they spread over both threads.
    const [quality, hash, cropsOut, enhanceOut] = await Promise.all([pool.quality(rgb), pool.hash(rgb), pool.crops(crops), pool.enhance(enhance)]);
    expect(pool.threads).toBe(2);
    expect(quality).toEqual(await inProcessPixelMath.quality(rgb));
    expect(hash).toEqual(await inProcessPixelMath.hash(rgb));
    expect(cropsOut).toEqual(await inProcessPixelMath.crops(crops));
    expect(cropsOut.proposals.length).toBeGreaterThan(0);
    expect(enhanceOut).toEqual(await inProcessPixelMath.enhance(enhance));
  });

  it('a step that throws fails that call with its message, and the threads go on serving', async () => {
    const broken = { data: Buffer.alloc(10), width: 100, height: 100 };
    const failed = await pool.quality(broken).then(() => null, (error: unknown) => error);
    expect(failed).toBeInstanceOf(AnalysisError);
    expect((failed as AnalysisError).code).toBe('job-failed');
    expect((failed as AnalysisError).message).toMatch(/\S/);
    const rgb = await photo();
    expect(await pool.hash(rgb)).toEqual(await inProcessPixelMath.hash(rgb));
  });

  it('idle threads end on their own; a closed pool refuses calls', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(pool.threads).toBe(0);
    const closed = new PixelMathPool({ workers: 1 });
    await closed.close();
    await expect(closed.hash(await photo())).rejects.toThrow(/closed/);
  });
});

describe('defaultPixelMathThreads', () => {
  it('leaves a two-core machine one thread and gives larger machines two', () => {
    expect([1, 2, 3, 4, 16].map((cores) => defaultPixelMathThreads(cores))).toEqual([1, 1, 2, 2, 2]);
  });
});
