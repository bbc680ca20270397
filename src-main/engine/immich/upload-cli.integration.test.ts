import { spawn } from 'node:child_process';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus, projectRoot } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { onDouble, startTestServer, type TestServer } from './test-server.ts';

const node = path.join(projectRoot, 'node_modules', '.bin', 'node');
const cli = path.join(projectRoot, 'src-main', 'cli.ts');
const SOURCES = ['jpeg/camera/Apple_iPhone_4.jpg', 'jpeg/camera/Canon_EOS_7D.jpg', 'jpeg/camera/HTC_Desire.jpg'];

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(node, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, IMMICH_API_KEY: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!hasCorpus)('lightbox process --immich-url and doctor', () => {
  let server: TestServer;
  let inbox: Awaited<ReturnType<typeof tempDir>>;
  let library: Awaited<ReturnType<typeof tempDir>>;

  beforeEach(async () => {
    server = await startTestServer();
    inbox = await tempDir('lightbox-cli-in-');
    library = await tempDir('lightbox-cli-lib-');
    for (const rel of SOURCES) await copyFile(corpusPath(rel), path.join(inbox.path, path.basename(rel)));
  });
  afterEach(async () => {
    await server.close();
    await inbox.cleanup();
    await library.cleanup();
  });

  it('ingests, renders, uploads original + processed as one stack each into the album, and prints the JSON summary', async () => {
    const album = `CLI ${Date.now()}`;
    const args = ['process', inbox.path, '--library', library.path, '--json', '--immich-url', server.url, '--album', album];
    const missingKey = await run(args, {});
    expect(missingKey.code).toBe(2);
    expect(missingKey.stderr).toMatch(/IMMICH_API_KEY/);

    const result = await run(args, { IMMICH_API_KEY: server.apiKey });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { files: number; ingested: number; immich: { uploaded: number; duplicates: number; stacked: number; failed: unknown[] } };
    expect(summary.files).toBe(3);
    expect(summary.ingested).toBe(3);
    expect(summary.immich.uploaded + summary.immich.duplicates).toBe(3);
    expect(summary.immich).toMatchObject({ stacked: 3, failed: [] });
    expect(result.stderr).toMatch(/^Apple_iPhone_4\.jpg: uploaded$/m);
    // The key is never printed.
    expect(result.stdout + result.stderr).not.toContain(server.apiKey);
    if (onDouble) {
      // Each photo's original and its render (named after the original, with the render's extension).
      const originals = server.double!.state.assets.map((a) => a.originalFileName).filter((n) => SOURCES.some((s) => path.basename(s) === n));
      expect(originals.sort()).toEqual(SOURCES.map((s) => path.basename(s)).sort());
      expect(server.double!.state.assets).toHaveLength(6);
      expect(server.double!.state.albums.find((a) => a.albumName === album)?.assetIds).toHaveLength(6);
    }

    // Again: nothing new is ingested or sent.
    const uploadsBefore = onDouble ? server.double!.state.uploads.length : 0;
    const again = await run(args, { IMMICH_API_KEY: server.apiKey });
    expect(JSON.parse(again.stdout)).toMatchObject({ alreadyInLibrary: 3, immich: { failed: [] } });
    if (onDouble) expect(server.double!.state.uploads.length).toBe(uploadsBefore);
  }, 120_000);

  it('doctor checks the Immich server: version, key, permissions; a wrong key fails with a fix', async () => {
    const ok = await run(['doctor', '--library', library.path, '--json', '--immich-url', server.url], { IMMICH_API_KEY: server.apiKey });
    const report = JSON.parse(ok.stdout) as { checks: Array<{ name: string; ok: boolean; detail: string; fix?: string }> };
    const immich = report.checks.filter((c) => c.name.startsWith('immich'));
    expect(immich.map((c) => [c.name, c.ok])).toEqual([
      ['immich reachable', true],
      ['immich version', true],
      ['immich auth', true],
      ['immich permissions', true],
    ]);
    const bad = await run(['doctor', '--library', library.path, '--json', '--immich-url', server.url], { IMMICH_API_KEY: 'wrong-key' });
    const badAuth = (JSON.parse(bad.stdout) as typeof report).checks.find((c) => c.name === 'immich auth');
    expect(badAuth).toMatchObject({ ok: false, fix: expect.stringMatching(/API key/) });
    expect(bad.code).toBe(1);
  }, 60_000);
});
