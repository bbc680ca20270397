import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test-support/temp-dir.ts';
import { getModel, weightPath } from '../model-manifest.ts';
import { requireWeights } from '../test-weights.ts';
import { openOptimizedSession } from './optimized-session.ts';

const FACE = 'blazeface-back-256';
const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', logSeverityLevel: 3 };

/** Every output of one run on a deterministic, non-constant input. */
async function outputsOf(session: ort.InferenceSession): Promise<number[][]> {
  const data = new Float32Array(256 * 256 * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.0007) * 0.9;
  const results = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', data, [1, 256, 256, 3]) });
  return session.outputNames.map((name) => Array.from(results[name]!.data as Float32Array));
}

describe('optimised model sessions', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let modelPath: string;
  let reference: number[][];

  beforeAll(async () => {
    await requireWeights(FACE);
    dir = await tempDir('lightbox-optimized-');
    modelPath = weightPath(getModel(FACE));
    const plain = await ort.InferenceSession.create(modelPath, options);
    reference = await outputsOf(plain);
    await plain.release();
  });
  afterAll(() => dir?.cleanup());

  it('saves the optimised model once, loads it after, and answers exactly as the original does', async () => {
    const cache = path.join(dir.path, 'once');
    const first = await openOptimizedSession(modelPath, options, [cache]);
    expect(await outputsOf(first)).toEqual(reference);
    await first.release();
    const [name] = await readdir(cache);
    expect(name).toMatch(/^face_detection_back_256x256_barracuda-[0-9a-f]{16}\.onnx$/);
    const made = await stat(path.join(cache, name!));

    const second = await openOptimizedSession(modelPath, options, [cache]);
    expect(await outputsOf(second)).toEqual(reference);
    await second.release();
    expect(await readdir(cache)).toEqual([name]);
    expect((await stat(path.join(cache, name!))).mtimeMs).toBe(made.mtimeMs);
  });

  it('a damaged optimised file is removed and the original is used, with the same answers', async () => {
    const cache = path.join(dir.path, 'damaged');
    await (await openOptimizedSession(modelPath, options, [cache])).release();
    const [name] = await readdir(cache);
    await writeFile(path.join(cache, name!), 'not a model');
    const session = await openOptimizedSession(modelPath, options, [cache]);
    expect(await outputsOf(session)).toEqual(reference);
    await session.release();
    expect(await readdir(cache)).toEqual([]);
  });

  it('a model onnxruntime cannot load fails with its own error, and nothing is left behind', async () => {
    const broken = path.join(dir.path, 'broken.onnx');
    await writeFile(broken, 'not a model either');
    const cache = path.join(dir.path, 'broken-cache');
    await expect(openOptimizedSession(broken, options, [cache])).rejects.toThrow(/broken\.onnx/);
    expect(await readdir(cache)).toEqual([]);
  });

  it('a folder that cannot be written is passed over for the next', async () => {
    const blocker = path.join(dir.path, 'a-file');
    await writeFile(blocker, 'a file where a folder should be');
    const fallback = path.join(dir.path, 'fallback');
    const session = await openOptimizedSession(modelPath, options, [path.join(blocker, 'optimized'), fallback]);
    expect(await outputsOf(session)).toEqual(reference);
    await session.release();
    expect(await readdir(fallback)).toHaveLength(1);
  });
});
