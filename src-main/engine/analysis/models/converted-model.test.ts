import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test-support/temp-dir.ts';
import { getModel, weightPath } from '../model-manifest.ts';
import { OBJECT_MODEL_ID } from '../objects/detect-objects.ts';
import { convertedModelFile } from './converted-model.ts';
import { UnsupportedGraphError } from './tfjs-to-onnx.ts';
import { unknownOpGraph } from './unknown-op-graph.ts';

describe('converted models', () => {
  const model = getModel(OBJECT_MODEL_ID);
  const jsonPath = weightPath(model);

  it('converts a tfjs model once, in a worker, into a complete ONNX file that is used from then on', async () => {
    const dir = await tempDir();
    try {
      const file = await convertedModelFile(model, jsonPath, dir.path);
      expect(path.dirname(file)).toBe(path.join(dir.path, 'cache', 'converted'));
      const first = await stat(file);
      const session = await ort.InferenceSession.create(file);
      expect([...session.inputNames]).toEqual(['input_1:0']);
      expect([...session.outputNames].sort()).toEqual(['Identity:0', 'Identity_1:0', 'Identity_2:0', 'Identity_3:0', 'Identity_4:0', 'Identity_5:0']);
      await session.release();
      // Asked again: the same file, not written again, and no temp files left beside it.
      expect(await convertedModelFile(model, jsonPath, dir.path)).toBe(file);
      expect((await stat(file)).mtimeMs).toBe(first.mtimeMs);
      expect(await readdir(path.dirname(file))).toEqual([path.basename(file)]);
    } finally {
      await dir.cleanup();
    }
  }, 60_000);

  it('refuses a graph with an op it does not know, and leaves nothing behind', async () => {
    const dir = await tempDir();
    try {
      // NanoDet with one of its ops renamed to one the converter does not know.
      const odd = await unknownOpGraph(jsonPath, dir.path);
      // A different model (its own hashes) so the cache cannot answer for it.
      const oddModel = { ...model, id: 'odd', sha256: 'f'.repeat(64) };
      await expect(convertedModelFile(oddModel, odd, dir.path)).rejects.toThrow(UnsupportedGraphError);
      expect(await readdir(path.join(dir.path, 'cache', 'converted'))).toEqual([]);
    } finally {
      await dir.cleanup();
    }
  }, 60_000);
});
