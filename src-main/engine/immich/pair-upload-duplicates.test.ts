import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { AlbumCache } from './album-cache.ts';
import type { ImmichClient } from './immich-client.ts';
import { METADATA_KEY, uploadPair, type PairFile, type PairInput, type PairState } from './pair-upload.ts';
import { makeOriginal, makePair, PAIR_SOURCES } from './test-fixtures.ts';
import { startTestServer, type TestServer } from './test-server.ts';

/**
 * A duplicate answer names an asset that may belong to ANOTHER photo: Immich deduplicates by
 * checksum alone, and `POST /stacks` merges any stack whose primary is listed (or moves a listed
 * member out of its stack). Seen on a real 3.1.0: stacks of 3 and 5 mixing several photos. These
 * tests make each kind of duplicate and check that only this photo's own files are stacked.
 */
const base = { what: 'both' as const, recipeId: 'r', recipeHash: 'b'.repeat(64), appVersion: '0.1.0-test' };
const fast = { retry: { baseMs: 10, capMs: 50 } };

describe.skipIf(!hasCorpus)('uploadPair: duplicates that are not this photo\'s', () => {
  let server: TestServer;
  let client: ImmichClient;
  let dir: { path: string; cleanup(): Promise<void> };

  beforeEach(async () => {
    server = await startTestServer();
    client = server.client();
    dir = await tempDir('lightbox-immich-dups-');
  });
  afterEach(async () => {
    try {
      await server.close();
    } finally {
      await dir.cleanup();
    }
  });

  async function upload(input: PairInput, state: PairState = {}) {
    const result = await uploadPair(client, input, state, () => {}, { ...fast, albums: new AlbumCache() });
    server.track(result.state.originalAssetId, result.state.processedAssetId);
    return result;
  }
  const members = async (stackId: string) => (await client.getStack(stackId)).assets.map((a) => a.id).sort();
  const link = async (assetId: string) => (await client.getAssetMetadata(assetId)).find((m) => m.key === METADATA_KEY)?.value;

  it("a processed file with another pair's bytes stays in that pair's stack: no merge, no metadata on it, a notice", async () => {
    const first = await makePair(dir.path, PAIR_SOURCES[0]);
    const a = await upload({ ...base, ...first, originalSha256: 'a'.repeat(64) });
    // Photo B: another original, but a render with exactly A's bytes (what renders without provenance gave).
    const otherOriginal = await makeOriginal(dir.path, PAIR_SOURCES[1]);
    const b = await upload({ ...base, original: otherOriginal, processed: first.processed, originalSha256: 'c'.repeat(64) });

    expect([b.original, b.processed]).toEqual(['created', 'elsewhere']);
    expect(b.state.stackId).toBeUndefined();
    expect(b.state.processedAssetId).toBeUndefined();
    expect(b.notices).toEqual([{ role: 'processed', assetId: a.state.processedAssetId, message: expect.stringMatching(/which Lightbox uploaded for another photo \(original aaaaaaaaaaaa…\)/) }]);
    expect(await members(a.state.stackId!)).toEqual([a.state.originalAssetId, a.state.processedAssetId].sort());
    // A's link is A's; B's original says it has no processed asset of its own.
    expect(await link(a.state.processedAssetId!)).toMatchObject({ originalAssetId: a.state.originalAssetId, originalSha256: 'a'.repeat(64) });
    expect(await link(b.state.originalAssetId!)).toMatchObject({ originalAssetId: b.state.originalAssetId, processedAssetId: null });
    expect((await client.getAssetInfo(b.state.originalAssetId!)).stack ?? null).toBeNull();
  });

  it('an original already in a stack made in Immich stays there; the processed file goes up on its own', async () => {
    const pair = await makePair(dir.path, PAIR_SOURCES[2]);
    const other = await makeOriginal(dir.path, PAIR_SOURCES[3]);
    const mine = await client.upload(pair.original);
    const theirs = await client.upload(other);
    server.track(mine.id, theirs.id);
    const handMade = await client.createStack([theirs.id, mine.id]);

    const r = await upload({ ...base, ...pair, cover: 'original' });
    expect([r.original, r.processed]).toEqual(['elsewhere', 'created']);
    expect(r.notices.map((n) => [n.role, n.assetId])).toEqual([['original', mine.id]]);
    expect(r.notices[0]!.message).toContain(`"${pair.original.fileName}" is already in Immich as asset ${mine.id}, in a stack of 2`);
    expect(r.state.stackId).toBeUndefined();
    expect(await members(handMade.id)).toEqual([mine.id, theirs.id].sort());
    expect((await client.getAssetInfo(r.state.processedAssetId!)).stack ?? null).toBeNull();
    expect((await link(mine.id)) ?? null).toBeNull();
  });

  it('an unstacked duplicate of the original (its record lost in a crash) becomes this pair\'s and is stacked', async () => {
    const pair = await makePair(dir.path, PAIR_SOURCES[4]);
    const earlier = await client.upload(pair.original);
    server.track(earlier.id);
    const r = await upload({ ...base, ...pair });
    expect([r.original, r.processed]).toEqual(['duplicate', 'created']);
    expect(r.notices).toEqual([]);
    expect(r.state.originalAssetId).toBe(earlier.id);
    expect((await client.getStack(r.state.stackId!)).primaryAssetId).toBe(r.state.processedAssetId);
    expect(await members(r.state.stackId!)).toEqual([earlier.id, r.state.processedAssetId].sort());
  });

  it('a finished pair whose record was lost comes back as this pair: its one stack is made again with the cover as set', async () => {
    const pair = await makePair(dir.path, PAIR_SOURCES[5]);
    const before = await upload({ ...base, ...pair, cover: 'original', albumName: 'Dups' });
    const again = await upload({ ...base, ...pair, cover: 'processed', albumName: 'Dups' });
    expect([again.original, again.processed]).toEqual(['duplicate', 'duplicate']);
    expect(again.notices).toEqual([]);
    expect([again.state.originalAssetId, again.state.processedAssetId]).toEqual([before.state.originalAssetId, before.state.processedAssetId]);
    const stack = await client.getStack(again.state.stackId!);
    expect(stack.primaryAssetId).toBe(before.state.processedAssetId);
    expect(await members(stack.id)).toEqual([before.state.originalAssetId, before.state.processedAssetId].sort());
    if (server.double) expect(server.double.state.stacks.filter((s) => s.assetIds.length > 0)).toHaveLength(1);
  });

  it("an unstacked asset that carries another photo's lightbox link is left alone", async () => {
    const pair = await makePair(dir.path, PAIR_SOURCES[6]);
    const stray = await client.upload(pair.processed);
    server.track(stray.id);
    await client.updateAssetMetadata(stray.id, METADATA_KEY, { originalSha256: 'e'.repeat(64), originalAssetId: null, processedAssetId: stray.id });
    const r = await upload({ ...base, ...pair, originalSha256: 'f'.repeat(64) });
    expect([r.original, r.processed]).toEqual(['created', 'elsewhere']);
    expect(r.notices[0]!.message).toMatch(/which Lightbox uploaded for another photo/);
    expect(await link(stray.id)).toMatchObject({ originalSha256: 'e'.repeat(64) });
  });

  it('a duplicate in the trash stops the pair with what to do in Immich', async () => {
    const pair = await makePair(dir.path, PAIR_SOURCES[7]);
    const trashed = await client.upload(pair.processed);
    server.track(trashed.id);
    await client.deleteAssets([trashed.id]);
    const error = await upload({ ...base, ...pair }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'trashed-duplicate', assetId: trashed.id });
    expect((error as Error).message).toMatch(/processed .* is already in Immich but in its trash .* Restore it from the trash in Immich, or delete it there for good/);
  });

  it('sends both file parts before the filename field, so a sidecar is judged by its own name', async () => {
    const original = await makeOriginal(dir.path, PAIR_SOURCES[8]);
    const named: PairFile = { ...original, fileName: `Ä "quoted" ${path.basename(original.path)}` };
    const r = await upload({ ...base, what: 'original', original: named, processed: null, sidecar: { original: '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>' } });
    expect(r.original).toBe('created');
    expect((await client.getAssetInfo(r.state.originalAssetId!)).originalFileName).toBe(named.fileName);
    if (server.double) {
      expect(server.double.state.uploads.at(-1)).toMatchObject({
        result: 'created',
        parts: [`assetData(${named.fileName.replaceAll('"', '%22')})`, `sidecarData(${named.fileName.replaceAll('"', '%22')}.xmp)`, 'fileCreatedAt', 'fileModifiedAt', 'filename'],
      });
    }
  });
});
