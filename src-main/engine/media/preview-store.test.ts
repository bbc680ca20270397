import { access, copyFile, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { createEngine } from '../engine.ts';
import { libraryLayout } from '../library/library-layout.ts';

const exists = (file: string) => access(file).then(() => true, () => false);

describe.skipIf(!hasCorpus)('previews on demand', () => {
  let inbox: Awaited<ReturnType<typeof tempDir>>;
  let library: Awaited<ReturnType<typeof tempDir>>;
  let engine: Awaited<ReturnType<typeof createEngine>>;
  const ids = new Map<string, number>();

  beforeAll(async () => {
    inbox = await tempDir();
    library = await tempDir();
    for (const rel of ['jpeg/camera/Leica_T_Typ_701.jpg', 'content/skimage/coffee.png', 'bad/truncated-10000B.jpg']) {
      await copyFile(corpusPath(rel), path.join(inbox.path, path.basename(rel)));
    }
    engine = await createEngine({ libraryDir: library.path, watchFolders: false });
    await engine.processOnce([inbox.path]);
    for (const photo of (await engine.api.call('photos.list', { limit: 10 })).photos) ids.set(photo.fileName, photo.id);
  }, 60_000);
  afterAll(async () => {
    await engine.close();
    await inbox.cleanup();
    await library.cleanup();
  });

  it('ingest makes a JPEG thumbnail only; a PNG gets its preview from the same decode', async () => {
    const layout = libraryLayout(library.path);
    expect(await exists(layout.thumbPath(ids.get('Leica_T_Typ_701.jpg')!))).toBe(true);
    expect(await exists(layout.previewPath(ids.get('Leica_T_Typ_701.jpg')!))).toBe(false);
    expect(await exists(layout.previewPath(ids.get('coffee.png')!))).toBe(true);
  });

  it('makes the preview once when it is first asked for, also for simultaneous askers', async () => {
    const id = ids.get('Leica_T_Typ_701.jpg')!;
    const answers = await Promise.all([1, 2, 3].map(() => engine.resolveMedia('preview', id)));
    expect(new Set(answers.map((a) => a?.path)).size).toBe(1);
    const meta = await sharp(answers[0]!.path).metadata();
    const photo = await engine.api.call('photos.get', { id });
    expect(Math.max(meta.width, meta.height)).toBe(Math.min(2048, Math.max(photo.width!, photo.height!)));
    expect(meta.width / meta.height).toBeCloseTo(photo.width! / photo.height!, 2);
  });

  it('remakes a preview deleted from the cache, and has none for a photo that cannot be decoded', async () => {
    const id = ids.get('Leica_T_Typ_701.jpg')!;
    const layout = libraryLayout(library.path);
    await rm(layout.previewPath(id));
    expect((await engine.resolveMedia('preview', id))?.path).toBe(layout.previewPath(id));
    expect(await engine.resolveMedia('preview', ids.get('truncated-10000B.jpg')!)).toBeNull();
  });

  it('keeps a 1024 px working copy for the editing preview path, made once from the preview', async () => {
    const id = ids.get('Leica_T_Typ_701.jpg')!;
    const a = await engine.resolveMedia('preview', id);
    const layout = libraryLayout(library.path);
    expect(a?.path).toBe(layout.previewPath(id));
    const rendered = await engine.api.call('render.preview', { photoId: id });
    expect(await exists(layout.editPreviewPath(id))).toBe(true);
    const edit = await sharp(layout.editPreviewPath(id)).metadata();
    expect(Math.max(edit.width, edit.height)).toBe(1024);
    expect(Math.max(rendered.width, rendered.height)).toBe(1024);
  });
});
