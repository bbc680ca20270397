import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../contract/index.ts';
import { packagedModel } from '../../../test-support/npm-registry-double.ts';
import { tempDir, waitFor } from '../../../test-support/temp-dir.ts';
import { EventBus } from '../base/event-bus.ts';
import { openLibrary, type Library } from '../library/index.ts';
import { createModelsFeature } from './models-feature.ts';


describe('a model that arrives sets off the analysis of the photos that missed it (real SQLite, a real weights folder)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let library: Library;
  let modelsDir: string;
  let feature: ReturnType<typeof createModelsFeature> | null = null;
  const faces = randomBytes(2_000);
  const moderation = randomBytes(3_000);
  const photo = (n: number) =>
    library.photos.insert({ folderId: null, sha256: String(n).repeat(64).slice(0, 64), sha1: null, fileName: `${n}.jpg`, sourcePath: `/hot/${n}.jpg`, bytes: 1, originalPath: `originals/${n}.jpg`, error: null, captureDate: null });
  const row = (photoId: number, model: string, task: string, status: 'completed' | 'failed', code: string | null) =>
    library.analysis.put({ sha256: library.photos.get(photoId)!.sha256!, model, version: '1', task, provider: 'local', status, result: status === 'completed' ? {} : null, error: code ? { code, message: `${model}: ${code}` } : null });

  beforeEach(async () => {
    dir = await tempDir();
    library = openLibrary(path.join(dir.path, 'lightbox.db'));
    modelsDir = path.join(dir.path, 'models');
    await mkdir(path.join(modelsDir, 'weights'), { recursive: true });
    const entry = (id: string, task: string, bytes: Buffer) => packagedModel(id, task, bytes, { package: id, paths: ['package/w.onnx'] });
    await writeFile(path.join(modelsDir, 'manifest.json'), JSON.stringify({ schema: 1, models: [entry('small-faces', 'faces', faces), entry('small-moderation', 'moderation', moderation)] }));
  });

  afterEach(async () => {
    await feature?.close();
    feature = null;
    library.close();
    await dir.cleanup();
  });

  it('on start, present models re-analyse the photos they missed; a model put in place later (by npm run models) does the same by itself', async () => {
    const gap = photo(1); // analysed while the face model was missing
    const damaged = photo(2); // analysed while it was damaged (a code older versions stored: hash-mismatch)
    const done = photo(3); // complete
    const failed = photo(4); // its moderation failed for another reason: not asked again
    const waiting = photo(5); // not analysed yet (its thumbnail first): left to the usual order
    for (const id of [gap, damaged, done, failed]) row(id, 'crop-proposer', 'crops', 'completed', null);
    row(gap, 'small-faces', 'faces', 'failed', 'model-missing');
    row(damaged, 'small-faces', 'faces', 'failed', 'hash-mismatch');
    row(done, 'small-faces', 'faces', 'completed', null);
    row(done, 'small-moderation', 'moderation', 'completed', null);
    row(failed, 'small-faces', 'faces', 'completed', null);
    row(failed, 'small-moderation', 'moderation', 'failed', 'job-failed');
    await writeFile(path.join(modelsDir, 'weights', 'small-moderation.onnx'), moderation);

    const bus = new EventBus();
    const events: Array<[EventName, unknown]> = [];
    for (const name of ['models.fetch', 'models.installed'] as const) bus.on(name, (payload) => events.push([name, payload]));
    const queued: number[] = [];
    feature = createModelsFeature({ library, bus, modelsDir, fetch: 'on-request', reanalyse: (id) => queued.push(id), log: () => {} });
    await feature.start();
    // Moderation is here: every analysed photo it never ran on (1, 2: their analysis had no moderation step).
    expect(queued.sort()).toEqual([gap, damaged]);
    expect(queued).not.toContain(waiting);
    expect(await feature.commands['models.fetchStatus']({})).toMatchObject({ state: 'missing', missing: [{ id: 'small-faces', code: 'model-missing' }] });
    expect(events.filter(([name]) => name === 'models.installed')).toEqual([['models.installed', { id: 'small-moderation' }]]);

    // The face model arrives from outside (a terminal's `npm run models`): written aside, renamed in.
    queued.length = 0;
    await writeFile(path.join(dir.path, 'faces.tmp'), faces);
    await rename(path.join(dir.path, 'faces.tmp'), path.join(modelsDir, 'weights', 'small-faces.onnx'));
    await waitFor('the face model to be noticed', async () => (await feature!.commands['models.fetchStatus']({})).state === 'ready');
    expect(queued.sort()).toEqual([gap, damaged]);
    expect(events.filter(([name]) => name === 'models.fetch').at(-1)).toEqual(['models.fetch', expect.objectContaining({ state: 'ready', missing: [] })]);
    expect(events.at(-1)).toEqual(['models.installed', { id: 'small-faces' }]);
  }, 30_000);

  it('a packaged app starts without fetching and says why it will not', async () => {
    feature = createModelsFeature({ library, bus: new EventBus(), modelsDir, fetch: 'packaged', reanalyse: () => {}, log: () => {} });
    await feature.start();
    const status = await feature.commands['models.fetchStatus']({});
    expect(status).toMatchObject({ state: 'missing', canFetch: false, cannotFetch: expect.stringMatching(/Reinstall Lightbox/) });
    expect(status.missing.map((m) => m.id)).toEqual(['small-faces', 'small-moderation']);
    expect(await feature.commands['models.fetch']({})).toMatchObject({ state: 'failed', error: { code: 'model-missing' } });
  });
});
