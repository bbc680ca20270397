import {
  addAssetsToAlbum,
  createAlbum,
  createStack,
  deleteStack,
  getAlbumInfo,
  getAllAlbums,
  getAssetInfo,
  getAssetMetadata,
  getAssetMetadataByKey,
  getStack,
  init,
  removeAssetFromStack,
  searchStacks,
  updateAsset,
  updateAssets,
  updateAssetMetadata,
  updateStack,
} from '@immich/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hasCorpus } from '../../test-support/corpus.ts';
import { startImmichDouble, type ImmichDouble } from './index.ts';
import { corpusFile, httpErrorOf, upload } from './test-helpers.ts';

const FILES = [
  'jpeg/camera/Nikon_D1X.jpg',
  'jpeg/camera/Sony_Cybershot_3.jpg',
  'jpeg/camera/FujiFilm_DX-10.jpg',
  'jpeg/camera/FujiFilm_FinePixS1Pro_1.jpg',
];

describe.skipIf(!hasCorpus)('Immich double: albums, stacks and metadata through @immich/sdk', () => {
  let double: ImmichDouble;
  let ids: string[] = [];

  beforeAll(async () => {
    double = await startImmichDouble();
    init({ baseUrl: double.url, apiKey: double.apiKey });
    for (const rel of FILES) ids.push((await upload((await corpusFile(rel)).file)).id);
  });
  beforeEach(() => init({ baseUrl: double.url, apiKey: double.apiKey }));
  afterAll(() => double.close());

  const id = (i: number) => ids[i] ?? '';

  it('creates an album with assets and adds more: success, duplicate, no_permission', async () => {
    const album = await createAlbum({ createAlbumDto: { albumName: 'Lightbox', description: 'd', assetIds: [id(0)] } });
    expect(album).toMatchObject({ albumName: 'Lightbox', description: 'd', assetCount: 1, albumThumbnailAssetId: id(0), shared: false });
    const stranger = '00000000-0000-4000-8000-000000000000';
    const results = await addAssetsToAlbum({ id: album.id, bulkIdsDto: { ids: [id(0), id(1), stranger] } });
    expect(results).toEqual([
      { id: id(0), success: false, error: 'duplicate' },
      { id: id(1), success: true },
      { id: stranger, success: false, error: 'no_permission' },
    ]);
    expect((await getAlbumInfo({ id: album.id })).assetCount).toBe(2);
    expect((await getAllAlbums({ assetId: id(1) })).map((a) => a.id)).toEqual([album.id]);
    expect(double.state.albums.find((a) => a.id === album.id)?.assetIds).toEqual([id(0), id(1)]);
  });

  it('stacks: the first id is the primary, every member shows the stack, one id is "Too small"', async () => {
    const stack = await createStack({ stackCreateDto: { assetIds: [id(1), id(0)] } });
    expect(stack.primaryAssetId).toBe(id(1));
    expect(stack.assets.map((a) => a.id).sort()).toEqual([id(0), id(1)].sort());
    const member = await getAssetInfo({ id: id(0) });
    expect(member.stack).toEqual({ id: stack.id, primaryAssetId: id(1), assetCount: 2 });
    expect((await getStack({ id: stack.id })).id).toBe(stack.id);
    expect((await searchStacks({ primaryAssetId: id(1) })).map((s) => s.id)).toEqual([stack.id]);

    const tooSmall = await httpErrorOf(createStack({ stackCreateDto: { assetIds: [id(2)] } }));
    expect(tooSmall.status).toBe(400);
    expect(tooSmall.data.message).toBe('Validation failed');
    expect(JSON.stringify(tooSmall.data.errors)).toContain('Too small');

    // Adding a stacked asset to an album adds only that asset.
    const album = await createAlbum({ createAlbumDto: { albumName: 'one' } });
    await addAssetsToAlbum({ id: album.id, bulkIdsDto: { ids: [id(0)] } });
    expect((await getAlbumInfo({ id: album.id })).assetCount).toBe(1);
    await deleteStack({ id: stack.id });
    expect((await getAssetInfo({ id: id(0) })).stack).toBeNull();
  });

  it('stacks: a new stack including an existing primary merges it; the cover can change; members can leave', async () => {
    const first = await createStack({ stackCreateDto: { assetIds: [id(0), id(1)] } });
    const merged = await createStack({ stackCreateDto: { assetIds: [id(2), id(0)] } });
    expect(merged.primaryAssetId).toBe(id(2));
    expect(merged.assets.map((a) => a.id).sort()).toEqual([id(0), id(1), id(2)].sort());
    expect(await httpErrorOf(getStack({ id: first.id }))).toMatchObject({ status: 400, data: { message: 'Not found or no stack.read access' } });
    expect(double.state.stacks).toHaveLength(1);

    const recovered = await updateStack({ id: merged.id, stackUpdateDto: { primaryAssetId: id(1) } });
    expect(recovered.primaryAssetId).toBe(id(1));
    expect((await getAssetInfo({ id: id(2) })).stack?.primaryAssetId).toBe(id(1));
    const outsider = await httpErrorOf(updateStack({ id: merged.id, stackUpdateDto: { primaryAssetId: id(3) } }));
    expect(outsider).toMatchObject({ status: 400, data: { message: 'Primary asset must be in the stack' } });

    const primaryOut = await httpErrorOf(removeAssetFromStack({ id: merged.id, assetId: id(1) }));
    expect(primaryOut.data.message).toBe("Cannot remove stack's primary asset");
    await removeAssetFromStack({ id: merged.id, assetId: id(0) });
    expect((await getAssetInfo({ id: id(0) })).stack).toBeNull();
    expect((await getStack({ id: merged.id })).assets).toHaveLength(2);
    await deleteStack({ id: merged.id });
  });

  it('custom metadata: object values round-trip, a string value is a 400, a missing key is a 400', async () => {
    const items = await updateAssetMetadata({
      id: id(3),
      assetMetadataUpsertDto: { items: [{ key: 'lightbox', value: { recipe: 'abc', sha1: 'f00' } }] },
    });
    expect(items).toEqual([{ key: 'lightbox', value: { recipe: 'abc', sha1: 'f00' }, updatedAt: expect.any(String) }]);
    expect((await getAssetMetadataByKey({ id: id(3), key: 'lightbox' })).value).toEqual({ recipe: 'abc', sha1: 'f00' });
    expect(await getAssetMetadata({ id: id(3) })).toHaveLength(1);

    const stringValue = await httpErrorOf(
      updateAssetMetadata({ id: id(3), assetMetadataUpsertDto: { items: [{ key: 'x', value: 'nope' as never }] } }),
    );
    expect(stringValue.status).toBe(400);
    expect(stringValue.data.errors).toEqual([expect.objectContaining({ path: ['items', 0, 'value'] })]);
    const missing = await httpErrorOf(getAssetMetadataByKey({ id: id(3), key: 'absent' }));
    expect(missing).toMatchObject({ status: 400, data: { message: `Metadata with key "absent" not found for asset with id "${id(3)}"` } });
    expect(double.state.metadata).toEqual([{ assetId: id(3), key: 'lightbox', value: { recipe: 'abc', sha1: 'f00' }, updatedAt: items[0]?.updatedAt }]);
  });

  it('PUT /assets/:id sets description and rating; ratings outside 1-5/-1/null are refused', async () => {
    const updated = await updateAsset({ id: id(2), updateAssetDto: { description: 'café', rating: -1 } });
    expect(updated.exifInfo).toMatchObject({ description: 'café', rating: -1 });
    expect(double.state.asset(id(2))).toMatchObject({ description: 'café', rating: -1 });
    expect((await updateAsset({ id: id(2), updateAssetDto: { rating: null } })).exifInfo?.rating).toBeNull();
    expect((await httpErrorOf(updateAsset({ id: id(2), updateAssetDto: { rating: 6 } }))).status).toBe(400);
    await updateAssets({ assetBulkUpdateDto: { ids: [id(2), id(3)], rating: 2, isFavorite: true } });
    expect(double.state.assets.filter((a) => a.rating === 2 && a.isFavorite).map((a) => a.id).sort()).toEqual([id(2), id(3)].sort());
    expect((await httpErrorOf(getAssetInfo({ id: 'not-a-uuid' }))).data.errors).toEqual([expect.objectContaining({ path: ['id'] })]);
  });
});
