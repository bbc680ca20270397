import { spawn } from 'node:child_process';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus, projectRoot } from '../../test-support/corpus.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

const node = path.join(projectRoot, 'node_modules', '.bin', 'node');
const cli = path.join(projectRoot, 'src-main', 'cli.ts');

describe.skipIf(!hasCorpus)('lightbox process', () => {
  let inbox: Awaited<ReturnType<typeof tempDir>>;
  let library: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    inbox = await tempDir();
    library = await tempDir();
    for (const rel of ['heic/Stonehenge_NikonD5300.heic', 'jpeg/camera/Nikon_D70.jpg', 'bad/zero-byte.jpg']) {
      await copyFile(corpusPath(rel), path.join(inbox.path, path.basename(rel)));
    }
  });
  afterAll(async () => {
    await inbox.cleanup();
    await library.cleanup();
  });

  it('prints one line per photo on stderr without a terminal, one JSON summary on stdout, and exits as soon as it is done', async () => {
    const child = spawn(node, [cli, 'process', inbox.path, '--library', library.path, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let summaryAt = 0;
    child.stdout.on('data', (d) => {
      stdout += d;
      summaryAt ||= Date.now();
    });
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const lingered = Date.now() - summaryAt;

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ files: 3, ingested: 2, failed: [{ code: 'empty-file' }] });
    // Where each photo ended: its AI crop waits for review (nothing else is queued without Immich).
    expect(stderr).toMatch(/^Nikon_D70\.jpg: needs-review$/m);
    expect(stderr).toMatch(/^Stonehenge_NikonD5300\.heic: needs-review$/m);
    expect(stderr).toMatch(/^zero-byte\.jpg: failed - empty-file$/m);
    expect(stderr.trim().split('\n')).toHaveLength(3);
    // Worker threads (hashing, HEIC) must not hold a finished run open: their idle timers are 15 s.
    expect(lingered, `exited ${lingered} ms after printing its summary`).toBeLessThan(5000);
  }, 60_000);

  it('--verbose prints every stage a photo enters as it happens; --quiet and --verbose together are refused', async () => {
    const run = (lib: string, args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(node, [cli, 'process', inbox.path, '--library', lib, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('exit', (code) => resolve({ code, stderr }));
      });
    const fresh = await tempDir();
    try {
      const verbose = await run(fresh.path, ['--verbose']);
      expect(verbose.code).toBe(0);
      // Each stage on its way, in order, not only where the photo ended.
      const d70 = verbose.stderr.split('\n').filter((l) => l.startsWith('Nikon_D70.jpg: ')).map((l) => l.slice('Nikon_D70.jpg: '.length));
      expect(d70.indexOf('ingested')).toBeGreaterThanOrEqual(0);
      expect(d70.indexOf('analysing')).toBeGreaterThan(d70.indexOf('ingested'));
      expect(d70.at(-1)).toBe('needs-review');
    } finally {
      await fresh.cleanup();
    }
    const both = await run(library.path, ['--quiet', '--verbose']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--quiet and --verbose cannot go together/);
  }, 60_000);
});
