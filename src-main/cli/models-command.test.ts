import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../test-support/corpus.ts';
import { tempDir } from '../../test-support/temp-dir.ts';
import { buildStandInClip, STAND_IN_SPEC } from '../engine/analysis/clip/stand-in-clip.ts';

const node = path.join(projectRoot, 'node_modules', '.bin', 'node');
const cli = path.join(projectRoot, 'src-main', 'cli.ts');

describe('lightbox models (a real process against a loopback model home)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: http.Server;
  const standIn = buildStandInClip();

  // The child downloads from this process's server, so it must run without blocking the loop.
  function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(node, [cli, 'models', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LIGHTBOX_MODELS_DIR: dir.path } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  beforeAll(async () => {
    dir = await tempDir();
    server = http.createServer((req, res) => {
      const body = standIn.files[path.basename(req.url!)];
      if (!body) res.writeHead(404).end();
      else res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const files = Object.entries(standIn.files).map(([name, b]) => ({ name, url: `${base}/${name}`, bytes: b.length, sha256: createHash('sha256').update(b).digest('hex') }));
    const entry = { id: 'clip-vit-b32', version: 'stand-in-1', task: 'embedding', title: 'Stand-in CLIP', licence: 'MIT', licenceUrl: 'https://example.org/L', home: 'https://example.org/', files, clip: STAND_IN_SPEC };
    const gone = { ...entry, id: 'gone', files: [{ ...files[0]!, url: `${base}/nothing-here.onnx` }], clip: undefined };
    await writeFile(path.join(dir.path, 'manifest.json'), JSON.stringify({ schema: 1, models: [], downloads: [entry, gone] }));
  });

  afterAll(async () => {
    server.close();
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
    const usage = await run(['fetch']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Unknown models action "fetch"');
  });
});
