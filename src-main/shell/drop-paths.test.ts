import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/temp-dir.ts';
import { createEngine } from '../engine/engine.ts';
import { acceptDrop, DropOutcome, DropRequest } from './drop-paths.ts';

/** Drops against the real engine on a temp library (watchers off: we check the copies, not ingest). */
describe('acceptDrop', () => {
  let library: Awaited<ReturnType<typeof tempDir>>;
  let outside: Awaited<ReturnType<typeof tempDir>>;
  let engine: Awaited<ReturnType<typeof createEngine>>;

  beforeEach(async () => {
    library = await tempDir('lightbox-drop-lib-');
    outside = await tempDir('lightbox-drop-src-');
    engine = await createEngine({ libraryDir: library.path, watchFolders: false });
  });

  afterEach(async () => {
    await engine.close();
    await library.cleanup();
    await outside.cleanup();
  });

  it('refuses anything but a non-empty list of absolute paths', () => {
    expect(DropRequest.safeParse([]).success).toBe(false);
    expect(DropRequest.safeParse(['relative/photo.jpg']).success).toBe(false);
    expect(DropRequest.safeParse([{ path: '/x' }]).success).toBe(false);
    expect(DropRequest.safeParse('/x').success).toBe(false);
    expect(DropRequest.safeParse(['/a\0b']).success).toBe(false);
    expect(DropRequest.safeParse(['/home/me/a.jpg']).success).toBe(true);
  });

  it('says there is no hot folder instead of copying files somewhere', async () => {
    const photo = path.join(outside.path, 'a.jpg');
    await writeFile(photo, 'jpeg bytes');
    const outcome = DropOutcome.parse(await acceptDrop(engine.api, [photo]));
    expect(outcome.copied).toEqual([]);
    expect(outcome.problems).toEqual([{ path: photo, code: 'no-hot-folder', message: expect.stringContaining('Add Hot Folder') }]);
    expect(outcome.summary).toBe(
      'Could not copy 1 dropped file: Lightbox has no hot folder to copy them into: drop a folder on the window or use File › Add Hot Folder… first.',
    );
  });

  it('turns a dropped folder into a hot folder and copies dropped files into the first one without overwriting', async () => {
    const hot = path.join(outside.path, 'inbox');
    const src = path.join(outside.path, 'card');
    await mkdir(hot);
    await mkdir(src);
    await writeFile(path.join(hot, 'a.jpg'), 'already there');
    await writeFile(path.join(src, 'a.jpg'), 'new a');
    await writeFile(path.join(src, 'b.jpg'), 'new b');

    const outcome = await acceptDrop(engine.api, [hot, path.join(src, 'a.jpg'), path.join(src, 'b.jpg'), path.join(src, 'gone.jpg')]);
    expect(outcome.folders).toEqual([hot]);
    expect((await engine.api.call('folders.list', {})).map((f) => f.path)).toEqual([hot]);
    expect(outcome.target).toBe(hot);
    expect(outcome.copied).toEqual([path.join(hot, 'a (2).jpg'), path.join(hot, 'b.jpg')]);
    expect(await readFile(path.join(hot, 'a.jpg'), 'utf8')).toBe('already there');
    expect(await readFile(path.join(hot, 'a (2).jpg'), 'utf8')).toBe('new a');
    expect(await readFile(path.join(hot, 'b.jpg'), 'utf8')).toBe('new b');
    // No temporary .part file left behind for the watcher to trip over.
    expect((await readdir(hot)).sort()).toEqual(['a (2).jpg', 'a.jpg', 'b.jpg']);
    expect(outcome.problems).toEqual([{ path: path.join(src, 'gone.jpg'), code: 'file-vanished', message: expect.stringContaining('gone.jpg') }]);
    expect(outcome.summary).toBe(`Now watching ${hot}. Copied 2 files into ${hot}. ${outcome.problems[0]!.message}`);
  });

  it("passes the engine's refusal of a folder through (a folder inside the library)", async () => {
    const inside = path.join(library.path, 'sub');
    await mkdir(inside);
    const outcome = await acceptDrop(engine.api, [inside]);
    expect(outcome.folders).toEqual([]);
    expect(outcome.problems).toEqual([{ path: inside, code: 'bad-request', message: expect.stringContaining('inside the Lightbox library') }]);
  });

  it('does not copy a file dropped from the hot folder onto itself', async () => {
    await engine.api.call('folders.add', { path: outside.path });
    const photo = path.join(outside.path, 'same.jpg');
    await writeFile(photo, 'x');
    const outcome = await acceptDrop(engine.api, [photo]);
    expect(outcome.copied).toEqual([]);
    expect(await readdir(outside.path)).toEqual(['same.jpg']);
    expect(outcome.summary).toBe('Nothing to do: those files are already in the hot folder.');
  });
});
