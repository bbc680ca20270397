import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus, readManifest } from '../test-support/corpus.ts';
import { SCREENSHOTS, pickJpegs } from './headless-server.ts';
import { openUiSession, type UiSession } from './ui-session.ts';

// A RAW whose embedded preview points past the end of the file: it imports, then fails to decode.
const BROKEN_RAW = 'raw/sony_a7iii_truncated.ARW';

/** Decoded width of the first image in `scope` (0 while missing or loading). CSP forbids eval: a real function. */
const decodedWidth = (scope: Locator) =>
  scope
    .locator('img')
    .first()
    .evaluate((el) => {
      const image = el as unknown as { complete: boolean; naturalWidth: number };
      return image.complete ? image.naturalWidth : 0;
    }, undefined, { timeout: 1_000 })
    .catch(() => 0);

const chip = (page: Page, name: string) => page.getByRole('group', { name: 'Filter by stage' }).getByRole('button', { name: new RegExp(`^${name} \\d+$`) });
const chipCount = async (page: Page, name: string) => Number((await chip(page, name).innerText()).replace(/\D+/g, ''));

describe.skipIf(!hasCorpus)('review window (headless server, Chromium)', () => {
  let dir: string;
  let watch: string;
  let library: string;
  let session: UiSession | undefined;
  let page: Page;
  let second: Page;
  const jpegs = hasCorpus ? pickJpegs(3) : [];
  const names = [...jpegs.map((p) => `e2e-${path.basename(p)}`), `e2e-${path.basename(BROKEN_RAW)}`];
  // The first photo's thumbnail folder is blocked by a plain file, so its derive job fails every
  // retry and lands in the dead letters: a real failure, undone by removing the file.
  const blocker = () => path.join(library, 'cache', 'thumbs', '001');

  beforeAll(async () => {
    session = await openUiSession('review', {
      prepare: async (paths) => {
        ({ dir, watch, library } = paths);
        await mkdir(path.dirname(blocker()), { recursive: true });
        await writeFile(blocker(), 'not a folder');
      },
    });
    page = await session.newPage();
    second = await session.newPage();
  }, 120_000);

  afterAll(() => session?.close(), 60_000);

  it('shows files dropped into the watched folder live, in two tabs at once', async () => {
    if (!session) throw new Error('the session did not start');
    await page.goto(session.server.url);
    await second.goto(session.server.url);
    for (const p of [page, second]) await p.getByRole('heading', { name: 'No photos yet' }).waitFor({ timeout: 20_000 });

    // One file first, so it is photo 1 (the one whose thumbnail folder is blocked).
    await copyFile(corpusPath(jpegs[0]!), path.join(watch, names[0]!));
    for (const p of [page, second]) await p.getByRole('gridcell', { name: names[0] }).waitFor({ timeout: 60_000 });
    await copyFile(corpusPath(jpegs[1]!), path.join(watch, names[1]!));
    await copyFile(corpusPath(jpegs[2]!), path.join(watch, names[2]!));
    await copyFile(corpusPath(BROKEN_RAW), path.join(watch, names[3]!));

    for (const p of [page, second]) {
      for (const name of names) await p.getByRole('gridcell', { name }).waitFor({ timeout: 60_000 });
      for (const name of names.slice(1, 3)) await expect.poll(() => decodedWidth(p.getByRole('gridcell', { name })), { timeout: 60_000 }).toBeGreaterThan(0);
    }
    expect(await page.getByRole('grid', { name: 'Photos' }).getByRole('gridcell').count()).toBe(4);
    // The broken RAW and the blocked photo both end up failed, with the reason on the tile.
    await expect.poll(() => chipCount(page, 'Failed'), { timeout: 60_000 }).toBe(2);
    await expect.poll(() => chipCount(second, 'Failed'), { timeout: 10_000 }).toBe(2);
    expect(await page.getByRole('gridcell', { name: names[3] }).innerText()).toContain('Failed');
    // The two healthy photos are analysed and get an AI crop proposal to review.
    await expect.poll(() => chipCount(page, 'Needs review').catch(() => 0), { timeout: 120_000 }).toBe(2);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'review-grid.png') });
  }, 180_000);

  it('filters by stage and file name, with counts that add up', async () => {
    const grid = page.getByRole('grid', { name: 'Photos' });
    expect(await chipCount(page, 'All')).toBe(4);
    expect(await chipCount(page, 'Needs review')).toBe(2);
    await chip(page, 'Failed').click();
    expect(await chip(page, 'Failed').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => grid.getByRole('gridcell').count()).toBe(2);
    expect(await grid.getByRole('gridcell', { name: names[3] }).count()).toBe(1);

    await page.getByRole('searchbox', { name: 'Search photos' }).fill('SONY_A7');
    await expect.poll(() => grid.getByRole('gridcell').count()).toBe(1);
    // Stage counts follow the text filter; "All" counts every stage under it.
    await expect.poll(() => chipCount(page, 'All')).toBe(1);

    await page.getByRole('searchbox', { name: 'Search photos' }).fill('no such photo');
    await page.getByRole('heading', { name: 'No photos match these filters' }).waitFor();
    await page.getByRole('button', { name: 'Clear all filters' }).click();
    await expect.poll(() => grid.getByRole('gridcell').count()).toBe(4);
    expect(await page.getByRole('searchbox', { name: 'Search photos' }).inputValue()).toBe('');
  });

  it('opens the loupe with the keyboard, steps through photos, zooms and returns', async () => {
    await chip(page, 'Needs review').click();
    const grid = page.getByRole('grid', { name: 'Photos' });
    await expect.poll(() => grid.getByRole('gridcell').count()).toBe(2);
    await grid.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    const loupe = page.getByRole('dialog', { name: /^Loupe: / });
    await loupe.waitFor();
    const firstName = (await loupe.getAttribute('aria-label'))!.replace('Loupe: ', '');
    expect(names).toContain(firstName);
    // The EXIF panel names the camera the corpus manifest records for this file.
    const row = readManifest().find((r) => `e2e-${path.basename(r.path)}` === firstName)!;
    const info = page.getByRole('complementary', { name: 'Photo information' });
    expect(await info.innerText()).toContain(row.makeModel.split(' ')[0]);
    await expect.poll(() => decodedWidth(loupe.locator('.loupe-stage')), { timeout: 30_000 }).toBeGreaterThan(256);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'review-loupe.png') });

    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await loupe.getAttribute('aria-label'))?.replace('Loupe: ', '')).not.toBe(firstName);
    await page.keyboard.press('z');
    const full = loupe.getByRole('img', { name: / at 100 %$/ });
    await full.waitFor();
    await expect.poll(() => decodedWidth(loupe.locator('.loupe-stage'))).toBeGreaterThan(256);
    // At 100 % one image pixel is one screen pixel (device pixel ratio 1 here), not fitted to the stage.
    const box = await full.boundingBox();
    const natural = await full.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth);
    expect(Math.round(box!.width)).toBe(natural);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'review-loupe-100.png') });
    await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => (await loupe.getAttribute('aria-label'))?.replace('Loupe: ', '')).toBe(firstName);

    await page.keyboard.press('Escape');
    await loupe.waitFor({ state: 'detached' });
    const gridHasFocus = () => grid.evaluate((el) => el === (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement);
    await expect.poll(gridHasFocus).toBe(true);
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'detached' });
    await chip(page, 'All').click();
  });

  it('rates and flags with the keyboard, live in the other tab, and filters on it', async () => {
    const grid = page.getByRole('grid', { name: 'Photos' });
    await expect.poll(() => grid.getByRole('gridcell').count()).toBe(4);
    await grid.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    const loupe = page.getByRole('dialog', { name: /^Loupe: / });
    const name = (await loupe.getAttribute('aria-label'))!.replace('Loupe: ', '');
    await page.keyboard.press('4');
    await page.keyboard.press('p');
    const info = page.getByRole('complementary', { name: 'Photo information' });
    await expect.poll(() => info.innerText()).toContain('★★★★ · picked');
    await page.keyboard.press('Escape');
    // Both tabs show the stars and the flag on the tile.
    for (const p of [page, second]) {
      const tile = p.getByRole('gridcell', { name });
      await tile.getByLabel('4 stars').waitFor({ timeout: 10_000 });
      await tile.getByLabel('Picked').waitFor({ timeout: 10_000 });
    }
    await page.getByRole('combobox', { name: 'Flag' }).selectOption('pick');
    await expect.poll(() => grid.getByRole('gridcell').count()).toBe(1);
    expect(await grid.getByRole('gridcell').getAttribute('aria-label')).toBe(name);
    await page.getByRole('combobox', { name: 'Flag' }).selectOption('');
    await page.getByRole('combobox', { name: 'Stars' }).selectOption('5');
    await page.getByRole('heading', { name: 'No photos match these filters' }).waitFor();
    await page.getByRole('combobox', { name: 'Stars' }).selectOption('');
    await expect.poll(() => grid.getByRole('gridcell').count()).toBe(4);
  });

  it('lists the dead job with its error, and Retry runs it again once the cause is fixed', async () => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: /^Queue/ }).click();
    // Grouped by cause: a disk error has no code of its own, so it is the generic failure.
    const letter = page.getByRole('listitem', { name: 'Failed after every retry: 1 photo' });
    await letter.waitFor({ timeout: 30_000 });
    expect(await letter.innerText()).toContain('Thumbnails and metadata');
    expect(await letter.getByRole('list').getByRole('listitem').innerText()).toContain(names[0]);
    const errorText = await letter.locator('.failure-message').innerText();
    expect(errorText).toMatch(/EEXIST|ENOTDIR|not a directory|file already exists/i);
    expect(await page.getByRole('progressbar', { name: /Thumbnails and metadata/ }).getAttribute('aria-valuenow')).toBe('100');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'review-queue.png') });

    await rm(blocker());
    await letter.getByRole('button', { name: `Retry ${names[0]}` }).click();
    await page.getByText('No failed jobs.').waitFor({ timeout: 30_000 });
    // Both tabs see photo 1 recover: its thumbnail appears and the Failed count drops.
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Library' }).click();
    for (const p of [page, second]) {
      await expect.poll(() => chipCount(p, 'Failed'), { timeout: 30_000 }).toBe(1);
      await expect.poll(() => decodedWidth(p.getByRole('gridcell', { name: names[0] })), { timeout: 30_000 }).toBeGreaterThan(0);
    }
  }, 90_000);

  it('edits, adds and removes watched folders', async () => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
    const editor = page.getByRole('form', { name: watch });
    await editor.getByRole('checkbox', { name: 'Include subfolders' }).uncheck();
    await editor.getByRole('combobox', { name: 'After a photo is imported' }).selectOption('move-to-done');
    await editor.getByRole('textbox', { name: 'Skip these files' }).fill('*.tmp, .trash/**');
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    const extra = path.join(dir, 'second-inbox');
    await mkdir(extra);
    await page.getByRole('textbox', { name: 'Folder path on the Lightbox machine' }).fill(extra);
    await page.getByRole('button', { name: 'Add folder' }).click();
    await page.getByRole('form', { name: extra }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'review-settings.png'), fullPage: true });

    const extraForm = page.getByRole('form', { name: extra });
    // The drive goes away (a card pulled out): the folder says so, and picks up again when it is back.
    await rm(extra, { recursive: true });
    const away = extraForm.getByRole('status').filter({ hasText: 'Not available' });
    await away.waitFor({ timeout: 30_000 });
    expect(await away.innerText()).toMatch(/disappeared .*looks for it again at/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'review-folder-unavailable.png') });
    await mkdir(extra);
    await away.waitFor({ state: 'detached', timeout: 30_000 });

    await extraForm.getByRole('button', { name: 'Remove…' }).click();
    await extraForm.getByRole('button', { name: 'Remove folder' }).click();
    await extraForm.waitFor({ state: 'detached' });

    // What was saved is the engine's state, not the form's: the other tab reads it fresh.
    await second.reload();
    await second.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
    const seen = second.getByRole('form', { name: watch });
    expect(await seen.getByRole('checkbox', { name: 'Include subfolders' }).isChecked()).toBe(false);
    expect(await seen.getByRole('combobox', { name: 'After a photo is imported' }).inputValue()).toBe('move-to-done');
    expect(await seen.getByRole('textbox', { name: 'Skip these files' }).inputValue()).toBe('*.tmp, .trash/**');
    expect(await second.getByRole('form', { name: extra }).count()).toBe(0);
  });

  it('keeps the view, filters, sort and open photo across a reload', async () => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Library' }).click();
    await chip(page, 'Needs review').click();
    await page.getByRole('combobox', { name: 'Sort by' }).selectOption('name');
    const grid = page.getByRole('grid', { name: 'Photos' });
    await expect.poll(() => grid.getByRole('gridcell').count()).toBe(3);
    await grid.getByRole('gridcell').nth(1).dblclick();
    const loupe = page.getByRole('dialog', { name: /^Loupe: / });
    const opened = await loupe.getAttribute('aria-label');

    await page.reload();
    await page.getByRole('dialog', { name: opened! }).waitFor({ timeout: 20_000 });
    // The grid under the loupe is hidden (also from the accessibility tree) until Esc.
    await page.keyboard.press('Escape');
    expect(await chip(page, 'Needs review').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('combobox', { name: 'Sort by' }).inputValue()).toBe('name');
    await expect.poll(() => grid.getByRole('gridcell').count()).toBe(3);
    const shown = await grid.getByRole('gridcell').evaluateAll((cells) => cells.map((c) => c.getAttribute('aria-label') ?? ''));
    expect(shown).toEqual([...shown].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })));
    // The photo that was open is the focused, selected one again.
    expect(await grid.getByRole('gridcell', { name: opened!.replace('Loupe: ', '') }).getAttribute('aria-selected')).toBe('true');
  });
});
