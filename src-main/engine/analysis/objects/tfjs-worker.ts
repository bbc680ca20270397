import { createRequire } from 'node:module';
import path from 'node:path';
import { workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import type { RunReply, RunRequest, TensorData, WorkerInit } from '../onnx-protocol.ts';
import { serveModelRuns } from '../model-worker-loop.ts';
import { tfjsFileHandler } from './tfjs-file-handler.ts';

/**
 * The tfjs twin of onnx-worker.ts: same messages, same "feeds in, named float32 outputs back"
 * contract, one request at a time, so OnnxPool runs a tfjs graph model exactly like an ONNX one.
 * Used by the tfjs graph models no ONNX twin exists for here: the COCO detector (objects/detect-objects.ts)
 * and the NSFW classifier (moderation/moderate.ts). Any manifest model whose file is a model.json runs here.
 *
 * Backend: tfjs-backend-wasm (SIMD). Its threaded build needs the browser's cross-origin-isolated
 * SharedArrayBuffer setup; under Node it reports no multithread support, so the model runs on one
 * core whatever intraOpNumThreads says: fine on a 2-core machine, where the other core keeps the
 * engine and the UI responsive. @tensorflow/tfjs-node is not used: it downloads libtensorflow at install.
 */
const init = workerData as WorkerInit;
let model: Promise<GraphModel> | null = null;

/** The .wasm binaries ship inside the package; pointing at them keeps tfjs from fetching anything. */
function wasmDir(): string {
  const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  return path.dirname(entry) + path.sep;
}

async function load(): Promise<GraphModel> {
  wasm.setWasmPaths(wasmDir());
  wasm.setThreadsCount(Math.max(1, init.intraOpNumThreads));
  if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend could not start');
  await tf.ready();
  return loadGraphModel(tfjsFileHandler(init.modelPath));
}

function getModel(): Promise<GraphModel> {
  model ??= load().catch((err: unknown) => {
    model = null; // the next request tries again (e.g. after `npm run models`)
    throw err;
  });
  return model;
}

async function run(req: RunRequest): Promise<{ reply: RunReply; transfer: ArrayBuffer[] }> {
  const m = await getModel();
  const inputs: Record<string, tf.Tensor> = {};
  for (const [name, t] of Object.entries(req.feeds)) {
    // The tfjs models take float pixels only; int64 feeds exist for CLIP's token ids (onnx worker).
    if (!(t.data instanceof Float32Array)) throw new Error(`input ${name}: the tfjs runtime takes float32 tensors only`);
    inputs[name] = tf.tensor(t.data, t.dims, 'float32');
  }
  const started = performance.now();
  let results: tf.Tensor[] = [];
  try {
    const out = m.execute(inputs, req.outputNames);
    results = Array.isArray(out) ? out : [out];
    const outputs: Record<string, TensorData> = {};
    const transfer: ArrayBuffer[] = [];
    for (let i = 0; i < req.outputNames.length; i++) {
      const t = results[i];
      if (!t || t.dtype !== 'float32') throw new Error(`output ${req.outputNames[i]} is missing or not float32`);
      // data() copies out of the wasm heap into a buffer this thread owns, so it can be transferred.
      const data = (await t.data()) as Float32Array;
      outputs[req.outputNames[i]!] = { data, dims: [...t.shape] };
      transfer.push(data.buffer as ArrayBuffer);
    }
    const ms = performance.now() - started;
    return { reply: { id: req.id, ok: true, outputs, ms }, transfer };
  } finally {
    for (const t of results) t.dispose();
    for (const t of Object.values(inputs)) t.dispose();
  }
}

serveModelRuns(run);
