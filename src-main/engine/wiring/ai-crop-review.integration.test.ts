import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { createEngine } from '../engine.ts';
import { libraryLayout } from '../library/library-layout.ts';

/** Analysis proposes, the photographer approves, then (and only then) the final render is written. */
describe.skipIf(!hasCorpus)('AI crop review through the engine', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let engine: Awaited<ReturnType<typeof createEngine>>;
  let photoId = 0;

  beforeAll(async () => {
    dir = await tempDir();
    const inbox = path.join(dir.path, 'inbox');
    await mkdir(inbox);
    await copyFile(corpusPath('content/people/fr-obama.jpg'), path.join(inbox, 'obama.jpg'));
    engine = await createEngine({ libraryDir: path.join(dir.path, 'lib'), watchFolders: false });
    await engine.processOnce([inbox]);
    photoId = (await engine.api.call('photos.list', {})).photos[0]!.id;
  }, 120_000);
  afterAll(async () => {
    await engine.close();
    await dir.cleanup();
  });

  it('puts the best proposal for the original aspect into the recipe, waiting for review, unrendered', async () => {
    const photo = await engine.api.call('photos.get', { id: photoId });
    expect(photo.stage).toBe('needs-review');
    const { recipe, renderedRevision } = await engine.api.call('recipe.get', { photoId });
    const { proposals } = await engine.api.call('analysis.get', { photoId });
    const best = proposals.find((p) => p.aspect === 'original')!;
    expect(recipe.steps).toHaveLength(1);
    expect(recipe.steps[0]).toMatchObject({ op: 'crop', source: 'ai:crop-proposals@1', needsReview: true, confidence: best.confidence });
    expect(recipe.steps[0]!.params).toMatchObject({ x: best.box.x, y: best.box.y, w: best.box.w, h: best.box.h });
    expect(renderedRevision).toBeNull();
  });

  it('shows the proposed crop through the preview path before anything is rendered, and live edits too', async () => {
    const photo = await engine.api.call('photos.get', { id: photoId });
    const { recipe, revision } = await engine.api.call('recipe.get', { photoId });
    const box = recipe.steps[0]!.params as { w: number; h: number };
    const current = await engine.api.call('render.preview', { photoId });
    expect(current.width / current.height).toBeCloseTo((box.w * photo.width!) / (box.h * photo.height!), 1);
    // The loupe's working size, whatever the preview file's.
    expect(Math.max(current.width, current.height)).toBeLessThanOrEqual(1024);
    const decoded = await sharp(Buffer.from(current.dataUrl.split(',')[1]!, 'base64')).metadata();
    expect([decoded.format, decoded.width, decoded.height]).toEqual(['jpeg', current.width, current.height]);

    // Unsaved steps (a slider being dragged): brighter, nothing stored.
    const brighter = await engine.api.call('render.preview', { photoId, steps: [...recipe.steps, { op: 'exposure', v: 2, enabled: true, params: { ev: 1.5 }, source: 'user' }] });
    const mean = async (url: string) => (await sharp(Buffer.from(url.split(',')[1]!, 'base64')).stats()).channels[0]!.mean;
    expect(await mean(brighter.dataUrl)).toBeGreaterThan((await mean(current.dataUrl)) + 10);
    expect((await engine.api.call('recipe.get', { photoId })).revision).toBe(revision);
    await expect(engine.api.call('render.preview', { photoId, steps: [{ op: 'nope', v: 1, enabled: true, params: {}, source: 'user' }] })).rejects.toMatchObject({ code: 'invalid-recipe' });
  });

  it('renders the approved crop from the original and moves the photo to rendered', async () => {
    const before = await engine.api.call('photos.get', { id: photoId });
    // The stages the grid is told about, in order: accepted, the photo reads "approved" until its
    // processed file is written, then "rendered".
    const told: string[] = [];
    const unsubscribe = engine.api.on('photo.changed', (photo) => photo.id === photoId && told.at(-1) !== photo.stage && told.push(photo.stage));
    const approved = await engine.api.call('recipe.approve', { photoId });
    expect(approved.recipe.steps[0]!.needsReview).toBe(false);
    await engine.whenIdle();
    unsubscribe();
    expect(told).toEqual(['approved', 'rendered']);
    expect((await engine.api.call('photos.counts', {})).byStage).toMatchObject({ approved: 0, rendered: 1, 'needs-review': 0 });
    const after = await engine.api.call('recipe.get', { photoId });
    expect(after.renderedRevision).toBe(approved.revision);
    expect((await engine.api.call('photos.get', { id: photoId })).stage).toBe('rendered');

    const layout = libraryLayout(path.join(dir.path, 'lib'));
    const { processed } = await findProcessed(layout.root);
    const meta = await sharp(processed).metadata();
    const box = approved.recipe.steps[0]!.params as { w: number; h: number };
    // The processed file has the crop's shape (of the oriented original).
    expect(meta.width / meta.height).toBeCloseTo((box.w * before.width!) / (box.h * before.height!), 1);
    // The original's sidecar carries the approved crop for Lightroom (Camera Raw crs: fields).
    const sidecar = await engine.api.call('recipe.sidecar', { photoId });
    expect(sidecar.fileName).toBe('obama.xmp');
    // (render/xmp-sidecar.test.ts reads these fields back with exifr and exiftool.)
    const attr = (name: string) => Number(new RegExp(`crs:${name}="([^"]+)"`).exec(sidecar.xmp)?.[1]);
    expect(sidecar.xmp).toContain('crs:HasCrop="True"');
    expect(attr('CropRight') - attr('CropLeft')).toBeCloseTo(box.w, 2);
    // Approving again changes nothing: no new revision.
    expect((await engine.api.call('recipe.approve', { photoId })).revision).toBe(approved.revision);
  });

  it('follows the library crop settings set over the API: a confident X-header 3:1 crop goes straight to render', async () => {
    expect(await engine.api.call('crop.settings.get', {})).toEqual({ aspect: 'original', autoApprove: null });
    await expect(engine.api.call('crop.settings.set', { aspect: 'poster' } as never)).rejects.toThrow(/Invalid option/);
    expect(await engine.api.call('crop.settings.set', { aspect: '3:1', autoApprove: 0.5 })).toEqual({ aspect: '3:1', autoApprove: 0.5 });

    const inbox = path.join(dir.path, 'inbox2');
    await mkdir(inbox);
    await copyFile(corpusPath('content/people/fr-two_people.jpg'), path.join(inbox, 'two.jpg'));
    await engine.processOnce([inbox]);
    await engine.whenIdle();
    const photo = (await engine.api.call('photos.list', { text: 'two' })).photos[0]!;
    expect(photo.stage).toBe('rendered');
    const { recipe } = await engine.api.call('recipe.get', { photoId: photo.id });
    const crop = recipe.steps.find((s) => s.op === 'crop')!;
    expect(crop).toMatchObject({ source: 'ai:crop-proposals@1', needsReview: false });
    const box = crop.params as { w: number; h: number };
    expect((box.w * photo.width!) / (box.h * photo.height!)).toBeCloseTo(3, 2);
  });

  it('a copy of the same bytes tells the grid: photo.changed for the original, its duplicates counted and filterable', async () => {
    const inbox = path.join(dir.path, 'inbox3');
    await mkdir(inbox);
    await copyFile(corpusPath('content/people/fr-obama.jpg'), path.join(inbox, 'obama again.jpg'));
    const told: Array<{ id: number; duplicates: number }> = [];
    const unsubscribe = engine.api.on('photo.changed', (photo) => told.push({ id: photo.id, duplicates: photo.duplicates }));
    const summary = await engine.processOnce([inbox]);
    unsubscribe();
    expect(summary.duplicates).toBe(1);
    expect(told).toContainEqual({ id: photoId, duplicates: 1 });
    expect((await engine.api.call('photos.list', { duplicates: true })).photos.map((p) => p.id)).toEqual([photoId]);
    expect((await engine.api.call('photos.counts', {})).duplicates).toBe(1);
  });
});

async function findProcessed(root: string): Promise<{ processed: string }> {
  const entries = await readdir(path.join(root, 'processed'), { recursive: true, withFileTypes: true });
  const file = entries.find((e) => e.isFile() && e.name.endsWith('.jpg'));
  if (!file) throw new Error('no processed JPEG was written');
  return { processed: path.join(file.parentPath, file.name) };
}
