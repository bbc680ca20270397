import { appendFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { IngestError, NotStableError } from './ingest-error.ts';
import { waitUntilStable } from './stability.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('waitUntilStable', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.cleanup();
  });

  it('reports a file written slowly in chunks only after the last chunk, with its final size', async () => {
    const file = path.join(dir.path, 'slow.jpg');
    const chunk = Buffer.alloc(64 * 1024, 7);
    const chunks = 10;
    await writeFile(file, chunk);
    let lastWriteAt = 0;
    // The writer paces itself (it IS the slow copier); the code under test is what we synchronise on.
    const writer = (async () => {
      for (let i = 1; i < chunks; i++) {
        await tick(200);
        await appendFile(file, chunk);
        lastWriteAt = performance.now();
      }
    })();
    const stable = await waitUntilStable(file); // defaults: 1 s quiet, 250 ms polls
    const stableAt = performance.now();
    await writer;
    expect(stable.size).toBe(chunks * chunk.length);
    expect(lastWriteAt).toBeGreaterThan(0);
    expect(stableAt - lastWriteAt).toBeGreaterThanOrEqual(950);
  });

  it('rejects with file-vanished when the file disappears while waiting', async () => {
    const file = path.join(dir.path, 'gone.jpg');
    await writeFile(file, 'x');
    const waiting = waitUntilStable(file, { quietMs: 5000, pollMs: 20 });
    await unlink(file);
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestError);
    expect((error as IngestError).code).toBe('file-vanished');
  });

  it('rejects with file-vanished for a path that never existed', async () => {
    await expect(waitUntilStable(path.join(dir.path, 'nope.jpg'))).rejects.toMatchObject({ code: 'file-vanished' });
  });

  it('gives up with NotStableError on a file that keeps changing', async () => {
    const file = path.join(dir.path, 'busy.log');
    await writeFile(file, '');
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await appendFile(file, 'more\n');
        await tick(30);
      }
    })();
    try {
      const error = await waitUntilStable(file, { quietMs: 1500, pollMs: 40, timeoutMs: 1000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotStableError);
      expect((error as NotStableError).code).toBe('read-failed');
    } finally {
      writing = false;
      await writer;
    }
  });

  it('stops at once when aborted', async () => {
    const file = path.join(dir.path, 'a.jpg');
    await writeFile(file, 'x');
    const controller = new AbortController();
    const waiting = waitUntilStable(file, { quietMs: 60_000, signal: controller.signal });
    const reason = new Error('shutting down');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });
});
