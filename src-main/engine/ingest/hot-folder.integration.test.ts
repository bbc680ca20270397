import { createHash } from 'node:crypto';
import { copyFile, open, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Photo } from '../../contract/index.ts';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir, waitFor } from '../../../test-support/temp-dir.ts';
import { createEngine } from '../engine.ts';
import { libraryLayout } from '../library/library-layout.ts';

type Engine = Awaited<ReturnType<typeof createEngine>>;
// These tests are about ingest and wait for the 'ingested' stage: analysis (its own tests) stays off.
const TUNING = { quietMs: 300, incompleteGraceMs: 4000, analysis: { enabled: false } };
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.skipIf(!hasCorpus)('hot folders (watch mode, real files)', () => {
  let library: Awaited<ReturnType<typeof tempDir>>;
  let inbox: Awaited<ReturnType<typeof tempDir>>;
  let engine: Engine | null = null;

  const start = async () => {
    engine = await createEngine({ libraryDir: library.path, watch: [inbox.path], tuning: TUNING });
    await engine.start();
    return engine;
  };
  const listPhotos = async (e: Engine): Promise<Photo[]> => (await e.api.call('photos.list', { limit: 1000 })).photos;

  beforeEach(async () => {
    library = await tempDir();
    inbox = await tempDir();
  });
  afterEach(async () => {
    await engine?.close();
    engine = null;
    await library.cleanup();
    await inbox.cleanup();
  });

  it('ingests a file written slowly in chunks exactly once, complete', async () => {
    const e = await start();
    const bytes = await readFile(corpusPath('jpeg/camera/Canon_EOS_20D_2.jpg'));
    const target = path.join(inbox.path, 'slow.jpg');
    const handle = await open(target, 'w');
    // A card reader that stalls: 8 chunks, 400 ms apart — longer than the quiet time.
    const chunk = Math.ceil(bytes.length / 8);
    for (let offset = 0; offset < bytes.length; offset += chunk) {
      await handle.write(bytes.subarray(offset, offset + chunk));
      await handle.sync();
      await new Promise((r) => setTimeout(r, 400));
    }
    await handle.close();

    const photo = await waitFor('the slow file to be ingested and derived', async () => (await listPhotos(e)).find((p) => p.stage === 'ingested'));
    await e.whenIdle();
    const all = await listPhotos(e);
    expect(all).toHaveLength(1);
    expect(photo.sha256).toBe(sha256(bytes));
    expect(photo.error).toBeNull();
    const stored = await readFile(libraryLayout(library.path).absolute(photo.originalPath ?? ''));
    expect(stored.equals(bytes)).toBe(true);
  }, 60_000);

  it('ignores a .part download and ingests it after the rename', async () => {
    const e = await start();
    const partial = path.join(inbox.path, 'IMG_0001.jpg.part');
    await copyFile(corpusPath('jpeg/camera/Nikon_D70.jpg'), partial);
    await new Promise((r) => setTimeout(r, 1500));
    await e.whenIdle();
    expect(await listPhotos(e)).toHaveLength(0);

    await rename(partial, path.join(inbox.path, 'IMG_0001.jpg'));
    const photo = await waitFor('the renamed file', async () => (await listPhotos(e)).find((p) => p.fileName === 'IMG_0001.jpg'));
    expect(photo.fileName).toBe('IMG_0001.jpg');
    await e.whenIdle();
    expect(await listPhotos(e)).toHaveLength(1);
  }, 60_000);

  it('does not re-hash or duplicate anything when restarted on the same library', async () => {
    for (const name of ['Apple_iPhone_4.jpg', 'Nikon_D5000.jpg', 'Olympus_PEN_E-P3.jpg']) {
      await copyFile(corpusPath(`jpeg/camera/${name}`), path.join(inbox.path, name));
    }
    let e = await start();
    await waitFor('three photos', async () => (await listPhotos(e)).filter((p) => p.stage === 'ingested').length === 3);
    await e.whenIdle();
    const before = await e.api.call('queue.stats', {});
    await e.close();

    e = await start();
    // Give the watcher's initial scan and the stability wait time to (not) queue anything.
    await new Promise((r) => setTimeout(r, TUNING.quietMs * 4));
    await e.whenIdle();
    const after = await e.api.call('queue.stats', {});
    expect(after.kinds.ingest?.done).toBe(before.kinds.ingest?.done);
    expect(after.kinds.derive?.done).toBe(before.kinds.derive?.done);
    expect(await listPhotos(e)).toHaveLength(3);
  }, 60_000);

  it('records a file whose content is already in the library as a duplicate, not a second original', async () => {
    const e = await start();
    await copyFile(corpusPath('jpeg/camera/Apple_iPhone_4.jpg'), path.join(inbox.path, 'a.jpg'));
    await waitFor('the first copy', async () => (await listPhotos(e)).length === 1);
    await copyFile(corpusPath('jpeg/camera/Apple_iPhone_4.jpg'), path.join(inbox.path, 'b.jpg'));
    const photo = await waitFor('the duplicate to be counted', async () => (await listPhotos(e)).find((p) => p.duplicates === 1));
    await e.whenIdle();
    expect(await listPhotos(e)).toHaveLength(1);
    const duplicates = await e.api.call('photos.duplicates', { id: photo.id });
    expect(duplicates.map((d) => path.basename(d.path))).toEqual(['b.jpg']);
  }, 60_000);

  it('moves the source to done/ only after the original is stored', async () => {
    const e = await start();
    const [folder] = await e.api.call('folders.list', {});
    await e.api.call('folders.update', { id: folder!.id, afterIngest: 'move-to-done' });
    const bytes = await readFile(corpusPath('jpeg/camera/Nikon_D5000.jpg'));
    await writeFile(path.join(inbox.path, 'moved.jpg'), bytes);
    const photo = await waitFor('the moved photo', async () => (await listPhotos(e)).find((p) => p.fileName === 'moved.jpg' && p.originalPath));
    await waitFor('the source in done/', () => readFile(path.join(inbox.path, 'done', 'moved.jpg')).then((b) => b.equals(bytes), () => false));
    const stored = await readFile(libraryLayout(library.path).absolute(photo.originalPath ?? ''));
    expect(sha256(stored)).toBe(sha256(bytes));
  }, 60_000);
});
