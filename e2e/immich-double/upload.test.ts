import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkBulkUpload, deleteAssets, downloadAsset, getAssetInfo, getAssetMetadata, init, uploadAsset, viewAsset } from '@immich/sdk';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { hasCorpus } from '../../test-support/corpus.ts';
import { startImmichDouble, type ImmichDouble } from './index.ts';
import { corpusFile, dates, doublePerDescribe, httpErrorOf, sha1, upload, xmpSidecar } from './test-helpers.ts';

const A = 'jpeg/camera/Nikon_D1X.jpg';
const B = 'jpeg/camera/Sony_Cybershot_3.jpg';

describe.skipIf(!hasCorpus)('Immich double: POST /assets through @immich/sdk', () => {
  let double!: ImmichDouble;
  doublePerDescribe((started) => (double = started));

  it('answers 201 created for new bytes, then 200 duplicate with the same id for the same bytes', async () => {
    init({ baseUrl: double.url, apiKey: double.apiKey });
    const { file, bytes } = await corpusFile(A);
    const first = await upload(file, { deviceAssetId: 'ignored', deviceId: 'ignored' } as object);
    expect(first.status).toBe('created');
    const again = await upload((await corpusFile(A, 'renamed.jpg')).file);
    expect(again).toEqual({ id: first.id, status: 'duplicate' });
    expect(double.state.uploads.map((u) => u.status)).toEqual([201, 200]);
    expect(double.state.uploads[0]?.receivedSha1).toBe(sha1(bytes).toString('hex'));

    const info = await getAssetInfo({ id: first.id });
    expect(info.checksum).toBe(sha1(bytes).toString('base64'));
    expect(info.originalFileName).toBe('Nikon_D1X.jpg');
    expect(info.isTrashed).toBe(false);
    expect(info.stack).toBeNull();
    const original = Buffer.from(await (await downloadAsset({ id: first.id })).arrayBuffer());
    expect(sha1(original).equals(sha1(bytes))).toBe(true);
    expect(double.state.assets).toHaveLength(1);
  });

  it('concurrent uploads of the same bytes give one created and the rest duplicate of it', async () => {
    init({ baseUrl: double.url, apiKey: double.apiKey });
    const { file } = await corpusFile(A);
    const answers = await Promise.all([1, 2, 3, 4].map(() => upload(file)));
    const created = answers.filter((a) => a.status === 'created');
    expect(created).toHaveLength(1);
    expect(answers.every((a) => a.id === created[0]?.id)).toBe(true);
    expect(double.state.assets).toHaveLength(1);
  });

  it('TRAP: a nameless Blob is "blob" and is refused even when the filename field is set', async () => {
    init({ baseUrl: double.url, apiKey: double.apiKey });
    const { bytes } = await corpusFile(A);
    const error = await httpErrorOf(upload(new Blob([bytes]), { filename: 'photo.jpg' }));
    expect(error.status).toBe(400);
    expect(error.data.message).toBe('Unsupported file type blob');
    expect(double.state.assets).toHaveLength(0);
  });

  it('TRAP: the x-immich-checksum header is trusted, so other bytes sent with it are never stored', async () => {
    init({ baseUrl: double.url, apiKey: double.apiKey });
    const a = await corpusFile(A);
    const b = await corpusFile(B);
    const stored = await upload(a.file);
    const lie = await upload(b.file, {}, sha1(a.bytes).toString('hex'));
    expect(lie).toEqual({ id: stored.id, status: 'duplicate' });
    expect(double.state.assets.map((x) => x.checksumHex)).toEqual([sha1(a.bytes).toString('hex')]);
    const last = double.state.uploads.at(-1);
    expect(last).toMatchObject({ status: 200, result: 'duplicate', receivedSha1: undefined, checksumHeader: sha1(a.bytes).toString('hex') });
    // The honest header for new bytes is just an optimisation: they are stored.
    const honest = await upload(b.file, {}, sha1(b.bytes).toString('hex'));
    expect(honest.status).toBe('created');
  });

  it('TRAP: typed metadata (file parts) is refused, the same metadata as a JSON string field is stored', async () => {
    init({ baseUrl: double.url, apiKey: double.apiKey });
    const { file } = await corpusFile(A);
    const metadata = [{ key: 'lightbox', value: { recipe: 'r1', role: 'original' } }];
    const refused = await httpErrorOf(upload(file, { metadata }));
    expect(refused).toMatchObject({ status: 400, data: { message: 'Unexpected field - metadata' } });
    expect(double.state.assets).toHaveLength(0);

    const created = await upload(file, { metadata: JSON.stringify(metadata) as never });
    expect(created.status).toBe('created');
    const items = await getAssetMetadata({ id: created.id });
    expect(items.map(({ key, value }) => ({ key, value }))).toEqual(metadata);
  });

  it('validates like v3: missing fileModifiedAt names the field, a body without assetData needs a file', async () => {
    init({ baseUrl: double.url, apiKey: double.apiKey });
    const { file } = await corpusFile(A);
    // Absent keys, not `undefined` values: the SDK would send `undefined` as a JSON file part.
    const missingDate = await httpErrorOf(
      uploadAsset({ assetMediaCreateDto: { assetData: file, fileCreatedAt: dates.fileCreatedAt } as never }),
    );
    expect(missingDate.status).toBe(400);
    expect(missingDate.data.message).toBe('Validation failed');
    expect(missingDate.data.errors).toEqual([expect.objectContaining({ path: ['fileModifiedAt'] })]);
    const noFile = await httpErrorOf(uploadAsset({ assetMediaCreateDto: { ...dates } as never }));
    expect(noFile).toMatchObject({ status: 400, data: { message: 'File is required' } });
    const badType = await httpErrorOf(upload(new File([Buffer.from('hello')], 'notes.txt')));
    expect(badType.data.message).toBe('Unsupported file type notes.txt');
  });

  it('reads description, rating and Lightroom keywords from a real XMP sidecar (IMG_5910.xmp)', async () => {
    init({ baseUrl: double.url, apiKey: double.apiKey });
    const { file } = await corpusFile('jpeg/xmp/IMG_5910.jpg');
    const sidecar = (await corpusFile('jpeg/xmp/IMG_5910.xmp')).file;
    const { id } = await upload(file, { sidecarData: sidecar });
    const info = await getAssetInfo({ id });
    expect(info.exifInfo?.description).toBe('Squirrel at berkely');
    expect(info.exifInfo?.rating).toBe(3);
    expect(info.tags?.map((t) => t.value).sort()).toEqual(['Alvin the Squirrel', 'Berkley', 'USA']);
  });

  it('tags as observed on v3.1: dc:subject when alone ("a/b" nests), lr:hierarchicalSubject wins over it ("a|b" -> "a/b")', async () => {
    init({ baseUrl: double.url, apiKey: double.apiKey });
    // Nikon_D1X carries the IPTC keyword "Woodworking": a sidecar's dc:subject replaces it (MWG Keywords).
    const subjectsOnly = new File([xmpSidecar({ description: 'kept', rating: 5, subjects: ['alpha', 'beta/gamma'] })], 'a.xmp');
    const a = await upload((await corpusFile(A)).file, { sidecarData: subjectsOnly });
    const infoA = await getAssetInfo({ id: a.id });
    expect(infoA.exifInfo).toMatchObject({ description: 'kept', rating: 5 });
    expect(infoA.tags?.map((t) => t.value).sort()).toEqual(['alpha', 'beta/gamma']);

    const hierarchical = new File([xmpSidecar({ subjects: ['x'], hierarchical: ['Places|Berlin'] })], 'b.xmp');
    const b = await upload((await corpusFile(B)).file, { sidecarData: hierarchical });
    expect((await getAssetInfo({ id: b.id })).tags).toEqual([expect.objectContaining({ value: 'Places/Berlin', name: 'Berlin' })]);

    // Ratings outside 1-5 are dropped (E3-E5: -1, 0 and 7 all read back as null).
    const rejected = new File([xmpSidecar({ rating: -1 })], 'c.xmp');
    const c = await upload((await corpusFile('jpeg/camera/FujiFilm_DX-10.jpg')).file, { sidecarData: rejected });
    expect((await getAssetInfo({ id: c.id })).exifInfo?.rating).toBeNull();
  });

  it('bulk check accepts new checksums and rejects duplicates, trashed ones with isTrashed: true', async () => {
    init({ baseUrl: double.url, apiKey: double.apiKey });
    const a = await corpusFile(A);
    const b = await corpusFile(B);
    const fresh = await corpusFile('jpeg/camera/FujiFilm_DX-10.jpg');
    const kept = await upload(a.file);
    const trashed = await upload(b.file);
    await deleteAssets({ assetBulkDeleteDto: { ids: [trashed.id] } });
    expect((await getAssetInfo({ id: trashed.id })).isTrashed).toBe(true);

    const { results } = await checkBulkUpload({
      assetBulkUploadCheckDto: {
        assets: [
          { id: 'a', checksum: sha1(a.bytes).toString('hex') },
          { id: 'b', checksum: sha1(b.bytes).toString('base64') },
          { id: 'new', checksum: sha1(fresh.bytes).toString('hex') },
        ],
      },
    });
    expect(results).toEqual([
      { id: 'a', action: 'reject', reason: 'duplicate', assetId: kept.id, isTrashed: false },
      { id: 'b', action: 'reject', reason: 'duplicate', assetId: trashed.id, isTrashed: true },
      { id: 'new', action: 'accept' },
    ]);
    // Uploading the trashed bytes again is a "duplicate" of the trashed asset, not a new one.
    expect(await upload(b.file)).toEqual({ id: trashed.id, status: 'duplicate' });
  });

  it('serves a webp thumbnail and a jpeg preview made from the upload', async () => {
    init({ baseUrl: double.url, apiKey: double.apiKey });
    const { id } = await upload((await corpusFile(A)).file);
    const thumb = await viewAsset({ id, size: 'thumbnail' as never });
    expect(thumb.type).toBe('image/webp');
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(250);
    expect((await viewAsset({ id, size: 'preview' as never })).type).toBe('image/jpeg');
  });
});

describe.skipIf(!hasCorpus)('Immich double with storageDir', () => {
  it('streams a 4 MB upload to disk and stores exactly the bytes sent', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'immich-double-'));
    const double = await startImmichDouble({ storageDir: dir });
    try {
      init({ baseUrl: double.url, apiKey: double.apiKey });
      const { file, bytes } = await corpusFile('jpeg/camera/Apple_iPhone_4S.jpg');
      expect(bytes.length).toBeGreaterThan(4_000_000);
      const { id } = await upload(file);
      expect(await readdir(dir)).toHaveLength(1);
      expect(sha1(await double.state.original(id)).equals(sha1(bytes))).toBe(true);
      expect(double.state.uploads[0]?.bytes).toBeGreaterThan(bytes.length);
      await deleteAssets({ assetBulkDeleteDto: { ids: [id], force: true } });
      expect(await readdir(dir)).toHaveLength(0);
    } finally {
      await double.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
