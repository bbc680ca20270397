import { describe, expect, it } from 'vitest';
import type { RestStatus } from '../../contract/index.ts';
import { restStatus, type StatusFacts } from './rest-status.ts';

const stored: StatusFacts = { stage: 'ingested', stored: true, ingest: 'done', pendingKinds: [], renderedCurrent: false, submitted: true, setupFailed: false };

describe('restStatus', () => {
  const cases: Array<[string, Partial<StatusFacts>, RestStatus]> = [
    ['upload recorded, ingest job queued', { stage: 'new', stored: false, ingest: 'queued' }, 'pending'],
    ['ingest job waiting to retry', { stage: 'new', stored: false, ingest: 'failed' }, 'pending'],
    ['ingest job running', { stage: 'new', stored: false, ingest: 'running' }, 'ingesting'],
    ['ingest job dead', { stage: 'new', stored: false, ingest: 'dead' }, 'failed'],
    ['stored, derive queued', { stage: 'processing', pendingKinds: ['derive'] }, 'ingesting'],
    ['stored, nothing queued yet', { stage: 'new' }, 'ingesting'],
    ['analysing', { stage: 'analysing', pendingKinds: ['analyze'] }, 'analysing'],
    ['an AI crop waits', { stage: 'needs-review' }, 'needs-review'],
    ['approved, render queued', { stage: 'approved', pendingKinds: ['render'] }, 'rendering'],
    ['a preset being applied', { stage: 'processing', pendingKinds: ['apply-preset'] }, 'rendering'],
    ['a user recipe rendering', { stage: 'processing', pendingKinds: ['render'] }, 'rendering'],
    ['rendered', { stage: 'rendered', renderedCurrent: true }, 'completed'],
    ['rendered, uploading to Immich', { stage: 'processing', pendingKinds: ['upload'], renderedCurrent: true }, 'completed'],
    ['uploaded', { stage: 'uploaded', renderedCurrent: true }, 'completed'],
    ['an upload settled, its render being requested', { stage: 'ingested' }, 'rendering'],
    ["a watched folder's photo nobody asked to render", { stage: 'ingested', submitted: false }, 'completed'],
    ['decode failed', { stage: 'failed' }, 'failed'],
    ['its recipe or preset could not be applied', { stage: 'rendered', renderedCurrent: true, setupFailed: true }, 'failed'],
  ];
  for (const [what, facts, expected] of cases) {
    it(`${what}: ${expected}`, () => expect(restStatus({ ...stored, ...facts })).toBe(expected));
  }
});
