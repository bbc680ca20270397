/** Fault injection: runs only against the double (a real server cannot be told to fail). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { AlbumCache } from './album-cache.ts';
import type { ImmichClient } from './immich-client.ts';
import { ImmichError } from './immich-error.ts';
import { uploadPair, type PairInput, type PairState } from './pair-upload.ts';
import { makePair, PAIR_SOURCES } from './test-fixtures.ts';
import { onDouble, startTestServer, type DoubleLike, type TestServer } from './test-server.ts';

const base = { what: 'both' as const, recipeId: 'recipe-1', recipeHash: 'c'.repeat(64), appVersion: '0.1.0-test', albumName: 'Faults' };
const fast = { baseMs: 20, capMs: 100, maxAttempts: 5 };

describe.skipIf(!hasCorpus || !onDouble)('uploadPair under faults (Immich double)', () => {
  let server: TestServer;
  let double: DoubleLike;
  let client: ImmichClient;
  let dir: { path: string; cleanup(): Promise<void> };

  beforeEach(async () => {
    server = await startTestServer();
    double = server.double!;
    client = server.client();
    dir = await tempDir('lightbox-immich-faults-');
  });
  afterEach(async () => {
    await server.close();
    await dir.cleanup();
  });

  const run = (input: PairInput, state: PairState = {}, retry: Partial<typeof fast> = fast, onBytes?: (n: number) => void) =>
    uploadPair(client, input, state, () => {}, { retry, albums: new AlbumCache(), ...(onBytes ? { onBytes } : {}) });
  const uploadRequests = () => double.state.requests.filter((r) => r.method === 'POST' && r.path === '/api/assets');

  function expectOneCompleteStack(state: PairState, pair: { original: { sha1: string }; processed: { sha1: string } }) {
    expect(double.state.assets.map((a) => a.checksumHex).sort()).toEqual([pair.original.sha1, pair.processed.sha1].sort());
    expect(double.state.stacks).toHaveLength(1);
    expect(double.state.stacks[0]).toMatchObject({ id: state.stackId, primaryAssetId: state.processedAssetId });
    expect([...double.state.stacks[0]!.assetIds].sort()).toEqual([state.originalAssetId, state.processedAssetId].sort());
    expect(double.state.albums.map((a) => [...a.assetIds].sort())).toEqual([[state.originalAssetId, state.processedAssetId].sort()]);
  }

  it('retries 500s and then succeeds', async () => {
    const pair = await makePair(dir.path, PAIR_SOURCES[0]);
    double.faults.failNext(2, 500, { method: 'POST', path: '/assets' });
    double.faults.failNext(1, 503, { method: 'POST', path: '/stacks' });
    const result = await run({ ...base, ...pair });
    expect(uploadRequests().map((r) => [r.status, r.fault ?? null])).toEqual([
      [500, 'fail'],
      [500, 'fail'],
      [201, null],
      [201, null],
    ]);
    expect(double.state.requests.filter((r) => r.path === '/api/stacks').map((r) => r.status)).toEqual([503, 201]);
    expectOneCompleteStack(result.state, pair);
  });

  it('waits at least Retry-After after a 429', async () => {
    const pair = await makePair(dir.path, PAIR_SOURCES[1]);
    double.faults.rateLimitNext(1, 1, { method: 'POST', path: '/assets' });
    await run({ ...base, ...pair });
    const [limited, next] = uploadRequests();
    expect(limited).toMatchObject({ status: 429, fault: 'rateLimit' });
    const gap = Date.parse(next!.at) - (Date.parse(limited!.at) + limited!.durationMs);
    // `at` is when each request started; the wait runs from the 429's answer to the next start.
    expect(gap).toBeGreaterThanOrEqual(1000 - 5);
    expect(gap).toBeLessThan(2500);
  });

  it('a 400 is "invalid" with the server message, not retried', async () => {
    const pair = await makePair(dir.path, PAIR_SOURCES[2]);
    const error = await run({ ...base, ...pair, original: { ...pair.original, fileName: 'notes.txt' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImmichError);
    expect(error).toMatchObject({ kind: 'invalid', status: 400 });
    expect((error as Error).message).toContain('Unsupported file type notes.txt');
    expect(uploadRequests()).toHaveLength(1);
  });

  it('a 401 is "auth", not retried; a 403 (missing scope) too', async () => {
    const pair = await makePair(dir.path, PAIR_SOURCES[3]);
    const wrong = server.client('not-a-key');
    const error = await uploadPair(wrong, { ...base, ...pair }, {}, () => {}, { retry: fast }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'auth', status: 401, code: 'immich-auth' });
    expect(double.state.requests).toHaveLength(1);

    double.setApiKeys([{ key: 'limited', permissions: ['asset.read'] }]);
    const limited = await uploadPair(server.client('limited'), { ...base, ...pair }, {}, () => {}, { retry: fast }).catch((e: unknown) => e);
    expect(limited).toMatchObject({ kind: 'auth', status: 403 });
    expect((limited as Error).message).toContain('asset.upload');
    expect(double.state.requests).toHaveLength(2);
  });

  it('a connection dropped mid-upload is retried by reading the file again, with no duplicate asset', async () => {
    const pair = await makePair(dir.path, PAIR_SOURCES[0]);
    double.faults.dropConnectionMidUpload(1);
    let read = 0;
    const result = await run({ ...base, ...pair }, {}, fast, (n) => (read += n));
    expect(double.state.uploads.map((u) => u.result)).toEqual(['dropped', 'created', 'created']);
    expect(double.state.uploads[0]!.bytes).toBeGreaterThan(0);
    const { size: originalSize } = await import('node:fs/promises').then((fs) => fs.stat(pair.original.path));
    const { size: processedSize } = await import('node:fs/promises').then((fs) => fs.stat(pair.processed.path));
    // The first attempt read (at least) the half that was sent, then the file was read again in full.
    expect(read).toBeGreaterThan(originalSize + processedSize);
    expectOneCompleteStack(result.state, pair);
  });

  it('rides out a short outage (connection refused) with retries', async () => {
    const pair = await makePair(dir.path, PAIR_SOURCES[4]);
    await double.faults.downFor(400);
    const result = await run({ ...base, ...pair }, {}, { baseMs: 100, capMs: 400, maxAttempts: 10 });
    expectOneCompleteStack(result.state, pair);
  });

  it('a proxy error page (HTML 502) is retryable', async () => {
    const pair = await makePair(dir.path, PAIR_SOURCES[5]);
    double.faults.failNext(1, 502, { method: 'POST', path: '/assets/bulk-upload-check', asProxy: true });
    const result = await run({ ...base, ...pair });
    expect(double.state.requests.filter((r) => r.path === '/api/assets/bulk-upload-check').map((r) => r.status)).toEqual([502, 200]);
    expectOneCompleteStack(result.state, pair);
    // The same page once more, seen directly: mapped to "retryable", with a hint about the URL.
    double.faults.failNext(1, 502, { method: 'GET', path: '/server/version', asProxy: true });
    await expect(client.version()).rejects.toMatchObject({ kind: 'retryable', status: 502, message: expect.stringMatching(/did not answer like Immich/) });
  });

  for (const when of ['before', 'after'] as const) {
    it(`a crash at every save (${when} the state is persisted) resumes into one stack, nothing uploaded twice`, async () => {
      const pair = await makePair(dir.path, PAIR_SOURCES[6]);
      const input = { ...base, ...pair };
      // How many saves a clean run makes.
      const clean = await (async () => {
        const s2 = await startTestServer();
        let n = 0;
        await uploadPair(s2.client(), input, {}, () => void n++, { retry: fast, albums: new AlbumCache() });
        await s2.close();
        return n;
      })();
      expect(clean).toBe(5);

      for (let crashAt = 1; crashAt <= clean; crashAt++) {
        const fresh = await startTestServer();
        const d = fresh.double!;
        const c = fresh.client();
        const albums = new AlbumCache();
        let persisted: PairState = {};
        let calls = 0;
        const crashing = (s: PairState) => {
          calls += 1;
          if (when === 'after') persisted = s;
          if (calls === crashAt) throw new Error(`simulated crash at save ${crashAt}`);
          persisted = s;
        };
        await expect(uploadPair(c, input, {}, crashing, { retry: fast, albums })).rejects.toThrow(`simulated crash at save ${crashAt}`);
        // A new process: a new album cache too.
        const resumed = await uploadPair(c, input, JSON.parse(JSON.stringify(persisted)) as PairState, (s) => void (persisted = s), { retry: fast, albums: new AlbumCache() });

        const label = `crash at save ${crashAt} (${when})`;
        expect(d.state.uploads.map((u) => u.result), label).toEqual(['created', 'created']);
        expect(d.state.assets.map((a) => a.checksumHex).sort(), label).toEqual([pair.original.sha1, pair.processed.sha1].sort());
        expect(d.state.stacks, label).toHaveLength(1);
        expect(d.state.stacks[0], label).toMatchObject({ id: resumed.state.stackId, primaryAssetId: resumed.state.processedAssetId });
        expect(d.state.stacks[0]!.assetIds.length, label).toBe(2);
        expect(d.state.albums.map((a) => a.assetIds.length), label).toEqual([2]);
        expect(resumed.state, label).toMatchObject({ albumDone: true, metadataDone: true });
        expect(persisted, label).toEqual(resumed.state);
        await fresh.close();
      }
    });
  }

  it('a crash at every save of a RE-RENDER resumes into one stack with the new cover and the old file trashed', async () => {
    const pair = await makePair(dir.path, PAIR_SOURCES[7]);
    const { makeProcessed } = await import('./test-fixtures.ts');
    const rerendered = await makeProcessed(dir.path, PAIR_SOURCES[7], 1);
    let saves = 0;
    for (let crashAt = 1; ; crashAt++) {
      const fresh = await startTestServer();
      const d = fresh.double!;
      const c = fresh.client();
      const first = await uploadPair(c, { ...base, ...pair }, {}, () => {}, { retry: fast, albums: new AlbumCache() });
      let persisted: PairState = first.state;
      let calls = 0;
      const input = { ...base, ...pair, processed: rerendered };
      const crashed = await uploadPair(c, input, first.state, (s) => {
        if (++calls === crashAt) throw new Error('crash');
        persisted = s;
      }, { retry: fast, albums: new AlbumCache() }).then(
        () => false,
        () => true,
      );
      const resumed = await uploadPair(c, input, persisted, () => {}, { retry: fast, albums: new AlbumCache() });
      const label = `re-render crash at save ${crashAt}`;
      expect(d.state.uploads.filter((u) => u.result === 'created').map((u) => u.receivedSha1), label).toEqual([pair.original.sha1, pair.processed.sha1, rerendered.sha1]);
      expect(d.state.uploads, label).toHaveLength(3);
      expect(d.state.stacks, label).toHaveLength(1);
      expect(d.state.stacks[0], label).toMatchObject({ primaryAssetId: resumed.state.processedAssetId });
      expect([...d.state.stacks[0]!.assetIds].sort(), label).toEqual([resumed.state.originalAssetId, resumed.state.processedAssetId].sort());
      const old = d.state.assets.find((a) => a.checksumHex === pair.processed.sha1)!;
      expect(old, label).toMatchObject({ isTrashed: true, stackId: null });
      await fresh.close();
      if (!crashed) {
        saves = crashAt - 1;
        break;
      }
    }
    // transition, upload, stack, retire old, album, metadata
    expect(saves).toBe(6);
  });
});
