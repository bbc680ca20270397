import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../../test-support/corpus.ts';
import { openImage } from '../../media/index.ts';
import { decodeForAnalysis } from '../analyze-image.ts';
import { getModel, weightPath } from '../model-manifest.ts';
import { MODERATION_INPUT_SIZE, MODERATION_MODEL_ID, moderationInput } from '../moderation/moderate.ts';
import { OBJECT_MODEL_ID, objectInput } from '../objects/detect-objects.ts';
import { tfjsFileHandler } from '../objects/tfjs-file-handler.ts';
import { tempDir } from '../../../../test-support/temp-dir.ts';
import { convertTfjsModel, isConvertible, UnsupportedGraphError } from './tfjs-to-onnx.ts';
import { unknownOpGraph } from './unknown-op-graph.ts';

const OUTPUTS = ['Identity:0', 'Identity_1:0', 'Identity_2:0', 'Identity_3:0', 'Identity_4:0', 'Identity_5:0'];
const PHOTOS = ['content/people/fr-two_people.jpg', 'content/skimage/coffee.png', 'jpeg/orientation/Portrait_6.jpg'];

/**
 * The converted NanoDet against the tfjs graph it came from, both on the same letterboxed corpus
 * photos: tfjs-backend-wasm here in the test's thread (the reference), onnxruntime on the bytes the
 * converter wrote. Every output must agree to float rounding.
 */
describe.skipIf(!hasCorpus)('tfjs graph to ONNX', () => {
  const objectsPath = weightPath(getModel(OBJECT_MODEL_ID));
  const moderationPath = weightPath(getModel(MODERATION_MODEL_ID));
  const models: Record<'objects' | 'moderation', { reference: GraphModel; converted: ort.InferenceSession }> = {} as never;

  beforeAll(async () => {
    tfWasm.setWasmPaths(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
    await tf.setBackend('wasm');
    for (const [key, file] of [['objects', objectsPath], ['moderation', moderationPath]] as const) {
      models[key] = { reference: await loadGraphModel(tfjsFileHandler(file)), converted: await ort.InferenceSession.create(await convertTfjsModel(file), { intraOpNumThreads: 1 }) };
    }
  }, 60_000);
  afterAll(async () => {
    for (const m of Object.values(models)) {
      m.reference.dispose();
      await m.converted.release();
    }
  });

  /** Runs both on `input`; every output must agree to `tolerance` (float rounding at the outputs' scale). */
  async function agree(key: 'objects' | 'moderation', feed: string, input: Float32Array, dims: number[], outputs: string[], tolerance: number) {
    const { reference, converted } = models[key];
    const raw = reference.execute({ [feed]: tf.tensor(input, dims) }, outputs);
    const expected = Array.isArray(raw) ? raw : [raw];
    const got = await converted.run({ [`${feed.replace(/:0$/, '')}:0`]: new ort.Tensor('float32', input, dims) }, outputs);
    for (const [i, name] of outputs.entries()) {
      const want = expected[i]!.dataSync() as Float32Array;
      const have = got[name]!.data as Float32Array;
      expect(got[name]!.dims).toEqual(expected[i]!.shape);
      let worst = 0;
      for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(want[k]! - have[k]!));
      expect(worst, name).toBeLessThan(tolerance);
    }
    tf.dispose(expected);
  }

  it.each(PHOTOS)('NanoDet converted gives the outputs tfjs gives, on %s', async (rel) => {
    const input = (await objectInput(await decodeForAnalysis(await openImage(corpusPath(rel))))).tensor;
    // Scores are sigmoids (0..1), box values DFL logits (a few units): 1e-4 is float rounding there.
    await agree('objects', 'input_1:0', input, [1, 3, 416, 416], OUTPUTS, 1e-4);
  }, 60_000);

  it.each(PHOTOS)('the NSFW classifier converted (depthwise, fused Relu6, MatMul, softmax) agrees with tfjs, on %s', async (rel) => {
    const input = await moderationInput(await decodeForAnalysis(await openImage(corpusPath(rel))));
    await agree('moderation', 'input', input, [1, MODERATION_INPUT_SIZE, MODERATION_INPUT_SIZE, 3], ['Identity:0'], 1e-5);
  }, 60_000);

  it('names an op it cannot convert, and says so before converting', async () => {
    expect(await isConvertible(objectsPath)).toBe(true);
    expect(await isConvertible(moderationPath)).toBe(true);
    const dir = await tempDir();
    try {
      // NanoDet with one of its ops renamed to one the converter does not know.
      const odd = await unknownOpGraph(objectsPath, dir.path);
      expect(await isConvertible(odd)).toBe(false);
      await expect(convertTfjsModel(odd)).rejects.toThrow(UnsupportedGraphError);
      await expect(convertTfjsModel(odd)).rejects.toThrow(/ops without an ONNX mapping here: Erf/);
    } finally {
      await dir.cleanup();
    }
  });
});
