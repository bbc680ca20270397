import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FolderStatus } from '../../contract/index.ts';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir, waitFor } from '../../../test-support/temp-dir.ts';
import { createEngine } from '../engine.ts';

/** A card reader unplugged, a NAS share that dropped: the folder is watched again when it is back. */
describe.skipIf(!hasCorpus)('a hot folder whose drive comes and goes', () => {
  let library: Awaited<ReturnType<typeof tempDir>>;
  let mount: Awaited<ReturnType<typeof tempDir>>;
  let engine: Awaited<ReturnType<typeof createEngine>> | null = null;
  const statuses: FolderStatus[] = [];

  beforeEach(async () => {
    library = await tempDir();
    mount = await tempDir();
    statuses.length = 0;
  });
  afterEach(async () => {
    await engine?.close();
    engine = null;
    await library.cleanup();
    await mount.cleanup();
  });

  /** Without a folder: the library's stored hot folders, as after a restart. */
  const startOn = async (folder?: string) => {
    engine = await createEngine({ libraryDir: library.path, watch: folder ? [folder] : [], tuning: { quietMs: 200, folderRetryMs: 200, folderCheckMs: 200 } });
    engine.api.on('folder.status', (s) => statuses.push(s));
    await engine.start();
    return engine;
  };
  const fileNames = async () => (await engine!.api.call('photos.list', { limit: 100 })).photos.map((p) => p.fileName).sort();

  it('starts with the folder missing, says why, and ingests what is there once it appears', async () => {
    const card = path.join(mount.path, 'DCIM');
    // Added while the card was in; Lightbox restarts with the card out.
    await mkdir(card);
    await (await startOn(card)).close();
    await rm(card, { recursive: true });
    statuses.length = 0;
    const e = await startOn();
    const [first] = await e.api.call('folders.status', {});
    expect(first).toMatchObject({ state: 'unavailable', message: expect.stringMatching(/does not exist .*not connected/) });
    expect(Date.parse(first!.retryAt!)).toBeGreaterThan(Date.now() - 1000);

    await mkdir(card);
    await copyFile(corpusPath('jpeg/camera/Nikon_D70.jpg'), path.join(card, 'DSC_0001.jpg'));
    await waitFor('the card to be watched again and its photo ingested', async () => ((await fileNames()).length === 1 ? true : undefined), 15_000);
    expect(await fileNames()).toEqual(['DSC_0001.jpg']);
    expect((await e.api.call('folders.status', {}))[0]!.state).toBe('watching');
    expect(statuses.map((s) => s.state)).toEqual(['unavailable', 'watching']);
  }, 30_000);

  it('notices the folder disappearing while watched and resumes with new files when it is back', async () => {
    const share = path.join(mount.path, 'share');
    await mkdir(share);
    await copyFile(corpusPath('jpeg/camera/Nikon_D70.jpg'), path.join(share, 'a.jpg'));
    const e = await startOn(share);
    await waitFor('the first photo', async () => ((await fileNames()).length === 1 ? true : undefined), 15_000);

    await rm(share, { recursive: true });
    await waitFor('the folder to be reported unavailable', async () => ((await e.api.call('folders.status', {}))[0]!.state === 'unavailable' ? true : undefined), 15_000);

    await mkdir(share);
    await copyFile(corpusPath('jpeg/camera/Nexus_4.jpg'), path.join(share, 'b.jpg'));
    await waitFor('the share to be watched again and the new photo ingested', async () => ((await fileNames()).length === 2 ? true : undefined), 15_000);
    expect(await fileNames()).toEqual(['a.jpg', 'b.jpg']);
    await e.whenIdle();
    // a.jpg was not there any more; nothing is duplicated or lost.
    expect((await e.api.call('photos.list', { limit: 100 })).photos.every((p) => p.error === null)).toBe(true);
  }, 30_000);
});
