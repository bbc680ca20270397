import { createHash } from 'node:crypto';
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { createEngine } from '../engine.ts';
import { libraryLayout } from '../library/library-layout.ts';
import { openLibrary } from '../library/index.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const sha1 = async (file: string) => createHash('sha1').update(await readFile(file)).digest('hex');

/**
 * No injected processed files: the engine renders each photo's current recipe itself (the AI crop,
 * as a folder without approval trusts it) and uploads that render next to the original.
 */
describe.skipIf(!hasCorpus)('uploads with the engine’s own renders', () => {
  let server: TestServer;
  let inbox: Awaited<ReturnType<typeof tempDir>>;
  let library: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    server = await startTestServer();
    inbox = await tempDir();
    library = await tempDir();
  });
  afterEach(async () => {
    await server.close();
    await inbox.cleanup();
    await library.cleanup();
  });

  it('renders, then stacks original + render, the render being the current recipe revision', async () => {
    for (const rel of ['content/people/fr-obama.jpg', 'jpeg/camera/Nikon_D70.jpg']) await copyFile(corpusPath(rel), path.join(inbox.path, path.basename(rel)));
    const engine = await createEngine({
      libraryDir: library.path,
      watchFolders: false,
      immich: { serverUrl: server.url, apiKey: server.apiKey, defaultUpload: { what: 'both', cover: 'processed', albumName: 'Renders' }, retry: { baseMs: 20, capMs: 200 } },
    });
    let summary;
    try {
      summary = await engine.processOnce([inbox.path]);
    } finally {
      await engine.close();
    }
    expect(summary.immich).toMatchObject({ stacked: 2, failed: [], waiting: 0 });

    const layout = libraryLayout(library.path);
    const lib = openLibrary(layout.database);
    try {
      const client = server.client();
      for (const photo of lib.photos.list({ limit: 10, offset: 0 }).photos) {
        expect(photo.stage, photo.fileName).toBe('uploaded');
        const recipe = lib.recipes.get(photo.id)!;
        const render = lib.renders.forPhoto(photo.id).find((r) => r.revision === recipe.revision && r.target === 'main')!;
        expect(render, `${photo.fileName} has a render of its current revision`).toBeDefined();
        const upload = lib.db.prepare('SELECT processed_asset_id AS id FROM uploads WHERE photo_id = ?').get(photo.id) as { id: string };
        const asset = await client.getAssetInfo(upload.id);
        // The uploaded processed file is byte for byte the render of the current recipe.
        expect(Buffer.from(asset.checksum, 'base64').toString('hex')).toBe(await sha1(layout.absolute(render.path)));
      }
    } finally {
      lib.close();
    }
  }, 180_000);
});
