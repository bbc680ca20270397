import { workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { RunReply, RunRequest, TensorData, WorkerInit } from './onnx-protocol.ts';
import { serveModelRuns } from './model-worker-loop.ts';
import { openOptimizedSession } from './models/optimized-session.ts';

// One model per worker. The session is created on the first request and kept: loading ISNet
// takes about a second, BlazeFace a few milliseconds.
const init = workerData as WorkerInit;
let session: Promise<ort.InferenceSession> | null = null;

const options: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: init.intraOpNumThreads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  // ORT's memory pattern plans one block for a run's intermediate tensors and keeps it beside the
  // arena: off, the three pipeline models held 30 MB less after 20 runs each, in the same time
  // (measured: 232 -> 200-202 MB, 1122-1142 -> 1130-1133 ms). The arena itself stays: without
  // it a run took 20-30 % longer.
  enableMemPattern: false,
  // ISNet's export carries unused initialisers that ORT warns about on every load.
  logSeverityLevel: 3,
};

function getSession(): Promise<ort.InferenceSession> {
  session ??= openOptimizedSession(init.modelPath, options, init.optimizedDirs ?? []).catch((err: unknown) => {
    session = null; // let the next request try again (e.g. after `npm run models`)
    throw err;
  });
  return session;
}

/** tfjs takes a tensor's name with or without its ":0"; the converted graph names every tensor with it. */
const graphName = (name: string) => (init.runtime === 'tfjs-converted' && !name.includes(':') ? `${name}:0` : name);

async function run(req: RunRequest): Promise<{ reply: RunReply; transfer: ArrayBuffer[] }> {
  const s = await getSession();
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(req.feeds)) feeds[graphName(name)] = t.data instanceof BigInt64Array ? new ort.Tensor('int64', t.data, t.dims) : new ort.Tensor('float32', t.data, t.dims);
  const started = performance.now();
  const results = await s.run(feeds, req.outputNames.map(graphName));
  const ms = performance.now() - started;
  const outputs: Record<string, TensorData> = {};
  const transfer: ArrayBuffer[] = [];
  for (const name of req.outputNames) {
    const t = results[graphName(name)];
    if (!t || t.type !== 'float32') throw new Error(`output ${name} is missing or not float32`);
    // Copy into a buffer this thread owns, so it can be transferred instead of cloned.
    const data = new Float32Array(t.data as Float32Array);
    outputs[name] = { data, dims: [...t.dims] };
    transfer.push(data.buffer);
  }
  return { reply: { id: req.id, ok: true, outputs, ms }, transfer };
}

serveModelRuns(run);
