import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Photo, Recipe } from '../../contract/index.ts';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { exiftoolTags, hasExiftool } from '../../../test-support/exiftool.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { libraryLayout, type LibraryLayout } from '../library/library-layout.ts';
import { newRecipe, newStep } from '../recipes/create.ts';
import { recipeSha256 } from './metadata/provenance.ts';
import { renderToLibrary, sidecarPath } from './render-to-library.ts';
import { storedPhoto } from './testing/stored-photo.ts';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function recipeFor(sha: string): Recipe {
  const steps = [newStep('crop', { x: 0.1, y: 0.1, w: 0.8, h: 0.8, angle: 0 }), newStep('output', { format: 'jpeg', quality: 80 })];
  return { ...newRecipe(sha), steps, end: steps.length };
}

describe.skipIf(!hasCorpus)('renderToLibrary: every processed file is unique to its original and recipe', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  let layout: LibraryLayout;
  let twins: Array<Photo & { sha256: string; originalPath: string }>;

  beforeAll(async () => {
    dir = await tempDir('lightbox-render-lib-');
    layout = libraryLayout(dir.path);
    await mkdir(path.join(dir.path, 'originals', '2024', '05'), { recursive: true });
    // Two originals whose pixels are the same: the second has bytes after the JPEG end marker.
    const bytes = await readFile(corpusPath('jpeg/camera/Nikon_D70.jpg'));
    const files = [bytes, Buffer.concat([bytes, Buffer.from('trailer written by a card reader')])];
    twins = await Promise.all(files.map(async (data, i) => {
      const rel = `originals/2024/05/twin${i}.jpg`;
      await writeFile(layout.absolute(rel), data);
      return storedPhoto(i + 1, sha256(data), rel);
    }));
  });
  afterAll(() => dir.cleanup());

  it('two originals with the same pixels give two different files, each naming its own original', async () => {
    const [a, b] = twins as [typeof twins[0], typeof twins[0]];
    const ra = await renderToLibrary(layout, a, recipeFor(a.sha256), 1, undefined);
    const rb = await renderToLibrary(layout, b, recipeFor(b.sha256), 1, undefined);
    expect(ra.sha256).not.toBe(rb.sha256);
    const xmp = (await readFile(ra.path)).toString('latin1');
    expect(xmp).toContain(`urn:sha256:${a.sha256}`);
    expect(xmp).not.toContain(b.sha256);
  });

  it('the same original and recipe give the same bytes again, under any revision; another recipe does not', async () => {
    const a = twins[0]!;
    const first = await renderToLibrary(layout, a, recipeFor(a.sha256), 2, undefined);
    const firstBytes = await readFile(first.path);
    const again = await renderToLibrary(layout, a, recipeFor(a.sha256), 2, undefined);
    expect((await readFile(again.path)).equals(firstBytes)).toBe(true);
    // Undo + redo: the same recipe as a newer revision.
    const redone = await renderToLibrary(layout, a, recipeFor(a.sha256), 3, undefined);
    expect(redone.sha256).toBe(first.sha256);
    const other = recipeFor(a.sha256);
    const changed = await renderToLibrary(layout, a, { ...other, steps: [...other.steps.slice(0, -1), newStep('output', { format: 'jpeg', quality: 81 })] }, 4, undefined);
    expect(changed.sha256).not.toBe(first.sha256);
  });

  it.skipIf(!hasExiftool)('exiftool reads the provenance: DerivedFrom, the original and recipe hashes; the sidecar adds the revision', async () => {
    const a = twins[0]!;
    const recipe = recipeFor(a.sha256);
    const out = await renderToLibrary(layout, a, recipe, 4, undefined);
    const tags = exiftoolTags(out.path);
    expect(tags['XMP-xmpMM:DerivedFrom']).toEqual({ DocumentID: `urn:sha256:${a.sha256}`, FilePath: 'IMG_1.jpg' });
    expect(tags['XMP-xmpMM:OriginalDocumentID']).toBe(`urn:sha256:${a.sha256}`);
    expect(tags['XMP-lightbox:OriginalSHA256']).toBe(a.sha256);
    expect(tags['XMP-lightbox:RecipeSHA256']).toBe(recipeSha256(recipe));
    expect(tags['XMP-lightbox:RecipeRevision']).toBeUndefined();
    expect(String(tags['XMP-xmp:CreatorTool'])).toMatch(/^Lightbox \d+\.\d+\.\d+/);
    const sidecar = exiftoolTags(sidecarPath(out.path));
    expect(sidecar['XMP-lightbox:RecipeRevision']).toBe(4);
    expect(sidecar['XMP-lightbox:OriginalSHA256']).toBe(a.sha256);
  });
});

