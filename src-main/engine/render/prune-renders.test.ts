import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { libraryLayout, type LibraryLayout } from '../library/library-layout.ts';
import { openLibrary, type Library } from '../library/index.ts';
import { newRecipe } from '../recipes/create.ts';
import { pruneRenders } from './prune-renders.ts';

const SHA = '0123abcd'.padEnd(64, 'e');
let dir: { path: string; cleanup(): Promise<void> };
let layout: LibraryLayout;
let lib: Library;
let photoId: number;

beforeEach(async () => {
  dir = await tempDir();
  layout = libraryLayout(dir.path);
  lib = openLibrary(layout.database);
  photoId = lib.photos.insert({
    folderId: null, sha256: SHA, sha1: null, fileName: 'a.jpg', sourcePath: '/in/a.jpg', bytes: 3,
    originalPath: 'originals/2024/05/0123abcd_a.jpg', error: null, captureDate: null,
  });
  await mkdir(layout.absolute('processed/2024/05'), { recursive: true });
  await mkdir(layout.absolute('originals/2024/05'), { recursive: true });
  await writeFile(layout.absolute('originals/2024/05/0123abcd_a.jpg'), 'original');
});
afterEach(async () => {
  lib.close();
  await dir.cleanup();
});

async function rendered(revision: number, target = 'main', file = `processed/2024/05/0123abcd_${revision}${target === 'main' ? '' : `_${target}`}.jpg`) {
  while ((lib.recipes.get(photoId)?.revision ?? 0) < revision) lib.recipes.save(photoId, newRecipe(SHA));
  if (file.startsWith('processed/')) {
    await writeFile(layout.absolute(file), `r${revision}`);
    await writeFile(layout.absolute(file.replace(/\.jpg$/, '.xmp')), 'xmp');
  }
  lib.renders.record({ photoId, revision, target, path: file, bytes: 2, sha256: SHA, width: 1, height: 1, createdAt: '2024-05-01T00:00:00Z' });
}

const files = async () => (await readdir(layout.absolute('processed/2024/05'))).sort();

describe('pruneRenders', () => {
  it('keeps the newest revisions (all their targets and sidecars) and removes the rest with their rows', async () => {
    for (const r of [1, 2, 3]) await rendered(r);
    await rendered(3, 'square');
    expect(await pruneRenders(lib, layout, photoId, 2)).toEqual([1]);
    expect(await files()).toEqual(['0123abcd_2.jpg', '0123abcd_2.xmp', '0123abcd_3.jpg', '0123abcd_3.xmp', '0123abcd_3_square.jpg', '0123abcd_3_square.xmp']);
    expect(lib.renders.forPhoto(photoId).map((r) => `${r.revision}:${r.target}`)).toEqual(['3:main', '3:square', '2:main']);
  });

  it('never deletes a file outside processed/, whatever a row says', async () => {
    await rendered(1, 'main', 'originals/2024/05/0123abcd_a.jpg');
    for (const r of [2, 3]) await rendered(r);
    expect(await pruneRenders(lib, layout, photoId, 1)).toEqual([2, 1]);
    expect(await readdir(layout.absolute('originals/2024/05'))).toEqual(['0123abcd_a.jpg']);
    expect(await files()).toEqual(['0123abcd_3.jpg', '0123abcd_3.xmp']);
  });

  it('removes old unrecorded files of this photo (a crash before the row) but not files another photo recorded', async () => {
    for (const r of [5, 6]) await rendered(r);
    await writeFile(layout.absolute('processed/2024/05/0123abcd_2.jpg'), 'orphan');
    await writeFile(layout.absolute('processed/2024/05/0123abcd_2.xmp'), 'orphan');
    // Another photo whose sha256 starts with the same 8 hex digits, at revision 1.
    const other = lib.photos.insert({ folderId: null, sha256: '0123abcd'.padEnd(64, 'f'), sha1: null, fileName: 'b.jpg', sourcePath: '/in/b.jpg', bytes: 3, originalPath: 'originals/2024/05/0123abcd_b.jpg', error: null, captureDate: null });
    await writeFile(layout.absolute('processed/2024/05/0123abcd_1.jpg'), 'other');
    await writeFile(layout.absolute('processed/2024/05/0123abcd_1.xmp'), 'other');
    lib.renders.record({ photoId: other, revision: 1, target: 'main', path: 'processed/2024/05/0123abcd_1.jpg', bytes: 5, sha256: SHA, width: 1, height: 1, createdAt: '2024-05-01T00:00:00Z' });
    await pruneRenders(lib, layout, photoId, 2);
    expect(await files()).toEqual(['0123abcd_1.jpg', '0123abcd_1.xmp', '0123abcd_5.jpg', '0123abcd_5.xmp', '0123abcd_6.jpg', '0123abcd_6.xmp']);
  });

  it('keeps the newest render while the current revision is still being rendered', async () => {
    for (const r of [1, 2]) await rendered(r);
    lib.recipes.save(photoId, newRecipe(SHA));
    lib.recipes.save(photoId, newRecipe(SHA));
    expect(lib.recipes.get(photoId)!.revision).toBe(4);
    expect(await pruneRenders(lib, layout, photoId, 1)).toEqual([1]);
    expect(await files()).toEqual(['0123abcd_2.jpg', '0123abcd_2.xmp']);
  });
});
