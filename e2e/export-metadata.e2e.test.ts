import { copyFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../test-support/corpus.ts';
import { exiftoolTags, hasExiftool } from '../test-support/exiftool.ts';
import type { ApiClient } from './api-client.ts';
import { openPhoto, waitForEditedPreview } from './editor-helpers.ts';
import { SCREENSHOTS } from './headless-server.ts';
import { openUiSession, type UiSession } from './ui-session.ts';

/** Every file below `dir`. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/**
 * Issue 17 from the photographer's side: the loupe shows the capture time with its zone, the
 * library's creator/copyright and a folder's "no location" are set in Settings, and the next
 * processed file says so (read back with exiftool).
 */
describe.skipIf(!hasCorpus || !hasExiftool)('metadata in processed files: Settings and the loupe (headless server, Chromium)', () => {
  let session: UiSession | undefined;
  let api: ApiClient;
  let page: Page;
  const name = 'prague.jpg';

  beforeAll(async () => {
    session = await openUiSession('export-metadata', { viewport: { width: 1280, height: 1000 } });
    api = await session.connectApi();
    page = await session.newPage();
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('the loupe shows when the photo was taken, with its zone and where the zone came from', async () => {
    if (!session) throw new Error('the session did not start');
    await page.goto(session.server.url);
    await page.getByRole('heading', { name: 'No photos yet' }).waitFor({ timeout: 20_000 });
    // A Pixel photo with GPS in Czechia and no offset tags: Immich puts it in Europe/Prague.
    await copyFile(corpusPath('jpeg/camera/exifr-IMG_20180725_163423.jpg'), path.join(session.watch, name));
    const cell = page.getByRole('gridcell', { name });
    await cell.waitFor({ timeout: 60_000 });
    await expect.poll(async () => (await api.call('photos.list', { text: name })).photos[0]?.captureInstant ?? null, { timeout: 60_000 }).not.toBeNull();
    await cell.dblclick();
    const loupe = await openPhoto(page, name);
    const info = loupe.getByRole('complementary', { name: 'Photo information' });
    await expect.poll(() => info.innerText(), { timeout: 30_000 }).toContain('2018-07-25 16:34:23 · Europe/Prague (UTC+02:00), from the GPS position');
    await waitForEditedPreview(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'export-metadata-loupe.png') });
    await page.keyboard.press('Escape');
  }, 180_000);

  it('a recipe\'s (and so a preset\'s) Output step chooses what its file keeps', async () => {
    const photo = (await api.call('photos.list', { text: name })).photos[0]!;
    await page.getByRole('gridcell', { name }).dblclick();
    const loupe = await openPhoto(page, name);
    await waitForEditedPreview(page);
    const panel = loupe.getByRole('complementary', { name: 'Recipe' });
    await panel.getByRole('combobox', { name: 'Add adjustment' }).selectOption('output');
    const choice = panel.getByRole('listitem', { name: 'Output step' }).getByRole('combobox', { name: 'Output Metadata' });
    expect(await choice.inputValue()).toBe('folder');
    await choice.selectOption('copyright');
    const outputStep = async () => (await api.call('recipe.get', { photoId: photo.id })).recipe.steps.find((s) => s.op === 'output')?.params ?? null;
    await expect.poll(outputStep, { timeout: 30_000 }).toMatchObject({ metadata: 'copyright' });
    await panel.getByRole('listitem', { name: 'Output step' }).screenshot({ path: path.join(SCREENSHOTS, 'export-metadata-output-step.png') });
    await page.keyboard.press('Escape');
  }, 120_000);

  it('Settings: the library\'s creator and copyright and a folder\'s "all but location" reach the next processed file', async () => {
    if (!session) throw new Error('the session did not start');
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
    const card = page.getByRole('region', { name: 'Metadata in processed files' });
    await card.getByRole('textbox', { name: 'Creator, when the original names none' }).fill('Studio Vltava');
    await card.getByRole('textbox', { name: 'Copyright, when the original has none' }).fill('(c) 2018 Studio Vltava');
    await card.getByRole('button', { name: 'Save' }).click();
    await card.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect(await api.call('export.defaults.get', {})).toEqual({ creator: 'Studio Vltava', copyright: '(c) 2018 Studio Vltava' });
    await card.screenshot({ path: path.join(SCREENSHOTS, 'export-metadata-settings.png') });

    const folder = page.getByRole('form', { name: session.watch });
    await folder.getByRole('combobox', { name: 'Metadata the processed files keep' }).selectOption('no-location');
    await folder.getByRole('button', { name: 'Save' }).click();
    await folder.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect((await api.call('folders.list', {}))[0]!.exportMetadata).toBe('no-location');
    await folder.getByRole('combobox', { name: 'Metadata the processed files keep' }).scrollIntoViewIfNeeded();
    await folder.screenshot({ path: path.join(SCREENSHOTS, 'export-metadata-folder.png') });

    // An edit renders the photo (its own steps only: any AI crop proposal is replaced).
    const photo = (await api.call('photos.list', { text: name })).photos[0]!;
    const current = await api.call('recipe.get', { photoId: photo.id });
    await api.call('recipe.update', { photoId: photo.id, steps: [{ op: 'exposure', v: 2, enabled: true, params: { ev: 0.3 }, source: 'user' }] });
    await expect.poll(async () => (await api.call('recipe.get', { photoId: photo.id })).renderedRevision, { timeout: 120_000 }).toBeGreaterThan(current.revision);
    const { renderedRevision } = await api.call('recipe.get', { photoId: photo.id });
    const processed = (await filesUnder(path.join(session.library, 'processed'))).find((f) => path.basename(f) === `${photo.sha256!.slice(0, 8)}_${renderedRevision}.jpg`);
    expect(processed, 'the processed file').toBeDefined();
    for (const file of [processed!, processed!.replace(/\.jpg$/, '.xmp')]) {
      const tags = exiftoolTags(file, ['-n']);
      expect(Object.keys(tags).filter((k) => /GPS|City|Country/.test(k)), file).toEqual([]);
      expect(tags['XMP-dc:Creator'], file).toEqual(['Studio Vltava']);
      expect(tags['XMP-dc:Rights'], file).toBe('(c) 2018 Studio Vltava');
      expect(tags['XMP-photoshop:DateCreated'], file).toBe('2018:07:25 16:34:23.935+02:00');
    }
    const tags = exiftoolTags(processed!, ['-n']);
    expect([tags['IFD0:Make'], tags['IFD0:Artist'], tags['ExifIFD:OffsetTimeOriginal']]).toEqual(['Google', 'Studio Vltava', '+02:00']);
  }, 240_000);
});
