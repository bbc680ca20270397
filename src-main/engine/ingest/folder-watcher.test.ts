import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '../../../test-support/temp-dir.ts';
import { DONE_DIR } from './after-ingest.ts';
import { createPathFilter, isIgnoredName } from './file-filter.ts';
import { watchFolder, type FolderWatcher, type WatchFolderOptions } from './folder-watcher.ts';
import { IngestError } from './ingest-error.ts';

type Recorder = { seen: string[]; errors: Error[]; names: () => string[] };

describe('watchFolder', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let root: string;
  const watchers: FolderWatcher[] = [];

  const put = async (rel: string, content = 'x') => {
    const file = path.join(root, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    return file;
  };
  const relNames = (paths: string[]) => [...new Set(paths.map((p) => path.relative(root, p).split(path.sep).join('/')))].sort();

  const start = async (options: Partial<WatchFolderOptions> & { include?: string[]; exclude?: string[] } = {}) => {
    const rec: Recorder = { seen: [], errors: [], names: () => relNames(rec.seen) };
    const matches = createPathFilter({ include: options.include ?? [], exclude: options.exclude ?? [] }, root);
    const watcher = await watchFolder(root, {
      recursive: true,
      polling: false,
      filter: (abs) => !isIgnoredName(path.basename(abs)) && matches(abs),
      onCandidate: (abs) => rec.seen.push(abs),
      onError: (error) => rec.errors.push(error),
      ...options,
    });
    watchers.push(watcher);
    return { watcher, rec };
  };

  beforeEach(async () => {
    dir = await tempDir();
    root = path.join(dir.path, 'hot');
    await mkdir(root);
  });
  afterEach(async () => {
    await Promise.all(watchers.splice(0).map((w) => w.close()));
    await dir.cleanup();
  });

  it('reports files present at start before resolving, then files added later', async () => {
    await put('a.jpg');
    await put('day1/b.nef');
    await put('day1/deeper/c.heic');
    const { rec } = await start();
    expect(rec.names()).toEqual(['a.jpg', 'day1/b.nef', 'day1/deeper/c.heic']);
    expect(rec.seen.every((p) => path.isAbsolute(p))).toBe(true);

    await put('later.jpg');
    await put('day2/new.jpg');
    await waitFor('later files', () => rec.names().includes('later.jpg') && rec.names().includes('day2/new.jpg'));
    expect(rec.errors).toEqual([]);
  });

  it('reports a change to a known file again (the caller dedupes)', async () => {
    const file = await put('a.jpg', 'first');
    const { rec } = await start();
    expect(rec.seen).toEqual([file]);
    await writeFile(file, 'second, longer');
    await waitFor('change event', () => rec.seen.length >= 2);
    expect(new Set(rec.seen)).toEqual(new Set([file]));
  });

  it('does not go below the top level when not recursive', async () => {
    await put('top.jpg');
    await put('sub/inner.jpg');
    const { rec } = await start({ recursive: false });
    expect(rec.names()).toEqual(['top.jpg']);
    await put('sub/inner2.jpg');
    await put('top2.jpg');
    await waitFor('top2.jpg', () => rec.names().includes('top2.jpg'));
    expect(rec.names()).toEqual(['top.jpg', 'top2.jpg']);
  });

  it('works in polling mode', async () => {
    await put('before.jpg');
    const { rec } = await start({ polling: true, pollIntervalMs: 100 });
    expect(rec.names()).toEqual(['before.jpg']);
    await put('sub/after.jpg');
    await waitFor('polled file', () => rec.names().includes('sub/after.jpg'));
  });

  it('skips ignored names, hidden and NAS folders, and include/exclude misses', async () => {
    for (const rel of ['.DS_Store', '._a.jpg', 'a.jpg.part', 'a.xmp', 'Thumbs.db', '.hidden/x.jpg', '@eaDir/a.jpg/SYNOPHOTO_THUMB_XL.jpg', 'rejects/r.jpg', 'notes.txt']) {
      await put(rel);
    }
    await put('a.jpg');
    const { rec } = await start({ include: ['*.jpg'], exclude: ['rejects'] });
    expect(rec.names()).toEqual(['a.jpg']);
    await put('b.jpg.crdownload');
    await put('rejects/r2.jpg');
    await put('b.jpg');
    await waitFor('b.jpg', () => rec.names().includes('b.jpg'));
    expect(rec.names()).toEqual(['a.jpg', 'b.jpg']);
  });

  it('ignores the library and done/ inside the watched folder', async () => {
    const library = path.join(root, 'Lightbox Library');
    await put('Lightbox Library/originals/2024/01/abcd1234_a.jpg');
    await put(`${DONE_DIR}/old.jpg`);
    await put('a.jpg');
    const { rec } = await start({ ignorePaths: [library, path.join(root, DONE_DIR)] });
    expect(rec.names()).toEqual(['a.jpg']);
    await put('Lightbox Library/originals/2024/01/abcd1234_b.jpg');
    await put(`${DONE_DIR}/sub/new.jpg`);
    await put('sentinel.jpg');
    await waitFor('sentinel', () => rec.names().includes('sentinel.jpg'));
    expect(rec.names()).toEqual(['a.jpg', 'sentinel.jpg']);
  });

  it('stops reporting after close()', async () => {
    const { watcher, rec } = await start();
    await watcher.close();
    // A second watcher proves the file event really happened before we look at the closed one.
    const { rec: control } = await start();
    await put('after-close.jpg');
    await waitFor('control watcher', () => control.names().includes('after-close.jpg'));
    expect(rec.seen).toEqual([]);
  });

  it('reports a missing root or a file as root through onError and resolves an inert watcher', async () => {
    const errors: Error[] = [];
    const base = { recursive: true, polling: false, filter: () => true, onCandidate: () => undefined, onError: (e: Error) => errors.push(e) };
    const missing = await watchFolder(path.join(dir.path, 'not-there'), base);
    await missing.close();
    const file = path.join(dir.path, 'plain.jpg');
    await writeFile(file, 'x');
    const notDir = await watchFolder(file, base);
    await notDir.close();
    expect(errors).toHaveLength(2);
    expect(errors.every((e) => e instanceof IngestError && e.code === 'read-failed')).toBe(true);
    expect(errors[0]?.message).toMatch(/does not exist/);
    expect(errors[1]?.message).toMatch(/is a file, not a folder/);
  });

  it('refuses a hot folder that lies inside the library', async () => {
    const { rec } = await start({ ignorePaths: [dir.path] });
    expect(rec.errors).toHaveLength(1);
    expect(rec.errors[0]?.message).toMatch(/inside/);
  });
});
