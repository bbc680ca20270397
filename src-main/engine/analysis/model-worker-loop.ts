import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../base/background-thread.ts';
import type { RunReply, RunRequest } from './onnx-protocol.ts';

export type ModelRun = (req: RunRequest) => Promise<{ reply: RunReply; transfer: ArrayBuffer[] }>;

/**
 * The message loop every model worker runs (onnxruntime or tfjs behind the same protocol).
 * Requests run one at a time: it bounds memory (ISNet peaks near 2 GB per run), and on a 2-core
 * machine parallel runs of one model only fight over the same cores. A failed run answers with
 * its message instead of killing the worker.
 */
export function serveModelRuns(run: ModelRun): void {
  lowerThreadPriority();
  let chain: Promise<void> = Promise.resolve();
  parentPort!.on('message', (req: RunRequest) => {
    chain = chain.then(async () => {
      try {
        const { reply, transfer } = await run(req);
        parentPort!.postMessage(reply, transfer);
      } catch (err) {
        const reply: RunReply = { id: req.id, ok: false, message: err instanceof Error ? err.message : String(err) };
        parentPort!.postMessage(reply);
      }
    });
  });
}
