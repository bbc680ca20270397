import { createHash } from 'node:crypto';
import { access, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { siblingWorker } from '../../base/worker-url.ts';
import { weightFiles, type ModelEntry } from '../model-manifest.ts';
import { UnsupportedGraphError } from './tfjs-to-onnx.ts';

/** Bumped whenever the converter's output changes: files of an older one are not used. */
export const CONVERTER_VERSION = 1;

/**
 * The ONNX file of a tfjs graph model, converted once and kept: named by the SHA-256 of its
 * verified weight files and the converter's version, so a new model or converter never meets an
 * old file. Kept beside the models' download cache; where that folder cannot be written (an
 * installed app), in the system's temp folder.
 */
export async function convertedModelFile(model: ModelEntry, jsonPath: string, modelsDir: string): Promise<string> {
  const key = createHash('sha256').update(JSON.stringify([weightFiles(model).map((f) => f.sha256), CONVERTER_VERSION])).digest('hex').slice(0, 16);
  const name = `${model.id}-${key}.onnx`;
  const folders = [path.join(modelsDir, 'cache', 'converted'), path.join(os.tmpdir(), 'lightbox-converted')];
  for (const folder of folders) {
    const file = path.join(folder, name);
    if (await exists(file)) return file;
  }
  let lastError: unknown = null;
  for (const folder of folders) {
    const file = path.join(folder, name);
    try {
      await mkdir(folder, { recursive: true });
      await convertInWorker(jsonPath, file);
      return file;
    } catch (error) {
      if (error instanceof UnsupportedGraphError) throw error;
      lastError = error; // not writable here: the next folder
    }
  }
  throw lastError as Error;
}

const exists = (file: string) => access(file).then(() => true, () => false);

function convertInWorker(jsonPath: string, outPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(siblingWorker('convert-worker', import.meta.url), { workerData: { jsonPath, outPath } });
    worker.once('message', (reply: { ok: boolean; message?: string; unsupported?: boolean }) => {
      if (reply.ok) resolve();
      else reject(reply.unsupported ? new UnsupportedGraphError(reply.message) : new Error(`Converting ${path.basename(jsonPath)} failed: ${reply.message}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`The conversion of ${path.basename(jsonPath)} stopped (exit code ${code}).`)));
  });
}
