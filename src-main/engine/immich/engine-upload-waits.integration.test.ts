import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FolderUploadSettings } from '../../contract/index.ts';
import { hasCorpus } from '../../../test-support/corpus.ts';
import { applyFault, exposure, loadReference, toJpeg } from '../../../test-support/enhance-faults.ts';
import { tempDir, waitFor } from '../../../test-support/temp-dir.ts';
import { createEngine, type EngineTuning } from '../engine.ts';
import { openLibrary } from '../library/index.ts';
import { libraryLayout } from '../library/library-layout.ts';
import { approveAll } from '../recipes/ai-review.ts';
import { newStep } from '../recipes/create.ts';
import { parseRecipe } from '../recipes/validate.ts';
import { expectEveryPhotoDone } from './test-stack-checks.ts';
import { onDouble, startTestServer, type DoubleLike, type TestServer } from './test-server.ts';

const SOURCE = 'jpeg/camera/Apple_iPhone_4.jpg';
const fast = { retry: { baseMs: 20, capMs: 100, maxAttempts: 2 }, offlineProbe: { baseMs: 100, capMs: 400 } };

/**
 * What an upload waits for (the render of the current recipe, the photographer's approval) arrives
 * however it comes: while the upload job is running, one AI step at a time, or across a crash
 * between storing it and queueing the upload.
 */
describe.skipIf(!hasCorpus || !onDouble)('uploads that wait for a render or an approval', () => {
  let server: TestServer;
  let double: DoubleLike;
  let inbox: Awaited<ReturnType<typeof tempDir>>;
  let library: Awaited<ReturnType<typeof tempDir>>;

  beforeEach(async () => {
    server = await startTestServer();
    double = server.double!;
    inbox = await tempDir('lightbox-waits-in-');
    library = await tempDir('lightbox-waits-lib-');
    // A stop and a half under: auto-enhance surely proposes steps of its own beside the AI crop.
    await writeFile(path.join(inbox.path, path.basename(SOURCE)), await toJpeg(applyFault(await loadReference(SOURCE), exposure(-1.5))));
  });
  afterEach(async () => {
    await server.close();
    await inbox.cleanup();
    await library.cleanup();
  });

  const engineWith = (upload: Partial<FolderUploadSettings>, tuning?: EngineTuning) =>
    createEngine({ libraryDir: library.path, watchFolders: false, ...(tuning ? { tuning } : {}), immich: { serverUrl: server.url, apiKey: server.apiKey, defaultUpload: { what: 'both', cover: 'original', albumName: 'Waits', ...upload }, ...fast } });

  it('a render that ends while the upload job runs is uploaded once that job is done', async () => {
    const engine = await engineWith({}, { analysis: { enabled: false } });
    try {
      // The upload of the first render goes offline part-way, so its job stays running (waiting
      // for the server) while the photographer's edit is rendered.
      let down = false;
      engine.api.on('upload.progress', (p) => {
        if (p.state === 'uploading' && !down) {
          down = true;
          void double.faults.downFor(60_000);
        }
      });
      const offline = new Promise<number>((resolve) => engine.api.on('upload.progress', (p) => p.state === 'offline' && resolve(p.photoId)));
      const rendered: number[] = [];
      engine.api.on('render.done', (r) => rendered.push(r.revision));
      const run = engine.processOnce([inbox.path]);
      const photoId = await offline;
      expect(rendered).toEqual([1]);
      const edited = await engine.api.call('recipe.update', { photoId, steps: [newStep('exposure', { ev: 0.5 })] });
      await waitFor('the edit rendered', () => rendered.includes(edited.revision));
      expect((await engine.api.call('immich.photoUpload', { photoId }))?.state).toBe('offline');
      await double.faults.reset();
      const summary = await run;
      expect(summary.immich).toMatchObject({ stacked: 1, waiting: 0, failed: [] });
    } finally {
      await engine.close();
    }
    // The first render went up with the job that was running; the edit's render replaced it.
    expect(await expectEveryPhotoDone(double, library.path, { photos: 1, album: 'Waits', cover: 'original', analysis: false })).toBe(1);
  }, 120_000);

  // Originals only: no render follows an approval to queue the upload, so only the approval can.
  const originalsOnly = { what: 'original', approvalRequired: true } as const;
  const expectOriginalUploaded = async () => {
    const lib = openLibrary(libraryLayout(library.path).database);
    try {
      const [photo] = lib.photos.list({ limit: 10 }).photos;
      expect(double.state.assets.map((a) => a.checksumHex)).toEqual([photo!.sha1]);
      expect(double.state.albums.map((a) => [a.albumName, a.assetIds.length])).toEqual([['Waits', 1]]);
    } finally {
      lib.close();
    }
  };

  it('a photo waiting for approval goes once its AI steps are approved one at a time', async () => {
    const engine = await engineWith(originalsOnly);
    try {
      const first = await engine.processOnce([inbox.path]);
      expect(first.immich).toMatchObject({ uploaded: 0, waiting: 1 });
      const [photo] = (await engine.api.call('photos.list', {})).photos;
      const waiting = (await engine.api.call('recipe.get', { photoId: photo!.id })).recipe.steps.flatMap((s, i) => (s.enabled && s.needsReview ? [i] : []));
      // Analysis proposes a crop and auto-enhance steps, all waiting for review.
      expect(waiting.length).toBeGreaterThanOrEqual(2);
      for (const [n, index] of waiting.entries()) {
        await engine.api.call('recipe.decideStep', { photoId: photo!.id, index, decision: 'approve' });
        await engine.whenIdle();
        const state = (await engine.api.call('immich.photoUpload', { photoId: photo!.id }))?.state;
        expect(state, `after ${n + 1} of ${waiting.length} steps`).toBe(n + 1 < waiting.length ? 'waiting-approval' : 'uploaded');
      }
    } finally {
      await engine.close();
    }
    await expectOriginalUploaded();
  }, 120_000);

  it('an approval stored just before a crash (its upload never queued) is uploaded by the next run', async () => {
    const engine = await engineWith(originalsOnly);
    try {
      expect((await engine.processOnce([inbox.path])).immich).toMatchObject({ uploaded: 0, waiting: 1 });
    } finally {
      await engine.close();
    }
    // What a killed process leaves: the approved revision is in SQLite, the upload still waits.
    const lib = openLibrary(libraryLayout(library.path).database);
    try {
      const [photo] = lib.photos.list({ limit: 10 }).photos;
      const stored = lib.recipes.get(photo!.id)!;
      expect(lib.recipes.save(photo!.id, approveAll(parseRecipe(stored.json))!, stored.revision)).toBe(stored.revision + 1);
    } finally {
      lib.close();
    }
    const again = await engineWith(originalsOnly);
    try {
      expect((await again.processOnce([inbox.path])).immich).toMatchObject({ uploaded: 1, waiting: 0, failed: [] });
    } finally {
      await again.close();
    }
    await expectOriginalUploaded();
  }, 120_000);
});
