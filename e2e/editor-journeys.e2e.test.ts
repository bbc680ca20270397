import { copyFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus, readManifest } from '../test-support/corpus.ts';
import type { ApiClient } from './api-client.ts';
import { SCREENSHOTS } from './headless-server.ts';
import { openUiSession, type UiSession } from './ui-session.ts';
import { editedBrightness, openPhoto, waitForEditedPreview } from './editor-helpers.ts';

// People photos: the analysis finds faces and proposes crops for them, so they wait for review.
const PEOPLE = ['content/people/fr-obama.jpg', 'content/people/fr-two_people.jpg'];

/** Twenty distinct, decodable camera JPEGs (journey 2 needs that many real photos). */
function twentyJpegs(): string[] {
  const rows = readManifest().filter((r) => r.format === 'JPEG' && r.path.startsWith('jpeg/camera/') && r.vipsHeader === 'ok' && !r.notes && r.bytes < 3_000_000);
  if (rows.length < 20) throw new Error(`The corpus has only ${rows.length} valid camera JPEGs under 3 MB; journey 2 needs 20.`);
  return rows.slice(0, 20).map((r) => r.path);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe.skipIf(!hasCorpus)('editor journeys (headless server, Chromium)', () => {
  let watch: string;
  let library: string;
  let session: UiSession | undefined;
  let api: ApiClient;
  let page: Page;

  beforeAll(async () => {
    session = await openUiSession('editor', { viewport: { width: 1400, height: 860 } });
    ({ watch, library } = session);
    api = await session.connectApi();
    page = await session.newPage();
  }, 120_000);

  afterAll(() => session?.close(), 60_000);

  /** Drops a corpus photo into the watched folder as `name` and waits until its tile reads "Needs review". */
  async function dropForReview(name: string, source: string): Promise<{ cell: Locator; photoId: number }> {
    await copyFile(corpusPath(source), path.join(watch, name));
    const cell = page.getByRole('gridcell', { name });
    await cell.waitFor({ timeout: 60_000 });
    await expect.poll(async () => (await cell.innerText()).includes('Needs review'), { timeout: 120_000 }).toBe(true);
    const photoId = (await api.call('photos.list', { text: name })).photos[0]!.id;
    return { cell, photoId };
  }

  /** The photo is rendered, and the processed file has the approved crop's aspect (in pixels of the oriented original). */
  async function expectRenderedWithCrop(photoId: number): Promise<void> {
    await expect.poll(async () => (await api.call('photos.get', { id: photoId })).stage, { timeout: 120_000 }).toBe('rendered');
    const photo = await api.call('photos.get', { id: photoId });
    const { recipe, renderedRevision } = await api.call('recipe.get', { photoId });
    const crop = recipe.steps.slice(0, recipe.end).find((s) => s.op === 'crop' && s.enabled);
    expect(crop, 'the approved recipe keeps a crop').toBeDefined();
    expect(crop!.needsReview ?? false).toBe(false);
    const p = crop!.params as { w: number; h: number; angle: number };
    const turned = (photo.orientation ?? 1) >= 5;
    const [W, H] = turned ? [photo.height!, photo.width!] : [photo.width!, photo.height!];
    const file = (await filesUnder(path.join(library, 'processed'))).find((f) => path.basename(f).startsWith(`${recipe.original.sha256.slice(0, 8)}_${renderedRevision}.`));
    expect(file, 'the processed file of the rendered revision').toBeDefined();
    const meta = await sharp(file!).metadata();
    expect(meta.width / meta.height).toBeCloseTo((p.w * W) / (p.h * H), 1);
    // A real crop, not the whole frame.
    expect(p.w * p.h).toBeLessThan(0.999);
  }

  it('journey 1: a dropped photo waits for review, its AI crop is accepted with Enter and rendered', async () => {
    if (!session) throw new Error('the session did not start');
    await page.goto(session.server.url);
    await page.getByRole('heading', { name: 'No photos yet' }).waitFor({ timeout: 20_000 });
    const name = 'j1-obama.jpg';
    const { cell, photoId } = await dropForReview(name, PEOPLE[0]!);

    await cell.dblclick();
    const loupe = await openPhoto(page, name);
    await waitForEditedPreview(page);
    const steps = loupe.getByRole('complementary', { name: 'Recipe' });
    await steps.getByRole('listitem', { name: 'Crop step' }).waitFor();
    expect(await steps.getByRole('listitem', { name: 'Crop step' }).innerText()).toMatch(/AI[\s\S]*Review/);

    // Crop mode: the overlay, the aspect presets, the proposals (the current AI step first).
    await page.keyboard.press('c');
    await loupe.getByRole('group', { name: 'Crop rectangle' }).waitFor();
    const proposals = loupe.getByRole('list', { name: 'AI crop proposals' }).getByRole('listitem');
    await expect.poll(() => proposals.count(), { timeout: 30_000 }).toBeGreaterThan(1);
    expect(await proposals.first().innerText()).toContain('Current AI crop');
    await waitForEditedPreview(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'editor-crop.png') });

    await page.keyboard.press('Enter');
    await expectRenderedWithCrop(photoId);
    await expect.poll(() => loupe.getByRole('complementary', { name: 'Photo information' }).innerText(), { timeout: 30_000 }).toContain('Rendered');
    await page.keyboard.press('Escape');
    await page.getByRole('grid', { name: 'Photos' }).waitFor();
  }, 300_000);

  it('journey 1 by keyboard only: open with Enter, approve with Enter, back with Esc', async () => {
    const name = 'j1k-two-people.jpg';
    const { photoId } = await dropForReview(name, PEOPLE[1]!);

    // Newest first: the new photo is the first tile.
    await page.getByRole('grid', { name: 'Photos' }).focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await openPhoto(page, name);
    await waitForEditedPreview(page);
    await page.keyboard.press('Enter');
    await expectRenderedWithCrop(photoId);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog', { name: /^Loupe/ }).count()).toBe(0);
  }, 300_000);

  it('journey 3: exposure in the recipe panel changes the preview; undo and redo follow', async () => {
    await page.getByRole('gridcell', { name: 'j1-obama.jpg' }).dblclick();
    const loupe = await openPhoto(page, 'j1-obama.jpg');
    await waitForEditedPreview(page);
    const panel = loupe.getByRole('complementary', { name: 'Recipe' });
    const base = await editedBrightness(page);

    // The info panel says what the analysis found: one face, a quality score, nothing sensitive.
    const found = loupe.getByRole('region', { name: 'Analysis' });
    await expect.poll(() => found.innerText(), { timeout: 30_000 }).toMatch(/Faces\s*1\b/);
    expect(await found.innerText()).toMatch(/Quality\s*\d+ \/ 100/);
    expect(await found.innerText()).toContain('Nothing sensitive found');

    await panel.getByRole('combobox', { name: 'Add adjustment' }).selectOption('exposure');
    const step = panel.getByRole('listitem', { name: 'Exposure step' });
    await step.waitFor();
    const value = step.getByRole('spinbutton', { name: /Exposure value/ });
    expect(Number(await value.inputValue())).toBe(0);

    // Drag the slider: previews while moving, stores on release.
    const slider = step.getByRole('slider', { name: 'Exposure' });
    const box = (await slider.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 5; i++) await page.mouse.move(box.x + box.width * (0.5 + 0.025 * i), box.y + box.height / 2);
    await page.mouse.up();
    await expect.poll(async () => Number(await value.inputValue()), { timeout: 10_000 }).toBeGreaterThan(0.5);
    const ev = Number(await value.inputValue());
    await expect.poll(() => editedBrightness(page), { timeout: 30_000 }).toBeGreaterThan(base + 15);
    // The poll may have passed on a preview of an earlier drag position: measure once nothing is in flight.
    await waitForEditedPreview(page);
    const bright = await editedBrightness(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'editor-recipe.png') });

    // Undo works on steps (the recipe's end pointer): the exposure step goes, and comes back with its value.
    await panel.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => step.count()).toBe(0);
    await expect.poll(() => editedBrightness(page), { timeout: 30_000 }).toBeLessThan(base + 3);
    expect(await panel.getByRole('button', { name: 'Redo' }).isEnabled()).toBe(true);
    // Redo from the keyboard (focus off the inputs).
    await loupe.focus();
    await page.keyboard.press('Shift+Control+z');
    await expect.poll(async () => (await step.count()) > 0 && Number(await value.inputValue())).toBe(ev);
    await expect.poll(() => editedBrightness(page), { timeout: 30_000 }).toBeCloseTo(bright, 0);
    const { recipe } = await api.call('recipe.get', { photoId: (await api.call('photos.list', { text: 'j1-' })).photos[0]!.id });
    expect(recipe.steps.slice(0, recipe.end).find((s) => s.op === 'exposure')?.params).toEqual({ ev });

    // Save the exposure alone as a preset for journey 2.
    await panel.getByRole('button', { name: 'Save as preset…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save as preset' });
    await dialog.getByRole('textbox', { name: 'Preset name' }).fill('Brighter');
    await dialog.getByRole('checkbox', { name: /^Crop/ }).uncheck();
    await dialog.getByRole('button', { name: 'Save preset' }).click();
    await page.getByRole('dialog', { name: 'Presets' }).getByRole('listitem', { name: 'Preset Brighter' }).waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.getByRole('grid', { name: 'Photos' }).waitFor();
  }, 180_000);

  it('journey 4: rotate, resize, output format and a watermark set in the panel reach the processed file', async () => {
    // Landscape (600 x 400), and not among journey 2's twenty JPEGs: a copy of one would be a duplicate there.
    const source = 'content/skimage/coffee.png';
    const name = 'j4-export.png';
    await copyFile(corpusPath(source), path.join(watch, name));
    const cell = page.getByRole('gridcell', { name });
    await cell.waitFor({ timeout: 60_000 });
    const photoId = (await api.call('photos.list', { text: 'j4-' })).photos[0]!.id;
    await cell.dblclick();
    const loupe = await openPhoto(page, name);
    await waitForEditedPreview(page);
    const panel = loupe.getByRole('complementary', { name: 'Recipe' });
    const add = panel.getByRole('combobox', { name: 'Add adjustment' });

    await add.selectOption('rotate');
    const rotate = panel.getByRole('listitem', { name: 'Rotate & flip step' });
    await rotate.getByRole('combobox', { name: 'Rotate & flip Turn' }).selectOption('cw90');
    await rotate.getByRole('checkbox', { name: 'Rotate & flip Flip horizontally' }).check();

    await add.selectOption('resize');
    const resize = panel.getByRole('listitem', { name: 'Resize step' });
    await resize.getByRole('spinbutton', { name: 'Resize Long edge (px)' }).fill('400');
    // Switching to width-and-height shows that branch's fields, and back again keeps the recipe valid.
    await resize.getByRole('combobox', { name: 'Resize Size by' }).selectOption('box');
    await resize.getByRole('combobox', { name: 'Resize Fit' }).waitFor();
    await resize.getByRole('combobox', { name: 'Resize Size by' }).selectOption('long-edge');
    await resize.getByRole('spinbutton', { name: 'Resize Long edge (px)' }).fill('400');

    await add.selectOption('output');
    const output = panel.getByRole('listitem', { name: 'Output step' });
    await output.getByRole('combobox', { name: 'Output Format' }).selectOption('webp');
    await output.getByRole('spinbutton', { name: 'Output Quality value' }).fill('70');
    await output.getByRole('combobox', { name: 'Output Format' }).selectOption('tiff');
    await output.getByRole('combobox', { name: 'Output Bit depth' }).waitFor();
    expect(await output.getByRole('slider', { name: 'Output Quality' }).count()).toBe(0);
    await output.getByRole('combobox', { name: 'Output Format' }).selectOption('webp');

    await add.selectOption('watermark');
    const mark = panel.getByRole('listitem', { name: 'Watermark step' });
    const text = mark.getByRole('textbox', { name: 'Watermark Text' });
    await text.fill('© Lightbox e2e');
    await text.press('Enter');

    const expected = [
      { op: 'rotate', params: { turn: 'cw90', flipH: true, flipV: false } },
      { op: 'resize', params: { mode: 'long-edge', longEdge: 400, allowUpscale: false } },
      { op: 'output', params: { format: 'webp', quality: 70, tiffBitDepth: 8, colourSpace: 'srgb', metadata: 'folder' } },
      { op: 'watermark', params: { text: '© Lightbox e2e', position: 'bottom-right', opacity: 0.6, fontSize: 0.04, colour: '#ffffff' } },
    ];
    const userSteps = async () => {
      const { recipe } = await api.call('recipe.get', { photoId });
      return recipe.steps.slice(0, recipe.end).filter((s) => s.source === 'user').map((s) => ({ op: s.op, params: s.params }));
    };
    await expect.poll(userSteps, { timeout: 30_000 }).toEqual(expected);
    // The preview follows the quarter turn: the landscape photo now shows portrait.
    await waitForEditedPreview(page);
    const shape = await page.getByTestId('edited-preview').evaluate((el) => {
      const img = el as unknown as { naturalWidth: number; naturalHeight: number };
      return { w: img.naturalWidth, h: img.naturalHeight };
    });
    expect(shape.h).toBeGreaterThan(shape.w);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'editor-export.png') });

    await loupe.focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await api.call('photos.get', { id: photoId })).stage, { timeout: 120_000 }).toBe('rendered');
    const { recipe, renderedRevision } = await api.call('recipe.get', { photoId });
    const file = (await filesUnder(path.join(library, 'processed'))).find((f) => path.basename(f) === `${recipe.original.sha256.slice(0, 8)}_${renderedRevision}.webp`);
    expect(file, 'a WebP processed file for the rendered revision').toBeDefined();
    const meta = await sharp(file!).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width, meta.height)).toBe(400);
    expect(meta.height).toBeGreaterThan(meta.width);
    await page.keyboard.press('Escape');
  }, 300_000);

  it('journey 2: twenty photos get a preset with a progress bar, and every recipe holds its steps', async () => {
    const files = twentyJpegs();
    await Promise.all(files.map((f, i) => copyFile(corpusPath(f), path.join(watch, `j2-${String(i).padStart(2, '0')}-${path.basename(f)}`))));
    await expect.poll(async () => (await api.call('photos.list', { text: 'j2-' })).total, { timeout: 180_000 }).toBe(20);
    const ids = (await api.call('photos.list', { text: 'j2-', limit: 100 })).photos.map((p) => p.id);
    // Whatever an earlier journey left open, start from the grid.
    const loupes = page.getByRole('dialog', { name: /^Loupe/ });
    if ((await loupes.count()) > 0) {
      await loupes.first().focus();
      await page.keyboard.press('Escape');
      await expect.poll(() => loupes.count()).toBe(0);
    }

    await page.getByRole('searchbox', { name: 'Search photos' }).fill('j2-');
    const grid = page.getByRole('grid', { name: 'Photos' });
    // The filter has applied: journey 1's photo left the grid and the count is the filtered one.
    await expect.poll(() => grid.getByRole('gridcell', { name: /^j1-/ }).count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => page.getByRole('heading', { name: /Photos/ }).innerText(), { timeout: 30_000 }).toMatch(/\s20$/);
    await grid.focus();
    await page.keyboard.press('Control+a');
    await page.getByRole('status').filter({ hasText: '20 selected' }).waitFor();

    await page.getByRole('toolbar', { name: 'Batch actions' }).getByRole('button', { name: 'Presets…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Presets' });
    const row = dialog.getByRole('listitem', { name: 'Preset Brighter' });
    await row.waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'editor-presets.png') });
    await row.getByRole('button', { name: 'Apply to 20 selected' }).click();

    const bar = page.getByRole('progressbar', { name: 'Preset progress' });
    await bar.waitFor();
    await expect.poll(async () => Number(await bar.getAttribute('value')), { timeout: 180_000 }).toBe(20);
    expect(await bar.getAttribute('max')).toBe('20');
    await page.getByRole('status').filter({ hasText: 'Applied “Brighter” to 20 of 20 photos' }).waitFor();

    const [preset] = (await api.call('presets.list', {})).filter((p) => p.name === 'Brighter');
    const expected = preset!.steps.map((s) => ({ op: s.op, params: s.params, source: `preset:${preset!.id}` }));
    for (const photoId of ids) {
      const { recipe } = await api.call('recipe.get', { photoId });
      const fromPreset = recipe.steps.slice(0, recipe.end).filter((s) => s.source === `preset:${preset!.id}`);
      expect(fromPreset.map((s) => ({ op: s.op, params: s.params, source: s.source })), `photo ${photoId}`).toEqual(expected);
    }
    // Reject the AI crops of all twenty once analysis has proposed them: each proposal leaves its recipe, the preset stays.
    const busy = async () => (await Promise.all(ids.map((id) => api.call('photos.get', { id })))).filter((p) => p.stage === 'analysing' || p.stage === 'processing').length;
    await expect.poll(busy, { timeout: 180_000 }).toBe(0);
    await page.getByRole('toolbar', { name: 'Batch actions' }).getByRole('button', { name: 'Reject AI crops' }).click();
    await page.getByRole('status').filter({ hasText: 'Turned down the AI crops of 20 photos' }).waitFor({ timeout: 60_000 });
    for (const photoId of ids) {
      const { recipe } = await api.call('recipe.get', { photoId });
      const active = recipe.steps.slice(0, recipe.end);
      expect(active.some((s) => s.enabled && s.needsReview), `photo ${photoId} still waits for review`).toBe(false);
      expect(active.some((s) => s.source === `preset:${preset!.id}`), `photo ${photoId} kept the preset`).toBe(true);
    }

    // And the recipe panel shows it, with the preset badge.
    await grid.getByRole('gridcell').first().dblclick();
    const step = page.getByRole('complementary', { name: 'Recipe' }).getByRole('listitem', { name: 'Exposure step' });
    await step.waitFor();
    expect(await step.innerText()).toContain('Preset');
  }, 420_000);
});
