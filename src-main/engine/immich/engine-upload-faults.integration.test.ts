import { copyFile, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImmichStatus } from '../../contract/index.ts';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir, waitFor } from '../../../test-support/temp-dir.ts';
import { createEngine, type ImmichConfig } from '../engine.ts';
import { libraryLayout } from '../library/library-layout.ts';
import { openLibrary } from '../library/index.ts';
import { UploadsRepo } from '../library/uploads-repo.ts';
import { createImmichClient } from './immich-client.ts';
import type { ProcessedSource } from './processed-source.ts';
import { renderingProcessedSource } from './test-processed-source.ts';
import { onDouble, startTestServer, type DoubleLike, type TestServer } from './test-server.ts';

const SOURCES = ['jpeg/camera/Apple_iPhone_4.jpg', 'jpeg/camera/Canon_EOS_7D.jpg', 'jpeg/camera/Nikon_D5000.jpg', 'jpeg/camera/HTC_Desire.jpg'];
const fast = { retry: { baseMs: 20, capMs: 100, maxAttempts: 3 }, offlineProbe: { baseMs: 100, capMs: 400 } } satisfies Partial<ImmichConfig>;

/** Fault injection needs the double; the happy paths run against a real server too (engine-upload.integration.test.ts). */
describe.skipIf(!hasCorpus || !onDouble)('Immich upload failures through the engine', () => {
  let server: TestServer;
  let double: DoubleLike;
  let inbox: Awaited<ReturnType<typeof tempDir>>;
  let library: Awaited<ReturnType<typeof tempDir>>;
  const closers: Array<() => Promise<void> | void> = [];

  beforeEach(async () => {
    server = await startTestServer();
    double = server.double!;
    inbox = await tempDir('lightbox-upfault-in-');
    library = await tempDir('lightbox-upfault-lib-');
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await server.close();
    await inbox.cleanup();
    await library.cleanup();
  });

  async function engineWith(count: number, immich: ImmichConfig) {
    for (const rel of SOURCES.slice(0, count)) await copyFile(corpusPath(rel), path.join(inbox.path, path.basename(rel)));
    const engine = await createEngine({ libraryDir: library.path, watchFolders: false, immich: { ...fast, ...immich } });
    closers.push(() => engine.close());
    const statuses: ImmichStatus[] = [];
    engine.api.on('immich.status', (s) => statuses.push(s));
    return { engine, statuses };
  }

  const uploadsOf = () => {
    const lib = openLibrary(libraryLayout(library.path).database);
    try {
      const repo = new UploadsRepo(lib.db);
      return lib.photos.list({ limit: 100 }).photos.map((p) => ({ photo: p, upload: repo.get(p.id) }));
    } finally {
      lib.close();
    }
  };

  it('honours a 429 Retry-After before sending the upload again (measured)', async () => {
    const { engine } = await engineWith(1, { serverUrl: server.url, apiKey: server.apiKey, defaultUpload: { what: 'original' } });
    double.faults.rateLimitNext(1, 2, { path: '/assets', method: 'POST' });
    const summary = await engine.processOnce([inbox.path]);
    expect(summary.immich).toMatchObject({ uploaded: 1, failed: [] });
    const posts = double.state.requests.filter((r) => r.method === 'POST' && r.path.split('?')[0] === '/api/assets');
    expect(posts.map((r) => r.status)).toEqual([429, 201]);
    const answeredAt = Date.parse(posts[0]!.at) + posts[0]!.durationMs;
    const waited = Date.parse(posts[1]!.at) - answeredAt;
    console.log(`[upload] 429 with Retry-After: 2 -> next attempt after ${waited} ms`);
    expect(waited).toBeGreaterThanOrEqual(1950);
    expect(waited).toBeLessThan(4000);
  }, 60_000);

  it('a refused key pauses every upload (event + status) and a new key resumes them', async () => {
    const { engine, statuses } = await engineWith(3, { defaultUpload: { what: 'original' } });
    await engine.api.call('immich.settings.set', { serverUrl: server.url, apiKey: server.apiKey });
    expect(await engine.api.call('immich.settings.get', {})).toEqual({ serverUrl: server.url, hasApiKey: true });
    // The key stays in the 0600 key file, never in the database.
    const keyFile = path.join(library.path, 'immich-keys.json');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await readFile(libraryLayout(library.path).database)).includes(Buffer.from(server.apiKey))).toBe(false);

    double.setApiKeys(['the-new-key']);
    const summary = await engine.processOnce([inbox.path]);
    // processOnce stops waiting at the pause; ingest of the rest goes on and queues behind the gate.
    const paused = await waitFor('all three queued behind the pause', async () => {
      const status = await engine.api.call('immich.status', {});
      return status.counts.pending === 3 && status;
    });
    expect(paused).toMatchObject({ paused: true, reason: { code: 'immich-auth' }, counts: { uploaded: 0, pending: 3 } });
    expect(statuses.some((s) => s.paused && s.reason?.code === 'immich-auth')).toBe(true);
    expect(summary.immich?.uploaded).toBe(0);
    // While paused nothing more is sent: the jobs wait at the gate instead of hammering the server.
    const before = double.state.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(double.state.requests.length).toBe(before);

    await expect(engine.api.call('immich.settings.set', { serverUrl: server.url, apiKey: 'still-wrong' })).rejects.toMatchObject({ code: 'immich-auth' });
    const { test } = await engine.api.call('immich.settings.set', { serverUrl: server.url, apiKey: 'the-new-key' });
    expect(test?.ok).toBe(true);
    await engine.whenIdle();
    expect(await engine.api.call('immich.status', {})).toMatchObject({ paused: false, counts: { uploaded: 3, pending: 0 } });
    expect(double.state.assets).toHaveLength(3);
  }, 60_000);

  it('an outage mid-run loses nothing: uploads wait offline and finish when the server is back', async () => {
    const processedSource = renderingProcessedSource(library.path);
    closers.push(() => processedSource.close());
    const { engine, statuses } = await engineWith(4, { serverUrl: server.url, apiKey: server.apiKey, defaultUpload: { what: 'both', albumName: 'Outage' }, processedSource });
    let downAt = 0;
    engine.api.on('upload.progress', (p) => {
      if (p.step === 'original' && !downAt) {
        downAt = Date.now();
        void double.faults.downFor(2000);
      }
    });
    const summary = await engine.processOnce([inbox.path]);
    expect(downAt).toBeGreaterThan(0);
    expect(statuses.some((s) => !s.online)).toBe(true);
    expect(statuses.at(-1)?.online).toBe(true);
    expect(summary.immich).toEqual({ uploaded: 4, duplicates: 0, stacked: 4, failed: [], waiting: 0, notices: [] });
    const assets = double.state.assets;
    expect(assets).toHaveLength(8);
    expect(new Set(assets.map((a) => a.checksumHex)).size).toBe(8);
    expect(double.state.stacks).toHaveLength(4);
    expect(double.state.albums.find((a) => a.albumName === 'Outage')?.assetIds).toHaveLength(8);
  }, 60_000);

  it('a 400 is a dead letter with the server message; a duplicate in the trash says so on the photo', async () => {
    // One photo's bytes are already in Immich's trash.
    const trashedSource = SOURCES[1]!;
    const client = createImmichClient({ baseUrl: server.url, apiKey: server.apiKey });
    const bytes = await readFile(corpusPath(trashedSource));
    const { createHash } = await import('node:crypto');
    const tmp = path.join(library.path, 'trashed.jpg');
    await copyFile(corpusPath(trashedSource), tmp);
    const sha1 = createHash('sha1').update(bytes).digest('hex');
    const first = await client.upload({ path: tmp, fileName: 'trashed.jpg', sha1, createdAt: '2020-01-01T00:00:00Z', modifiedAt: '2020-01-01T00:00:00Z' });
    await client.deleteAssets([first.id]);

    const { engine } = await engineWith(2, { serverUrl: server.url, apiKey: server.apiKey, defaultUpload: { what: 'original' } });
    double.faults.failNext(1, 400, { path: '/assets', method: 'POST' });
    const summary = await engine.processOnce([inbox.path]);
    const failed = summary.immich!.failed;
    expect(failed.map((f) => f.code).sort()).toEqual(['immich-invalid', 'immich-trashed-duplicate']);
    expect(failed.find((f) => f.code === 'immich-trashed-duplicate')?.message).toMatch(/trash/);
    const dead = await engine.api.call('queue.deadLetters', {});
    expect(dead.filter((d) => d.kind === 'upload')).toHaveLength(2);
    const trashed = uploadsOf().find((u) => u.photo.fileName === path.basename(trashedSource))!;
    expect(trashed.photo.error?.code).toBe('immich-trashed-duplicate');
    expect(trashed.photo.stage).toBe('failed');
  }, 60_000);

  it('photos wait for their processed file and go when uploadAfterRender is called; folder upload settings round-trip', async () => {
    let ready = false;
    const rendering = renderingProcessedSource(library.path);
    closers.push(() => rendering.close());
    const processedSource: ProcessedSource = (id) => (ready ? rendering(id) : Promise.resolve(null));
    const { engine } = await engineWith(2, { serverUrl: server.url, apiKey: server.apiKey, defaultUpload: { what: 'both', cover: 'original' }, processedSource });
    const first = await engine.processOnce([inbox.path]);
    expect(first.immich).toMatchObject({ uploaded: 0, waiting: 2 });
    expect(double.state.assets).toHaveLength(0);

    ready = true;
    for (const { photo } of uploadsOf()) engine.uploadAfterRender(photo.id);
    await engine.whenIdle();
    const done = uploadsOf();
    expect(done.map((u) => u.upload?.state)).toEqual(['uploaded', 'uploaded']);
    for (const { upload } of done) {
      const stack = double.state.stacks.find((s) => s.id === upload!.pair.stackId)!;
      expect(stack.primaryAssetId).toBe(upload!.pair.originalAssetId);
    }

    expect(await engine.api.call('immich.test', {})).toMatchObject({ ok: true, checks: expect.arrayContaining([expect.objectContaining({ name: 'auth', ok: true })]) });
    expect(await engine.api.call('immich.test', { apiKey: 'not-a-key' })).toMatchObject({ ok: false, checks: expect.arrayContaining([expect.objectContaining({ name: 'auth', ok: false })]) });

    const folder = await engine.api.call('folders.add', { path: inbox.path });
    expect(await engine.api.call('folders.uploadSettings.get', { folderId: folder.id })).toEqual({ folderId: folder.id, albumName: null, what: 'none', cover: 'processed', approvalRequired: false });
    const set = await engine.api.call('folders.uploadSettings.set', { folderId: folder.id, what: 'both', albumName: 'Studio', approvalRequired: true });
    expect(set).toEqual({ folderId: folder.id, albumName: 'Studio', what: 'both', cover: 'processed', approvalRequired: true });
    expect(await engine.api.call('folders.uploadSettings.get', { folderId: folder.id })).toEqual(set);
    await expect(engine.api.call('folders.uploadSettings.get', { folderId: 999 })).rejects.toMatchObject({ code: 'not-found' });
  }, 60_000);

  it('a re-render replaces the processed asset as the stack cover and trashes the old one; the original is never sent again', async () => {
    let revision = 1;
    const rendering = renderingProcessedSource(library.path);
    closers.push(() => rendering.close());
    // Revision 2 is a different rendering of the same photo (another file, other bytes).
    const processedSource: ProcessedSource = async (id) => {
      const first = await rendering(id);
      if (!first || revision === 1) return first;
      const target = first.path.replace(/\.jpg$/, '-r2.jpg');
      const sharp = (await import('sharp')).default;
      await sharp(first.path).modulate({ brightness: 0.9 }).jpeg({ quality: 70 }).toFile(target);
      return { path: target, revision: 2, recipeHash: 'e'.repeat(64) };
    };
    const { engine } = await engineWith(1, { serverUrl: server.url, apiKey: server.apiKey, defaultUpload: { what: 'both', albumName: 'Rerender' }, processedSource });
    await engine.processOnce([inbox.path]);
    const [before] = uploadsOf();
    const oldProcessed = before!.upload!.pair.processedAssetId!;

    revision = 2;
    engine.uploadAfterRender(before!.photo.id);
    await engine.whenIdle();
    const [after] = uploadsOf();
    const pair = after!.upload!.pair;
    expect(after!.upload).toMatchObject({ state: 'uploaded', processedRevision: 2 });
    expect(pair.originalAssetId).toBe(before!.upload!.pair.originalAssetId);
    expect(pair.processedAssetId).not.toBe(oldProcessed);
    const stack = double.state.stacks.find((s) => s.id === pair.stackId)!;
    expect(stack.primaryAssetId).toBe(pair.processedAssetId);
    expect(stack.assetIds.sort()).toEqual([pair.originalAssetId, pair.processedAssetId].sort());
    expect(double.state.assets.find((a) => a.id === oldProcessed)?.isTrashed).toBe(true);
    const originalSha1 = before!.photo.sha1;
    expect(double.state.uploads.filter((u) => u.receivedSha1 === originalSha1)).toHaveLength(1);
    expect((await createImmichClient({ baseUrl: server.url, apiKey: server.apiKey }).getAssetMetadata(pair.originalAssetId!)).find((m) => m.key === 'lightbox')?.value).toMatchObject({
      processedAssetId: pair.processedAssetId,
      recipeHash: 'e'.repeat(64),
    });
  }, 60_000);
});
