// The tone helper thread (see tone-split.ts): re-plans the recipe, which gives it the same tone
// steps as the main thread (closures cannot be sent), and runs them on its share of the pixels.
import { parentPort } from 'node:worker_threads';
import { planRender } from './render-plan.ts';
import { convertAndTone } from './tone-split.ts';
import type { ToneJob, ToneReply } from './tone-split.ts';
import { toneSteps } from './tone.ts';

// Imports are done by now (loading the op registry takes a few hundred ms on a busy machine):
// only from here on is handing work over faster than doing it.
parentPort?.postMessage({ ready: true });

parentPort?.on('message', (job: ToneJob) => {
  let reply: ToneReply;
  try {
    const plan = planRender(job.recipe, job.forPreview, job.maxLongEdge);
    const px = new Uint16Array(job.samples, job.offset * 2, job.length);
    const srgb8 = job.srgb8 ? new Uint8Array(job.srgb8, job.offset, job.length) : undefined;
    convertAndTone(toneSteps(plan.passes.slice(job.from, job.to)), px, srgb8, { width: job.width, height: job.length / 3 / job.width });
    reply = { id: job.id, ok: true };
  } catch (error) {
    reply = { id: job.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
