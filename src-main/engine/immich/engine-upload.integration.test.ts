import { randomUUID } from 'node:crypto';
import { copyFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { createEngine } from '../engine.ts';
import { openLibrary } from '../library/index.ts';
import { libraryLayout } from '../library/library-layout.ts';
import { UploadsRepo } from '../library/uploads-repo.ts';
import type { ImmichClient } from './immich-client.ts';
import { METADATA_KEY } from './pair-upload.ts';
import { renderingProcessedSource, TEST_RECIPE_HASH } from './test-processed-source.ts';
import { onDouble, startTestServer, type TestServer } from './test-server.ts';

/** The 30 smallest camera JPEGs of the corpus (speed), distinct files from distinct cameras. */
async function corpusJpegs(n: number): Promise<string[]> {
  const dir = corpusPath('jpeg/camera');
  const names = (await readdir(dir)).filter((f) => f.toLowerCase().endsWith('.jpg'));
  const sized = await Promise.all(names.map(async (name) => ({ name, size: (await stat(path.join(dir, name))).size })));
  return sized.sort((a, b) => a.size - b.size).slice(0, n).map((s) => `jpeg/camera/${s.name}`);
}

const sidecarXmp = (description: string, rating: number, keywords: string[]) => `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="${rating}">
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${description}</rdf:li></rdf:Alt></dc:description>
<dc:subject><rdf:Bag>${keywords.map((k) => `<rdf:li>${k}</rdf:li>`).join('')}</rdf:Bag></dc:subject>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

const fast = { retry: { baseMs: 20, capMs: 200 }, offlineProbe: { baseMs: 100, capMs: 500 } };

describe.skipIf(!hasCorpus)('Immich uploads through the engine', () => {
  let server: TestServer;
  let client: ImmichClient;
  let inbox: Awaited<ReturnType<typeof tempDir>>;
  let library: Awaited<ReturnType<typeof tempDir>>;

  beforeEach(async () => {
    server = await startTestServer();
    client = server.client();
    inbox = await tempDir('lightbox-upload-in-');
    library = await tempDir('lightbox-upload-lib-');
  });
  afterEach(async () => {
    await server.close();
    await inbox.cleanup();
    await library.cleanup();
  });

  it('30 corpus photos become 30 stacks of 2 in one album, processed as cover, metadata and sidecar values readable back', async () => {
    const sources = await corpusJpegs(30);
    expect(sources).toHaveLength(30);
    for (const rel of sources) await copyFile(corpusPath(rel), path.join(inbox.path, path.basename(rel)));
    // Three photos carry a Lightroom sidecar: its description, rating and keywords must reach Immich.
    const tagged = sources.slice(0, 3).map((rel) => path.basename(rel, '.jpg'));
    for (const [i, stem] of tagged.entries()) await writeFile(path.join(inbox.path, `${stem}.xmp`), sidecarXmp(`Caption ${i}`, i + 2, ['lightbox-test', `kw${i}`]));

    const album = `Lightbox engine ${randomUUID().slice(0, 8)}`;
    const processedSource = renderingProcessedSource(library.path);
    const engine = await createEngine({
      libraryDir: library.path,
      watchFolders: false,
      immich: { serverUrl: server.url, apiKey: server.apiKey, defaultUpload: { what: 'both', cover: 'processed', albumName: album }, processedSource, ...fast },
    });
    const progress: Array<{ photoId: number; state: string; step: string | null }> = [];
    engine.api.on('upload.progress', (p) => progress.push(p));
    let summary;
    try {
      summary = await engine.processOnce([inbox.path]);
      expect(await engine.api.call('immich.status', {})).toMatchObject({ configured: true, paused: false, online: true, counts: { uploaded: 30, failed: 0, pending: 0, waiting: 0 } });
    } finally {
      await engine.close();
      processedSource.close();
    }
    expect(summary.ingested).toBe(30);
    // A real server may already hold these corpus bytes from an earlier run: then they are duplicates.
    expect(summary.immich).toMatchObject({ stacked: 30, failed: [], waiting: 0 });
    expect(summary.immich!.uploaded + summary.immich!.duplicates).toBe(30);
    if (onDouble) expect(summary.immich!.uploaded).toBe(30);

    const lib = openLibrary(libraryLayout(library.path).database);
    const records = lib.photos.list({ limit: 100 }).photos.map((p) => ({ photo: p, upload: new UploadsRepo(lib.db).get(p.id)! }));
    lib.close();
    server.track(...records.flatMap((r) => [r.upload.pair.originalAssetId, r.upload.pair.processedAssetId]));
    expect(records).toHaveLength(30);

    const albums = (await client.getAllAlbums()).filter((a) => a.albumName === album);
    expect(albums).toHaveLength(1);
    expect(albums[0]!.assetCount).toBe(60);

    const stackIds = new Set<string>();
    let sidecarsSeen = 0;
    for (const { photo, upload } of records) {
      const { originalAssetId, processedAssetId, stackId } = upload.pair;
      expect(upload.state).toBe('uploaded');
      if (onDouble) expect(upload.originalOutcome).toBe('created');
      const stack = await client.getStack(stackId!);
      expect(stack.primaryAssetId).toBe(processedAssetId);
      expect(stack.assets.map((a) => a.id).sort()).toEqual([originalAssetId, processedAssetId].sort());
      stackIds.add(stack.id);
      const original = await client.getAssetInfo(originalAssetId!);
      expect(original.originalFileName).toBe(photo.fileName);
      expect(Buffer.from(original.checksum, 'base64').toString('hex')).toBe(photo.sha1);
      const processed = await client.getAssetInfo(processedAssetId!);
      expect(processed.originalFileName).toBe(`${path.parse(photo.fileName).name}_lightbox.jpg`);
      for (const id of [originalAssetId!, processedAssetId!]) {
        const meta = (await client.getAssetMetadata(id)).find((m) => m.key === METADATA_KEY);
        expect(meta?.value).toMatchObject({ recipeHash: TEST_RECIPE_HASH, originalAssetId, processedAssetId });
      }
      const i = tagged.indexOf(path.parse(photo.fileName).name);
      if (i >= 0) {
        expect(original.exifInfo?.description).toBe(`Caption ${i}`);
        expect(original.exifInfo?.rating).toBe(i + 2);
        sidecarsSeen += 1;
      }
    }
    expect(stackIds.size).toBe(30);
    expect(sidecarsSeen).toBe(3);
    // Progress: every photo went queued -> uploading -> uploaded, with its steps recorded on the way.
    for (const { photo } of records) {
      const states = progress.filter((p) => p.photoId === photo.id).map((p) => p.step ?? p.state);
      expect(states[0]).toBe('queued');
      expect(states.at(-1)).toBe('uploaded');
      expect(states).toEqual(expect.arrayContaining(['original', 'processed', 'stack', 'album', 'metadata']));
    }
    if (onDouble) {
      const assets = server.double!.state.assets;
      expect(assets).toHaveLength(60);
      expect(new Set(assets.map((a) => a.checksumHex)).size).toBe(60);
    }
  }, 240_000);

  it('photos whose folder does not upload go when the photographer sends them (immich.upload), once, as stacks', async () => {
    const sources = (await corpusJpegs(3)).slice(0, 2);
    for (const rel of sources) await copyFile(corpusPath(rel), path.join(inbox.path, path.basename(rel)));
    const processedSource = renderingProcessedSource(library.path);
    const engine = await createEngine({
      libraryDir: library.path,
      watchFolders: false,
      immich: { serverUrl: server.url, apiKey: server.apiKey, defaultUpload: { what: 'none', approvalRequired: true }, processedSource, ...fast },
    });
    try {
      await engine.processOnce([inbox.path]);
      expect(await engine.api.call('immich.status', {})).toMatchObject({ counts: { uploaded: 0 } });
      const ids = (await engine.api.call('photos.list', {})).photos.map((p) => p.id);

      const sent = await engine.api.call('immich.upload', { photoIds: [...ids, 9999] });
      expect(sent).toEqual({ queued: 2, skipped: [{ photoId: 9999, message: 'There is no photo 9999 in this library.' }] });
      await engine.whenIdle();
      expect(await engine.api.call('immich.status', {})).toMatchObject({ counts: { uploaded: 2, failed: 0 } });
      // Sending again changes nothing on the server: the pair is recorded, a duplicate answer is success.
      await engine.api.call('immich.upload', { photoIds: ids });
      await engine.whenIdle();
      const records = ids.map((id) => engine.api.call('immich.photoUpload', { photoId: id }));
      for (const record of await Promise.all(records)) {
        expect(record).toMatchObject({ state: 'uploaded' });
        server.track(record!.originalAssetId!, record!.processedAssetId!);
        const stack = await client.getStack(record!.stackId!);
        expect(stack.assets.map((a) => a.id).sort()).toEqual([record!.originalAssetId, record!.processedAssetId].sort());
      }
      if (onDouble) expect(server.double!.state.assets).toHaveLength(4);
    } finally {
      await engine.close();
      processedSource.close();
    }
  }, 120_000);
});
