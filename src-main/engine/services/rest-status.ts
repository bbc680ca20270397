import type { JobKind, JobState, PhotoStage, RestStatus } from '../../contract/index.ts';

/** What a photo's REST status is derived from: the library's stage plus the few facts it folds away. */
export type StatusFacts = {
  stage: PhotoStage;
  /** Its original is in the library. */
  stored: boolean;
  /** The state of the latest ingest job of its source file. */
  ingest: JobState | null;
  /** Kinds of its jobs queued, running or waiting to retry. */
  pendingKinds: readonly JobKind[];
  /** The current recipe revision has its main render. */
  renderedCurrent: boolean;
  /** Sent through the REST API: it is rendered once nothing waits for review. */
  submitted: boolean;
  /** What its sender asked for (a recipe, a preset) could not be applied. */
  setupFailed: boolean;
};

/**
 * The REST status (contract/rest-api.ts) from the stage library/photo-stage.ts derives. The stage
 * already orders failed > analysing > approved > processing > ... ; this adds what a client waiting
 * for a result needs: before the original is stored (pending / ingesting, from the ingest job), and
 * what `processing` and `ingested` mean for the processed file.
 */
export function restStatus(facts: StatusFacts): RestStatus {
  const { stage, pendingKinds } = facts;
  if (stage === 'failed' || facts.setupFailed || facts.ingest === 'dead') return 'failed';
  if (!facts.stored) return facts.ingest === 'running' ? 'ingesting' : 'pending';
  if (stage === 'analysing') return 'analysing';
  if (stage === 'new' || pendingKinds.includes('derive') || pendingKinds.includes('ingest')) return 'ingesting';
  if (stage === 'needs-review') return 'needs-review';
  if (stage === 'approved' || pendingKinds.includes('render') || pendingKinds.includes('apply-preset')) return 'rendering';
  if (facts.renderedCurrent) return 'completed';
  // Nothing waits and nothing is rendered: an upload's render is being requested (rest-feature.ts);
  // a watched folder's photo that nobody asked to render is as done as it gets.
  return facts.submitted ? 'rendering' : 'completed';
}
