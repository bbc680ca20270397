import { randomBytes } from 'node:crypto';
import { appendFile, copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus, projectRoot } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { createEngine } from '../engine.ts';
import { openLibrary } from '../library/index.ts';
import { libraryLayout } from '../library/library-layout.ts';
import { UploadsRepo } from '../library/uploads-repo.ts';
import { renderingProcessedSource } from './test-processed-source.ts';
import { startTestServer, type TestServer } from './test-server.ts';

/** What the real Immich 3.1.0 made of each corpus original uploaded alone (e2e/immich-double/observed). */
type Observed = { dateTimeOriginal: string; localDateTime: string; latitude: number | null; longitude: number | null };
const recorded = JSON.parse(await readFile(path.join(projectRoot, 'e2e/immich-double/observed/extraction-v3.1.0.json'), 'utf8')) as { results: Record<string, Observed> };

// Every way a zone is found: offset tag + GPS, GPS alone (no offset), IPTC time zone, Canon maker
// note, an offset only, none at all (wall clock kept as UTC), and no date at all.
const PHOTOS = [
  'HMD_Nokia_8.3_5G.jpg',
  'exifr-IMG_20180725_163423.jpg',
  'Apple_iPhone_5.jpg',
  'Nikon_D1X.jpg',
  'exifr-canon-dslr.jpg',
  'Multiple_ICC_segments.jpg',
  'Nikon_D70.jpg',
  'Android_Depth_Map.jpg',
];

const fast = { retry: { baseMs: 20, capMs: 200 } };

describe.skipIf(!hasCorpus)('a pair in Immich: one photo, one time, one place', () => {
  let server: TestServer;
  let inbox: Awaited<ReturnType<typeof tempDir>>;
  let library: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    server = await startTestServer();
    inbox = await tempDir('lightbox-pair-in-');
    library = await tempDir('lightbox-pair-lib-');
  });
  afterEach(async () => {
    try {
      await server.close();
    } finally {
      await inbox.cleanup();
      await library.cleanup();
    }
  });

  async function stacksOf(libraryDir: string) {
    const lib = openLibrary(libraryLayout(libraryDir).database);
    try {
      const uploads = new UploadsRepo(lib.db);
      return lib.photos.list({ limit: 100 }).photos.map((photo) => ({ photo, upload: uploads.get(photo.id)! }));
    } finally {
      lib.close();
    }
  }

  it("both assets of every stack show the original's capture time, zone and place, as Immich shows the original alone", async () => {
    for (const name of PHOTOS) {
      await copyFile(corpusPath(`jpeg/camera/${name}`), path.join(inbox.path, name));
      // A real server keeps earlier runs' assets: bytes after the JPEG end make these new to it.
      if (!server.double) await appendFile(path.join(inbox.path, name), randomBytes(16));
    }
    const engine = await createEngine({ libraryDir: library.path, watchFolders: false, immich: { serverUrl: server.url, apiKey: server.apiKey, defaultUpload: { what: 'both', cover: 'processed' }, ...fast } });
    let summary;
    try {
      summary = await engine.processOnce([inbox.path]);
    } finally {
      await engine.close();
    }
    expect(summary.immich).toMatchObject({ stacked: PHOTOS.length, failed: [], notices: [] });
    const client = server.client();
    for (const { photo, upload } of await stacksOf(library.path)) {
      server.track(upload.pair.originalAssetId, upload.pair.processedAssetId);
      // Immich extracts metadata in a job (1-3 s): wait until both assets have been through it.
      const read = async (id: string) => {
        for (let i = 0; i < 100; i++) {
          const a = await client.getAssetInfo(id);
          if (a.exifInfo?.dateTimeOriginal) return a;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error(`no metadata on ${id}`);
      };
      const [original, processed] = await Promise.all([read(upload.pair.originalAssetId!), read(upload.pair.processedAssetId!)]);
      const seen = (a: typeof original) => ({
        fileCreatedAt: a.fileCreatedAt,
        localDateTime: a.localDateTime,
        dateTimeOriginal: a.exifInfo?.dateTimeOriginal,
        timeZone: a.exifInfo?.timeZone,
        latitude: a.exifInfo?.latitude,
        longitude: a.exifInfo?.longitude,
      });
      expect(seen(processed), photo.fileName).toEqual(seen(original));
      const alone = recorded.results[`camera/${photo.fileName}`]!;
      if (photo.captureDate) {
        expect({ at: original.exifInfo?.dateTimeOriginal, local: original.localDateTime }, photo.fileName).toEqual({ at: alone.dateTimeOriginal, local: alone.localDateTime });
      }
      expect([original.exifInfo?.latitude ?? null, original.exifInfo?.longitude ?? null], photo.fileName).toEqual([alone.latitude, alone.longitude]);
    }
  }, 180_000);

  it('a render made without location stays without it in Immich; the pair still shares its time', async () => {
    for (const name of ['HMD_Nokia_8.3_5G.jpg', 'Apple_iPhone_5.jpg']) {
      await copyFile(corpusPath(`jpeg/camera/${name}`), path.join(inbox.path, name));
      if (!server.double) await appendFile(path.join(inbox.path, name), randomBytes(16));
    }
    const engine = await createEngine({
      libraryDir: library.path,
      watchFolders: false,
      exportMetadata: 'no-location',
      immich: { serverUrl: server.url, apiKey: server.apiKey, defaultUpload: { what: 'both', cover: 'processed' }, ...fast },
    });
    let summary;
    try {
      summary = await engine.processOnce([inbox.path]);
    } finally {
      await engine.close();
    }
    expect(summary.immich).toMatchObject({ stacked: 2, failed: [] });
    const client = server.client();
    for (const { photo, upload } of await stacksOf(library.path)) {
      server.track(upload.pair.originalAssetId, upload.pair.processedAssetId);
      const read = async (id: string) => {
        for (let i = 0; i < 100; i++) {
          const a = await client.getAssetInfo(id);
          if (a.exifInfo?.dateTimeOriginal) return a;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error(`no metadata on ${id}`);
      };
      const [original, processed] = await Promise.all([read(upload.pair.originalAssetId!), read(upload.pair.processedAssetId!)]);
      expect([processed.exifInfo?.latitude ?? null, processed.exifInfo?.longitude ?? null], photo.fileName).toEqual([null, null]);
      expect(original.exifInfo?.latitude, photo.fileName).not.toBeNull();
      expect([processed.fileCreatedAt, processed.localDateTime], photo.fileName).toEqual([original.fileCreatedAt, original.localDateTime]);
    }
  }, 180_000);

  it('two originals that differ only after the JPEG end: byte-identical renders are never stacked with the wrong original', async () => {
    const name = 'Sony_Cybershot_3.jpg';
    await copyFile(corpusPath(`jpeg/camera/${name}`), path.join(inbox.path, 'first.jpg'));
    await copyFile(corpusPath(`jpeg/camera/${name}`), path.join(inbox.path, 'second.jpg'));
    await appendFile(path.join(inbox.path, 'second.jpg'), Buffer.from('trailing bytes after the end marker'));
    if (!server.double) for (const f of ['first.jpg', 'second.jpg']) await appendFile(path.join(inbox.path, f), randomBytes(16));
    // Renders from pixels only, no provenance: both photos get exactly the same processed bytes.
    const processedSource = renderingProcessedSource(library.path);
    const engine = await createEngine({ libraryDir: library.path, watchFolders: false, immich: { serverUrl: server.url, apiKey: server.apiKey, defaultUpload: { what: 'both', cover: 'processed' }, processedSource, ...fast } });
    let summary;
    try {
      summary = await engine.processOnce([inbox.path]);
    } finally {
      await engine.close();
      processedSource.close();
    }
    expect(summary.ingested).toBe(2);
    expect(summary.immich).toMatchObject({ uploaded: 2, stacked: 1, failed: [] });
    expect(summary.immich!.notices).toEqual([{ photoId: expect.any(Number), fileName: expect.stringMatching(/^(first|second)\.jpg$/), message: expect.stringMatching(/processed file .* (another photo|photo ".*" \(#\d+\))/) }]);
    const records = await stacksOf(library.path);
    const stacked = records.find((r) => r.upload.pair.stackId)!;
    const alone = records.find((r) => !r.upload.pair.stackId)!;
    server.track(...records.flatMap((r) => [r.upload.pair.originalAssetId, r.upload.pair.processedAssetId]));
    expect(alone.upload).toMatchObject({ state: 'uploaded', processedOutcome: 'elsewhere', pair: { originalAssetId: expect.any(String) } });
    expect(alone.upload.pair.processedAssetId).toBeUndefined();
    const stack = await server.client().getStack(stacked.upload.pair.stackId!);
    expect(stack.assets.map((a) => a.id).sort()).toEqual([stacked.upload.pair.originalAssetId, stacked.upload.pair.processedAssetId].sort());
    expect((await server.client().getAssetInfo(alone.upload.pair.originalAssetId!)).stack ?? null).toBeNull();
  }, 120_000);
});
