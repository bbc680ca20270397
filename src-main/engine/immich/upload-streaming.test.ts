import { createHash, randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { ImmichError } from './immich-error.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const SIZE = 128 * 1024 * 1024;

/** Writes SIZE pseudo-random bytes in 1 MiB blocks (never all in memory) and returns the SHA-1. */
async function bigFile(file: string): Promise<string> {
  const hash = createHash('sha1');
  const handle = await open(file, 'w');
  const seed = randomBytes(1024 * 1024);
  for (let i = 0; i < SIZE / seed.length; i++) {
    seed.writeUInt32LE(i, 0); // every block differs
    hash.update(seed);
    await handle.write(seed);
  }
  await handle.close();
  return hash.digest('hex');
}

describe('streamed uploads', () => {
  let server: TestServer;
  let dir: { path: string; cleanup(): Promise<void> };
  let file: string;
  let sha1: string;

  beforeAll(async () => {
    dir = await tempDir('lightbox-immich-big-');
    // Disk storage: the double in this process must not hold the file either, or RSS says nothing.
    server = await startTestServer({ storageDir: path.join(dir.path, 'double') });
    file = path.join(dir.path, 'big.jpg');
    sha1 = await bigFile(file);
  });
  afterAll(async () => {
    await server.close();
    await dir.cleanup();
  });

  it(`uploads a ${SIZE / 2 ** 20} MiB file without holding it in memory`, async () => {
    const client = server.client();
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const started = performance.now();
    const answer = await client.upload({ path: file, fileName: 'big.jpg', sha1, createdAt: '2022-01-01T00:00:00Z', modifiedAt: '2022-01-01T00:00:00Z' });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    server.track(answer.id);

    const growthMiB = (peak - before) / 2 ** 20;
    const rate = SIZE / 2 ** 20 / seconds;
    console.log(`[immich upload] ${SIZE / 2 ** 20} MiB in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} MiB/s; RSS growth ${growthMiB.toFixed(1)} MiB`);
    expect(answer.status).toBe('created');
    expect(growthMiB).toBeLessThan(SIZE / 2 ** 20 / 4);

    const info = await client.getAssetInfo(answer.id);
    expect(info.checksum).toBe(Buffer.from(sha1, 'hex').toString('base64'));
    expect(info.exifInfo?.fileSizeInByte).toBe(SIZE);
    const double = server.double;
    if (double) {
      const request = double.state.requests.find((r) => r.method === 'POST' && r.path === '/api/assets')!;
      // Multipart framing and the date fields add a little; the file itself went over once.
      expect(request.bytes).toBeGreaterThan(SIZE);
      expect(request.bytes).toBeLessThan(SIZE + 4096);
      expect(double.state.uploads[0]).toMatchObject({ result: 'created', receivedSha1: sha1, bytes: request.bytes });
    }
  });

  it('stops the body when the bytes on disk are not the ones hashed, so nothing is stored', async () => {
    const client = server.client();
    const small = path.join(dir.path, 'changed.jpg');
    const handle = await open(small, 'w');
    await handle.write(randomBytes(300_000));
    await handle.close();
    const realSha1 = createHash('sha1').update(await readFile(small)).digest('hex');
    const claimed = createHash('sha1').update('something else').digest('hex');
    const uploadsBefore = server.double?.state.uploads.length ?? 0;
    const error = await client.upload({ path: small, fileName: 'changed.jpg', sha1: claimed, createdAt: '2022-01-01T00:00:00Z', modifiedAt: '2022-01-01T00:00:00Z' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImmichError);
    expect(error).toMatchObject({ kind: 'invalid' });
    expect((error as Error).message).toContain(`expected ${claimed}`);
    expect((await client.bulkCheck([{ id: 'f', checksum: realSha1 }, { id: 'c', checksum: claimed }])).map((r) => r.action)).toEqual(['accept', 'accept']);
    if (server.double) {
      expect(server.double.state.uploads.slice(uploadsBefore).map((u) => u.result)).toEqual(['dropped']);
    }
  });
});
