import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus, projectRoot } from '../../../test-support/corpus.ts';
import { tempDir, waitFor } from '../../../test-support/temp-dir.ts';
import { openLibrary, type Library } from '../library/index.ts';
import { libraryLayout, type LibraryLayout } from '../library/library-layout.ts';
import { createAnalyzeHandler, markPending } from './analyze-handler.ts';
import { OnnxPool } from './onnx-pool.ts';
import { requireWeights } from './test-weights.ts';
import { ENHANCE_MODEL_VERSION } from './enhance/propose-enhance.ts';

const ctx = { jobId: 1, attempt: 1, signal: new AbortController().signal, priority: 0 };
const SHA = 'c'.repeat(64);

describe.skipIf(!hasCorpus)('the analyze job handler (real SQLite, real weights)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let library: Library;
  let layout: LibraryLayout;
  let pool: OnnxPool;
  let photoId: number;
  const changes: string[] = [];

  beforeEach(async () => {
    await requireWeights('blazeface-back-256', 'nsfwjs-mobilenet-v2-mid');
    dir = await tempDir();
    layout = libraryLayout(dir.path);
    library = openLibrary(layout.database);
    await mkdir(path.join(dir.path, 'originals'), { recursive: true });
    await copyFile(corpusPath('content/people/fr-two_people.jpg'), path.join(dir.path, 'originals', 'two.jpg'));
    photoId = library.photos.insert({
      folderId: null, sha256: SHA, sha1: 'd'.repeat(40), fileName: 'two.jpg', sourcePath: '/hot/two.jpg', bytes: 1,
      originalPath: 'originals/two.jpg', error: null, captureDate: null,
    });
    changes.length = 0;
  });
  afterEach(async () => {
    await pool?.close();
    library.close();
    await dir.cleanup();
  });

  const handler = (p: OnnxPool) =>
    createAnalyzeHandler({ library, layout, pool: p, subjectEnabled: () => false, changed: (id, status) => changes.push(`${id}:${status}`) });
  const rows = () => Object.fromEntries(library.analysis.forPhoto(SHA).map((r) => [r.task, r]));

  it('stores every result, then redoes only what a model version change makes stale', async () => {
    pool = new OnnxPool();
    markPending({ library, subjectEnabled: () => false }, photoId);
    expect(Object.fromEntries(Object.entries(rows()).map(([t, r]) => [t, r.status]))).toEqual({ crops: 'pending', enhance: 'pending', faces: 'pending', hash: 'pending', moderation: 'pending', objects: 'pending', quality: 'pending' });
    await handler(pool)({ photoId, force: false }, ctx);
    const first = rows();
    expect(Object.keys(first).sort()).toEqual(['crops', 'enhance', 'faces', 'hash', 'moderation', 'objects', 'quality']);
    expect(Object.values(first).map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed', 'completed', 'completed', 'completed']);
    expect(first.enhance).toMatchObject({ model: 'auto-enhance', version: ENHANCE_MODEL_VERSION, result: { steps: expect.any(Array), measures: { faceL: expect.any(Number) } } });
    expect(first.moderation).toMatchObject({ model: 'nsfwjs-mobilenet-v2-mid', version: '4.4.0', result: { flag: 'safe' } });
    expect((first.faces!.result as unknown[]).length).toBe(2);
    expect((first.objects!.result as { keywords: string[] }).keywords).toContain('person');
    expect(changes).toEqual([`${photoId}:analysing`, `${photoId}:completed`]);

    // Cached: nothing runs, nothing is rewritten.
    await handler(pool)({ photoId, force: false }, ctx);
    expect(rows()).toEqual(first);
    expect(changes).toHaveLength(2);

    // A stored faces result from an older model version is redone; quality and hash are not.
    library.analysis.put({ ...first.faces!, version: '1.1.0' });
    await new Promise((r) => setTimeout(r, 5)); // updatedAt has ms resolution
    await handler(pool)({ photoId, force: false }, ctx);
    const third = rows();
    expect(third.faces!.version).toBe('1.2.0');
    expect(third.faces!.updatedAt > first.faces!.updatedAt).toBe(true);
    expect(third.quality!.updatedAt).toBe(first.quality!.updatedAt);
    expect(third.hash!.updatedAt).toBe(first.hash!.updatedAt);
    expect(third.moderation!.updatedAt).toBe(first.moderation!.updatedAt);

    // The same for moderation: cached per (photo, model@version), redone alone when its version changes.
    library.analysis.put({ ...first.moderation!, version: '4.3.0', result: null });
    await new Promise((r) => setTimeout(r, 5));
    await handler(pool)({ photoId, force: false }, ctx);
    expect(rows().moderation).toMatchObject({ version: '4.4.0', result: first.moderation!.result });
    expect(rows().faces!.updatedAt).toBe(third.faces!.updatedAt);

    // Queued again with everything current: nothing turns pending.
    markPending({ library, subjectEnabled: () => false }, photoId);
    expect(Object.values(rows()).map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed', 'completed', 'completed', 'completed']);

    // force redoes everything.
    await handler(pool)({ photoId, force: true }, ctx);
    expect(rows().quality!.updatedAt > first.quality!.updatedAt).toBe(true);
  }, 60_000);

  it('runs an extra that became due while the job ran (a model installed meanwhile), once', async () => {
    pool = new OnnxPool();
    const ran: string[] = [];
    let installed = false;
    const extra = {
      // Not due when the job starts; due from the moment the faces ran (the model "arrives" mid-job).
      needed: async () => installed && !ran.includes('clip'),
      run: async ({ rgb }: { rgb: { width: number } }) => void ran.push(rgb.width > 0 ? 'clip' : 'no pixels'),
    };
    const run = createAnalyzeHandler({
      library, layout, pool, subjectEnabled: () => false, extras: [extra],
      changed: (_id, status) => {
        if (status === 'analysing') installed = true;
      },
    });
    await run({ photoId, force: false }, ctx);
    expect(ran).toEqual(['clip']);
    await run({ photoId, force: false }, ctx);
    expect(ran).toEqual(['clip']);
  });

  /** A models folder of this test's own: the manifest, and the repo's weights except `leaveOut` (and `damage`, cut short). */
  async function modelsWithout(leaveOut: string[], damage: string[] = []): Promise<string> {
    const models = path.join(dir.path, 'models');
    await mkdir(path.join(models, 'weights'), { recursive: true });
    await copyFile(path.join(projectRoot, 'models', 'manifest.json'), path.join(models, 'manifest.json'));
    for (const file of ['face_detection_back_256x256_barracuda.onnx', 'nanodet.json', 'nanodet.bin', 'nsfwjs-mobilenet-v2-mid.json', 'nsfwjs-mobilenet-v2-mid.bin']) {
      if (leaveOut.includes(file)) continue;
      const weights = await readFile(path.join(projectRoot, 'models', 'weights', file));
      await writeFile(path.join(models, 'weights', file), damage.includes(file) ? weights.subarray(0, 1000) : weights);
    }
    return models;
  }

  it('damaged face weights: the faces row says so, every other analysis runs, crops come from what is known, the job succeeds', async () => {
    const models = await modelsWithout([], ['face_detection_back_256x256_barracuda.onnx']);
    pool = new OnnxPool({ modelsDir: models });
    const gaps: string[] = [];
    const outcomes: Array<{ incomplete: boolean }> = [];
    const run = createAnalyzeHandler({
      library, layout, pool, subjectEnabled: () => false,
      changed: (id, status) => changes.push(`${id}:${status}`),
      modelGap: (model) => gaps.push(model),
      completed: async (_id, outcome) => void outcomes.push(outcome),
    });
    await run({ photoId, force: false }, ctx);
    const r = rows();
    expect(r.faces).toMatchObject({ status: 'failed', error: { code: 'model-damaged' } });
    expect(r.faces!.error!.message).toMatch(/is damaged: .*is 1000 bytes, expected 603432.*npm run models/);
    for (const task of ['quality', 'hash', 'objects', 'moderation', 'crops']) expect(r[task]!.status, task).toBe('completed');
    const crops = r.crops!.result as { proposals: Array<{ reason: string; confidence: number }> };
    expect(crops.proposals.length).toBeGreaterThan(3);
    expect(crops.proposals.every((p) => p.reason.endsWith('(faces not checked: the face model is missing)') && p.confidence <= 0.5)).toBe(true);
    expect(gaps).toEqual(['blazeface-back-256']);
    expect(outcomes).toEqual([{ incomplete: true, autoEnhance: false }]);
    expect(changes).toEqual([`${photoId}:analysing`, `${photoId}:completed`]);
    // The photo is not failed: it reads "analysis incomplete", and is found to analyse again.
    expect(library.photos.get(photoId)!.analysisGaps).toEqual([{ task: 'faces', model: 'blazeface-back-256', code: 'model-damaged', message: r.faces!.error!.message }]);
    expect(library.analysis.photosWithGap('blazeface-back-256')).toEqual([photoId]);
    expect(library.analysis.photosWithGap('nanodet-m-416')).toEqual([]);
  }, 60_000);

  it('missing face weights: analysis waits for a fetch under way, and the model that arrives is used', async () => {
    const models = await modelsWithout(['face_detection_back_256x256_barracuda.onnx']);
    pool = new OnnxPool({ modelsDir: models });
    let arrive!: () => void;
    const arriving = new Promise<void>((resolve) => (arrive = resolve));
    const waitedFor: string[] = [];
    const run = createAnalyzeHandler({
      library, layout, pool, subjectEnabled: () => false, changed: () => {},
      modelArriving: (model) => (model === 'blazeface-back-256' ? (waitedFor.push(model), arriving) : null),
    });
    const job = run({ photoId, force: false }, ctx);
    // The job holds before decoding until the fetch settles the model: put it in place, then settle.
    await waitFor('the job to wait for the face model', () => waitedFor.length > 0);
    expect(rows().faces).toBeUndefined();
    await copyFile(path.join(projectRoot, 'models', 'weights', 'face_detection_back_256x256_barracuda.onnx'), path.join(models, 'weights', 'face_detection_back_256x256_barracuda.onnx'));
    arrive();
    await job;
    expect(rows().faces).toMatchObject({ status: 'completed', error: null });
    expect((rows().faces!.result as unknown[]).length).toBe(2);
    expect(library.photos.get(photoId)!.analysisGaps).toEqual([]);
  }, 60_000);

  it('a photo analysed without its face model is analysed again when the model is back, and then is complete', async () => {
    const models = await modelsWithout(['face_detection_back_256x256_barracuda.onnx']);
    pool = new OnnxPool({ modelsDir: models });
    const run = handler(pool);
    await run({ photoId, force: false }, ctx);
    expect(rows().faces).toMatchObject({ status: 'failed', error: { code: 'model-missing' } });
    expect(library.photos.get(photoId)!.analysisGaps!.map((g) => g.code)).toEqual(['model-missing']);
    const before = rows();

    await copyFile(path.join(projectRoot, 'models', 'weights', 'face_detection_back_256x256_barracuda.onnx'), path.join(models, 'weights', 'face_detection_back_256x256_barracuda.onnx'));
    for (const id of library.analysis.photosWithGap('blazeface-back-256')) await run({ photoId: id, force: false }, ctx);
    const after = rows();
    expect(after.faces!.status).toBe('completed');
    // Only what was missing ran again (and the crops, which now know the faces).
    expect(after.quality!.updatedAt).toBe(before.quality!.updatedAt);
    expect((after.crops!.result as { proposals: Array<{ reason: string }> }).proposals.some((p) => /faces/.test(p.reason) && !/not checked/.test(p.reason))).toBe(true);
    expect(library.photos.get(photoId)!.analysisGaps).toEqual([]);
    expect(library.analysis.photosWithGap('blazeface-back-256')).toEqual([]);
  }, 60_000);

  it('with ISNet on: stores the subject and keeps the whole subject in the crops that can hold it', async () => {
    await requireWeights('isnet-small');
    pool = new OnnxPool();
    const run = createAnalyzeHandler({ library, layout, pool, subjectEnabled: () => true, changed: () => {} });
    await run({ photoId, force: false }, ctx);
    const r = rows();
    expect(r.subject).toMatchObject({ model: 'isnet-small', version: '1.4.5', status: 'completed' });
    const subject = r.subject!.result as { box: { x: number; y: number; w: number; h: number }; coverage: number; maskPng: string };
    // Two men standing side by side fill most of the frame's width.
    expect(subject.box.w).toBeGreaterThan(0.5);
    expect(subject.coverage).toBeGreaterThan(0.15);
    expect(Buffer.from(subject.maskPng, 'base64').subarray(1, 4).toString()).toBe('PNG');
    const crops = r.crops!.result as { proposals: Array<{ aspect: string; box: typeof subject.box; reason: string }> };
    const whole = crops.proposals.filter((p) => /the whole subject/i.test(p.reason));
    expect(whole.length).toBeGreaterThan(0);
    for (const p of whole) {
      expect(p.box.x).toBeLessThanOrEqual(subject.box.x + 1e-9);
      expect(p.box.x + p.box.w).toBeGreaterThanOrEqual(subject.box.x + subject.box.w - 1e-9);
    }
  }, 120_000);

  it('does nothing for a photo whose original could not be read', async () => {
    library.photos.setError(photoId, { code: 'truncated', message: 'cut off' });
    pool = new OnnxPool();
    await handler(pool)({ photoId, force: false }, ctx);
    expect(library.analysis.forPhoto(SHA)).toEqual([]);
  });
});
