import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir, waitFor } from '../../../test-support/temp-dir.ts';
import { AlbumCache } from './album-cache.ts';
import type { ImmichClient } from './immich-client.ts';
import { ImmichError } from './immich-error.ts';
import { METADATA_KEY, uploadPair, type PairInput, type PairState } from './pair-upload.ts';
import { buildUploadSidecar } from './sidecar.ts';
import { makeOriginal, makePair, makeProcessed, PAIR_SOURCES } from './test-fixtures.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const base = { what: 'both' as const, recipeId: 'recipe-1', recipeHash: 'a'.repeat(64), appVersion: '0.1.0-test' };
const fast = { retry: { baseMs: 10, capMs: 50 } };

describe.skipIf(!hasCorpus)('uploadPair against Immich', () => {
  let server: TestServer;
  let client: ImmichClient;
  let dir: { path: string; cleanup(): Promise<void> };
  let album: string;

  beforeEach(async () => {
    server = await startTestServer();
    client = server.client();
    dir = await tempDir('lightbox-immich-');
    album = `Lightbox test ${randomUUID().slice(0, 8)}`;
  });
  afterEach(async () => {
    await server.close();
    await dir.cleanup();
  });

  /** Runs to completion, keeping the last saved state. */
  async function upload(input: PairInput, state: PairState = {}, albums = new AlbumCache()) {
    const saves: PairState[] = [];
    const result = await uploadPair(client, input, state, (s) => void saves.push(s), { ...fast, albums });
    server.track(result.state.originalAssetId, result.state.processedAssetId);
    return { ...result, saves };
  }

  it('uploads 10 pairs as 10 stacks of 2 in one album, covers right, metadata and sidecar values readable back', async () => {
    const albums = new AlbumCache();
    const pairs = await Promise.all(PAIR_SOURCES.slice(0, 10).map((rel) => makePair(dir.path, rel)));
    const sidecar = buildUploadSidecar({ description: 'Fjord & "sky" <dawn>', rating: 4, keywords: ['Trips|Norway', 'sunrise'] });
    // Four at a time, like the queue will: the album must still be created once.
    const results: Awaited<ReturnType<typeof upload>>[] = [];
    for (let i = 0; i < pairs.length; i += 4) {
      const batch = pairs.slice(i, i + 4).map((pair, j) =>
        upload({ ...base, ...pair, cover: (i + j) % 3 === 0 ? 'original' : 'processed', albumName: album, sidecar, recipeId: `r${i + j}` }, {}, albums),
      );
      results.push(...(await Promise.all(batch)));
    }

    const ourAlbums = (await client.getAllAlbums()).filter((a) => a.albumName === album);
    expect(ourAlbums).toHaveLength(1);
    expect(ourAlbums[0]!.assetCount).toBe(20);

    const stackIds = new Set<string>();
    for (const [i, r] of results.entries()) {
      const { originalAssetId, processedAssetId, stackId } = r.state;
      expect(r.state).toMatchObject({ albumDone: true, metadataDone: true, processedSha1: pairs[i]!.processed.sha1 });
      expect([r.original, r.processed]).toEqual(['created', 'created']);
      const stack = await client.getStack(stackId!);
      const coverId = i % 3 === 0 ? originalAssetId : processedAssetId;
      expect(stack.primaryAssetId).toBe(coverId);
      expect(stack.assets.map((a) => a.id).sort()).toEqual([originalAssetId, processedAssetId].sort());
      stackIds.add(stack.id);

      for (const id of [originalAssetId!, processedAssetId!]) {
        const info = await client.getAssetInfo(id);
        expect(info.stack).toMatchObject({ id: stackId, primaryAssetId: coverId, assetCount: 2 });
        expect((await client.getAllAlbums({ assetId: id })).map((a) => a.id)).toEqual([ourAlbums[0]!.id]);
        const meta = (await client.getAssetMetadata(id)).find((m) => m.key === METADATA_KEY);
        expect(meta?.value).toEqual({ recipeId: `r${i}`, recipeHash: base.recipeHash, originalAssetId, processedAssetId, appVersion: base.appVersion });
        // Immich applies the sidecar in a background job: poll rather than sleep.
        const seen = await waitFor('sidecar values on the asset', async () => {
          const a = await client.getAssetInfo(id);
          return a.exifInfo?.rating === 4 && (a.tags?.length ?? 0) >= 2 ? a : undefined;
        });
        expect(seen.exifInfo?.description).toBe('Fjord & "sky" <dawn>');
        expect(seen.tags?.map((t) => t.value).sort()).toEqual(['Trips/Norway', 'sunrise']);
      }
      const original = await client.getAssetInfo(originalAssetId!);
      expect(original.checksum).toBe(Buffer.from(pairs[i]!.original.sha1, 'hex').toString('base64'));
      expect(original.originalFileName).toBe(pairs[i]!.original.fileName);
    }
    expect(stackIds.size).toBe(10);
    if (server.double) {
      expect(server.double.state.uploads.filter((u) => u.result === 'created')).toHaveLength(20);
      expect(server.double.state.uploads).toHaveLength(20);
    }
  });

  it('records duplicates as success: known to the bulk check, and an upload that raced another client', async () => {
    const pair = await makePair(dir.path, PAIR_SOURCES[0]);
    const existing = await client.upload(pair.original);
    server.track(existing.id);
    const r = await upload({ ...base, ...pair });
    expect(r.original).toBe('duplicate');
    expect(r.state.originalAssetId).toBe(existing.id);
    expect(r.processed).toBe('created');
    expect((await client.getStack(r.state.stackId!)).assets.map((a) => a.id).sort()).toEqual([existing.id, r.state.processedAssetId].sort());

    // Two runs for the same new file at once: both pass the bulk check, one upload wins.
    const other = await makeOriginal(dir.path, PAIR_SOURCES[1]);
    const [a, b] = await Promise.all([upload({ ...base, what: 'original', original: other, processed: null }), upload({ ...base, what: 'original', original: other, processed: null })]);
    expect([a.original, b.original].sort()).toEqual(['created', 'duplicate']);
    expect(a.state.originalAssetId).toBe(b.state.originalAssetId);
    if (server.double) expect(server.double.state.assets.filter((x) => x.checksumHex === other.sha1)).toHaveLength(1);
  });

  it('a duplicate of a TRASHED asset fails with trashed-duplicate, naming the trash, and uploads nothing', async () => {
    const pair = await makePair(dir.path, PAIR_SOURCES[2]);
    const trashed = await client.upload(pair.original);
    server.track(trashed.id);
    await client.deleteAssets([trashed.id]);
    const error = await upload({ ...base, ...pair }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImmichError);
    expect(error).toMatchObject({ kind: 'trashed-duplicate', code: 'immich-trashed-duplicate', assetId: trashed.id });
    expect((error as Error).message).toMatch(/trash/i);
    expect((error as Error).message).toContain(pair.original.fileName);
    if (server.double) expect(server.double.state.uploads).toHaveLength(1);
  });

  it('re-render: the new processed file becomes the cover, the old one leaves the stack and goes to the trash', async () => {
    const pair = await makePair(dir.path, PAIR_SOURCES[3]);
    const first = await upload({ ...base, ...pair, albumName: album });
    const rerendered = await makeProcessed(dir.path, PAIR_SOURCES[3], 1);
    expect(rerendered.sha1).not.toBe(pair.processed.sha1);
    const second = await upload({ ...base, ...pair, processed: rerendered, albumName: album, recipeHash: 'b'.repeat(64) }, first.state);

    const { originalAssetId, processedAssetId, stackId } = second.state;
    expect(originalAssetId).toBe(first.state.originalAssetId);
    expect(processedAssetId).not.toBe(first.state.processedAssetId);
    expect(second.state).toMatchObject({ processedSha1: rerendered.sha1, albumDone: true, metadataDone: true });
    expect(second.state.replacedAssetIds).toBeUndefined();
    expect([second.original, second.processed]).toEqual(['known', 'created']);

    const stack = await client.getStack(stackId!);
    expect(stack.primaryAssetId).toBe(processedAssetId);
    expect(stack.assets.map((a) => a.id).sort()).toEqual([originalAssetId, processedAssetId].sort());
    const old = await client.getAssetInfo(first.state.processedAssetId!);
    expect(old.isTrashed).toBe(true);
    expect(old.stack ?? null).toBeNull();
    const meta = (await client.getAssetMetadata(originalAssetId!)).find((m) => m.key === METADATA_KEY);
    expect(meta?.value).toMatchObject({ processedAssetId, recipeHash: 'b'.repeat(64) });
    expect((await client.getAllAlbums({ assetId: processedAssetId! })).map((a) => a.albumName)).toEqual([album]);
    if (server.double) {
      const created = server.double.state.uploads.filter((u) => u.result === 'created').map((u) => u.receivedSha1);
      expect(created).toEqual(expect.arrayContaining([pair.original.sha1, pair.processed.sha1, rerendered.sha1]));
      expect(server.double.state.uploads).toHaveLength(3);
      expect(server.double.state.stacks.filter((s) => s.assetIds.includes(originalAssetId!))).toHaveLength(1);
    }
  });

  it('rejects a "both" job without a processed file, and identical bytes for both files', async () => {
    const original = await makeOriginal(dir.path, PAIR_SOURCES[4]);
    await expect(uploadPair(client, { ...base, original, processed: null }, {}, () => {})).rejects.toMatchObject({ kind: 'invalid' });
    await expect(uploadPair(client, { ...base, original, processed: original }, {}, () => {})).rejects.toMatchObject({ kind: 'invalid' });
    if (server.double) expect(server.double.state.requests).toHaveLength(0);
  });
});
