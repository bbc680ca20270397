import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PhotoFilter } from '../../contract/index.ts';
import { openLibrary, type Library } from './library.ts';
import { UploadsRepo } from './uploads-repo.ts';

// The stage rule of photo-stage.ts against a real SQLite library, written the way the engine writes
// it: recipes through RecipesRepo (one revision per save), jobs through JobsRepo, renders recorded.

let dir: string;
let lib: Library;
let uploads: UploadsRepo;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-photo-stage-'));
  lib = openLibrary(path.join(dir, 'lightbox.db'));
  uploads = new UploadsRepo(lib.db);
});
afterEach(async () => {
  lib.close();
  await rm(dir, { recursive: true, force: true });
});

const sha = (n: number) => n.toString(16).padStart(64, '0');
const NOW = Date.now();

/** A stored photo whose derive job is done: "ingested" until something else happens to it. */
function ingested(n: number, folderId: number | null = null): number {
  const id = lib.photos.insert({ folderId, sha256: sha(n), sha1: null, fileName: `p${n}.jpg`, sourcePath: `/hot/p${n}.jpg`, bytes: 1000, originalPath: null, error: null, captureDate: null });
  lib.files.record({ folderId, path: `/hot/p${n}.jpg`, size: 1000, mtimeMs: n, sha256: sha(n), photoId: id, outcome: 'ingested', error: null });
  lib.jobs.markDone(job('derive', id), NOW);
  return id;
}
function job(kind: string, photoId: number): number {
  return lib.jobs.enqueue({ kind, subject: String(photoId), data: { photoId }, priority: 0, dedupeKey: null }, NOW).id;
}

type Step = { op: string; v: number; enabled: boolean; params: unknown; source: string; needsReview?: boolean; recompute?: boolean };
const aiCrop = (needsReview: boolean): Step => ({ op: 'crop', v: 1, enabled: true, params: { x: 0.1, y: 0.1, w: 0.8, h: 0.8, angle: 0 }, source: 'ai:crop-proposals@1', needsReview });
const exposure = (source = 'user'): Step => ({ op: 'exposure', v: 2, enabled: true, params: { ev: 0.5 }, source });
function save(photoId: number, steps: Step[], end = steps.length): number {
  return lib.recipes.save(photoId, { schema: 1, original: { sha256: sha(photoId) }, steps, end })!;
}
function rendered(photoId: number, revision: number): void {
  lib.renders.record({ photoId, revision, target: 'main', path: `processed/${photoId}_${revision}.jpg`, bytes: 1, sha256: sha(0), width: 1, height: 1, createdAt: new Date(NOW).toISOString() });
}
const stage = (id: number) => lib.photos.get(id)!.stage;
const listed = (id: number) => lib.photos.list({}).photos.find((p) => p.id === id)!.stage;

describe('photo stage: approved', () => {
  it('an AI crop reads needs-review, approved once accepted until its render is written, then rendered', () => {
    const id = ingested(1);
    save(id, [aiCrop(true)]);
    expect(stage(id)).toBe('needs-review');

    // recipe.approve: the same step with needsReview false (a new revision), and its render queued.
    const approved = save(id, [aiCrop(false)]);
    const render = job('render', id);
    expect(stage(id)).toBe('approved');
    expect(lib.jobs.claim('render', NOW, 60_000)?.id).toBe(render);
    expect(stage(id)).toBe('approved');
    // A render that failed and waits to retry is still on its way.
    lib.jobs.markFailed(render, NOW + 1000, 'disk full', NOW);
    expect(stage(id)).toBe('approved');

    rendered(id, approved);
    lib.jobs.markDone(render, NOW);
    expect(stage(id)).toBe('rendered');
    // get, list and counts read the same expression.
    expect(listed(id)).toBe('rendered');
    expect(lib.photos.counts({}).byStage).toMatchObject({ rendered: 1, approved: 0 });
  });

  it('an edit of an approved photo reads approved until that revision is rendered, also once it was uploaded', () => {
    const id = ingested(2);
    rendered(id, save(id, [aiCrop(false)]));
    uploads.ensure(id);
    uploads.setState(id, 'uploaded');
    expect(stage(id)).toBe('uploaded');

    const edited = save(id, [aiCrop(false), exposure()]);
    const render = job('render', id);
    expect(stage(id)).toBe('approved');
    expect(lib.photos.counts({}).byStage.approved).toBe(1);
    expect(lib.photos.list({ stage: 'approved' }).photos.map((p) => p.id)).toEqual([id]);

    rendered(id, edited);
    lib.jobs.markDone(render, NOW);
    // The new processed file goes up next: any pending job of a rendered photo is "processing".
    const upload = job('upload', id);
    expect(stage(id)).toBe('processing');
    lib.jobs.markDone(upload, NOW);
    expect(stage(id)).toBe('uploaded');
  });

  it('approved with nothing pending and nothing rendered (an interrupted render) still reads approved', () => {
    const id = ingested(3);
    save(id, [exposure(), aiCrop(false)]);
    expect(stage(id)).toBe('approved');
    // Undo past the AI step: the active recipe has no AI step left, so nothing was approved.
    save(id, [exposure(), aiCrop(false)], 1);
    expect(stage(id)).toBe('ingested');
  });

  it('is never approved without an active, enabled AI step, nor while any step waits for review', () => {
    const user = ingested(4);
    save(user, [exposure()]);
    job('render', user);
    expect(stage(user)).toBe('processing');

    // A preset's AI step waits, disabled, to be recomputed for this photo: it holds nothing up and approves nothing.
    const preset = ingested(5);
    save(preset, [{ ...aiCrop(true), enabled: false, recompute: true }, exposure('preset:warm')]);
    expect(stage(preset)).toBe('ingested');
    job('render', preset);
    expect(stage(preset)).toBe('processing');

    // One AI step accepted, another still proposed: the photo waits for review.
    const mixed = ingested(6);
    save(mixed, [aiCrop(false), { ...aiCrop(true), op: 'straighten' }]);
    expect(stage(mixed)).toBe('needs-review');

    expect(lib.photos.counts({}).byStage).toMatchObject({ approved: 0, processing: 2, 'needs-review': 1 });
  });

  it('failed and analysing come before approved', () => {
    const id = ingested(7);
    save(id, [aiCrop(false)]);
    const analyze = job('analyze', id);
    job('render', id);
    expect(stage(id)).toBe('analysing');
    lib.jobs.markDone(analyze, NOW);
    expect(stage(id)).toBe('approved');
    lib.jobs.markDead(job('upload', id), 'refused', NOW);
    expect(stage(id)).toBe('failed');
  });
});

describe('duplicates filter and count', () => {
  it('finds the photos dropped again and counts them under the other filters', () => {
    const hot = lib.folders.add('/hot');
    const other = lib.folders.add('/other');
    const a = ingested(10, hot.id);
    const b = ingested(11, other.id);
    ingested(12, hot.id);
    const copy = (photoId: number, n: number) =>
      lib.files.record({ folderId: hot.id, path: `/hot/copy-${n}.jpg`, size: 1000, mtimeMs: n, sha256: sha(photoId), photoId, outcome: 'duplicate', error: null });
    copy(a, 1);
    copy(a, 2);
    copy(b, 3);
    // A failed file is not a duplicate.
    lib.files.record({ folderId: hot.id, path: '/hot/broken.jpg', size: 3, mtimeMs: 4, sha256: null, photoId: a, outcome: 'failed', error: null });

    expect(lib.photos.get(a)!.duplicates).toBe(2);
    expect(lib.photos.list({ duplicates: true, sort: 'name', order: 'asc' }).photos.map((p) => [p.id, p.duplicates])).toEqual([[a, 2], [b, 1]]);
    expect(lib.photos.ids({ duplicates: true })).toEqual([b, a]);
    expect(lib.photos.counts({})).toMatchObject({ total: 3, duplicates: 2 });
    expect(lib.photos.counts({ duplicates: true })).toMatchObject({ total: 2, duplicates: 2, byStage: expect.objectContaining({ ingested: 2 }) });
    expect(lib.photos.counts({ folderId: hot.id })).toMatchObject({ total: 2, duplicates: 1 });
    expect(lib.photos.list({ duplicates: true, folderId: other.id }).photos.map((p) => p.id)).toEqual([b]);
    // Duplicates are counted across stages: a rendered photo with copies is still found.
    rendered(b, save(b, [exposure()]));
    expect(lib.photos.counts({ duplicates: true })).toMatchObject({ total: 2, duplicates: 2, byStage: expect.objectContaining({ ingested: 1, rendered: 1 }) });
    expect(lib.photos.list({ duplicates: true, stage: 'rendered' }).photos.map((p) => p.id)).toEqual([b]);
  });

  it('the contract takes only `duplicates: true` (absent means not filtered)', () => {
    expect(PhotoFilter.parse({ duplicates: true })).toEqual({ duplicates: true });
    expect(() => PhotoFilter.parse({ duplicates: false })).toThrow();
  });
});
