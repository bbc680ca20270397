import { access, mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { PreviewCache } from './preview-cache.ts';

const exists = (file: string) => access(file).then(() => true, () => false);

/** The previews' size cap on real files: least recently used first, never a file in use, never a thumbnail. */
describe('preview cache cap', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let previews: string;
  let thumbs: string;
  const files: string[] = [];

  /** Six 10 kB previews, each last used a minute after the one before. */
  beforeEach(async () => {
    dir = await tempDir();
    previews = path.join(dir.path, 'cache', 'previews');
    thumbs = path.join(dir.path, 'cache', 'thumbs');
    await mkdir(path.join(previews, '001'), { recursive: true });
    await mkdir(path.join(thumbs, '001'), { recursive: true });
    files.length = 0;
    const start = Date.now() / 1000 - 3600;
    for (let i = 0; i < 6; i++) {
      const file = path.join(previews, '001', `${i}.jpg`);
      await writeFile(file, Buffer.alloc(10_000));
      await utimes(file, start + i * 60, start + i * 60);
      files.push(file);
      await writeFile(path.join(thumbs, '001', `${i}.jpg`), Buffer.alloc(1_000));
    }
  });
  afterEach(() => dir.cleanup());

  it('finds what is on disk at start and evicts the least recently used down below the cap', async () => {
    const cache = new PreviewCache({ dirs: [previews], thumbsDir: thumbs, cap: () => 45_000, graceMs: 0 });
    await cache.whenReady();
    // 60 kB over a 45 kB cap: trimmed to 90 % of it (40.5 kB), the oldest first.
    expect(await Promise.all(files.map(exists))).toEqual([false, false, true, true, true, true]);
    expect(await cache.status()).toEqual({ capBytes: 45_000, previewBytes: 40_000, previewFiles: 4, thumbBytes: 6_000, thumbFiles: 6, evictedFiles: 2, evictedBytes: 20_000 });
  });

  it('keeps a preview just looked at, and one in use within the grace period', async () => {
    let cap = 1_000_000;
    const cache = new PreviewCache({ dirs: [previews], thumbsDir: thumbs, cap: () => cap, graceMs: 0 });
    await cache.whenReady();
    cache.used(files[0]!);
    cap = 35_000;
    await cache.trim();
    expect(await Promise.all(files.map(exists))).toEqual([true, false, false, false, true, true]);

    const careful = new PreviewCache({ dirs: [previews], thumbsDir: thumbs, cap: () => 1, graceMs: 60_000 });
    await careful.whenReady();
    const fresh = path.join(previews, '001', 'new.jpg');
    await writeFile(fresh, Buffer.alloc(10_000));
    careful.written(fresh, 10_000);
    await careful.trim();
    // Everything older than a minute went; the one just written may be on its way to a browser.
    expect(await exists(fresh)).toBe(true);
    expect((await careful.status()).previewFiles).toBe(1);
  });

  it('makes room on demand (a write found the disk full), oldest first, and counts what a write adds', async () => {
    const cache = new PreviewCache({ dirs: [previews], thumbsDir: thumbs, cap: () => 1_000_000, graceMs: 0 });
    await cache.whenReady();
    expect(await cache.makeRoom(15_000)).toBe(20_000);
    expect(await Promise.all(files.map(exists))).toEqual([false, false, true, true, true, true]);
    const added = path.join(previews, '001', 'added.jpg');
    await writeFile(added, Buffer.alloc(5_000));
    cache.written(added, 5_000);
    expect((await cache.status()).previewBytes).toBe(45_000);
  });
});
