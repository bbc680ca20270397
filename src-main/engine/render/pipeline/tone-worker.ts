// The tone helper thread (see tone-split.ts): re-plans the recipe, which gives it the same tone
// steps as the main thread (closures cannot be sent), and runs them on its share of the pixels.
import { parentPort } from 'node:worker_threads';
import { planRender } from './render-plan.ts';
import { convertAndTone } from './tone-split.ts';
import type { ToneJob, ToneReply } from './tone-split.ts';
import { toneSteps } from './tone.ts';
import { lowerThreadPriority } from '../../base/background-thread.ts';

lowerThreadPriority();

// Imports are done by now (loading the op registry takes a few hundred ms on a busy machine):
// only from here on is handing work over faster than doing it.
parentPort?.postMessage({ ready: true });

parentPort?.on('message', (job: ToneJob) => {
  let reply: ToneReply;
  let px: Uint16Array | null = null;
  try {
    const plan = planRender(job.recipe, job.forPreview, job.maxLongEdge);
    // A band's buffer may be longer than the band (the last band of a render reuses the first one's).
    px = new Uint16Array(job.samples, 0, job.length);
    convertAndTone(toneSteps(plan.passes.slice(job.from, job.to)), px, job.srgbPending, { width: job.width, height: job.length / 3 / job.width });
    reply = { id: job.id, ok: true, samples: px.buffer as ArrayBuffer };
  } catch (error) {
    px = null;
    reply = { id: job.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  // The rows go back by move: this thread keeps nothing of them.
  parentPort?.postMessage(reply, px ? [px.buffer as ArrayBuffer] : []);
});
