import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';

type WeightGroup = { paths: string[]; weights: tf.io.WeightsManifestEntry[] };
type ModelJson = {
  modelTopology: object;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: object;
  userDefinedMetadata?: Record<string, object>;
  weightsManifest: WeightGroup[];
};

/**
 * An IOHandler that reads a tfjs model.json and its shards from disk (tfjs's own loaders use fetch).
 * Shared by the tfjs worker and the benchmark's bare-predict reference, so both load the same bytes.
 */
export function tfjsFileHandler(modelJsonPath: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as ModelJson;
      const dir = path.dirname(modelJsonPath);
      const shards: Buffer[] = [];
      for (const group of json.weightsManifest) {
        for (const p of group.paths) shards.push(await readFile(path.join(dir, path.basename(p))));
      }
      const all = Buffer.concat(shards);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        signature: json.signature,
        userDefinedMetadata: json.userDefinedMetadata,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
      };
    },
  };
}
