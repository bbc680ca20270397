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
});
