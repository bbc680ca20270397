import type { Library } from '../library/index.ts';

/**
 * What a start does before the queue runs: every wait is worked out again from what is stored.
 * A stage hands on to the next in an event after its job is stored as done (derive -> analyze,
 * analyze -> upload, render -> upload, an approval -> upload), so a SIGKILL can fall between the
 * two writes, and a photo would then wait for an event that already happened. In order:
 * - jobs a killed process left running go back to the queue (we hold the library lock);
 * - derived photos whose analysis was never queued are analysed;
 * - recipes stored without their render job get it (those waiting for review need none);
 * - uploads are queued for every photo that waits for nothing stored (uploads-repo photosToQueue),
 *   after the analysis above, so those photos wait for it.
 */
export function resumeOnStart(deps: {
  library: Library;
  /** Null while analysis is off for this engine. */
  enqueueAnalyze: ((photoId: number) => void) | null;
  renders: { resume(): number };
  uploads: { catchUp(): void };
}): void {
  deps.library.jobs.requeueExpired(Number.MAX_SAFE_INTEGER);
  if (deps.enqueueAnalyze) for (const photoId of deps.library.analysis.photosNeverAnalysed()) deps.enqueueAnalyze(photoId);
  deps.renders.resume();
  deps.uploads.catchUp();
}
