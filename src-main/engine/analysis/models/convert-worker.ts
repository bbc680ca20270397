import { rename, rm, writeFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { convertTfjsModel } from './tfjs-to-onnx.ts';
import { lowerThreadPriority } from '../../base/background-thread.ts';

lowerThreadPriority();

/**
 * One conversion (converted-model.ts), in a thread of its own: the ~0.5 s of JS it takes stays off
 * the engine's event loop, and the ~85 MB of intermediate arrays it leaves go with the thread
 * instead of staying in a model worker's heap for its whole life.
 */
const { jsonPath, outPath } = workerData as { jsonPath: string; outPath: string };
const temp = `${outPath}.${process.pid}.${Date.now()}.lbtmp`;
try {
  await writeFile(temp, await convertTfjsModel(jsonPath));
  // Complete or absent: a crash mid-write leaves only a temp file, never a truncated model.
  await rename(temp, outPath);
  parentPort!.postMessage({ ok: true });
} catch (error) {
  await rm(temp, { force: true });
  parentPort!.postMessage({ ok: false, message: (error as Error).message, unsupported: (error as Error).name === 'UnsupportedGraphError' });
}
