import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test-support/run-cli.ts';
import { tempDir } from '../../test-support/temp-dir.ts';
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
    const usage = await run(['fetch']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Unknown models action "fetch"');
  });
});
