import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCorpus } from '../test-support/corpus.ts';
import { applyFault, cast, exposure, loadReference, toJpeg, type LinearFault } from '../test-support/enhance-faults.ts';
import type { ApiClient } from './api-client.ts';
import { openPhoto, waitForEditedPreview } from './editor-helpers.ts';
import { SCREENSHOTS } from './headless-server.ts';
import { openUiSession, type UiSession } from './ui-session.ts';
import { ENHANCE_SOURCE } from '../src-main/engine/analysis/enhance/to-enhance-steps.ts';

const both = (f: LinearFault, g: LinearFault): LinearFault => (r, gr, b) => g(...f(r, gr, b));

/** The AI tone chips in the recipe panel, Accept/Reject per step, then Auto-enhance and Match series on a selection. */
describe.skipIf(!hasCorpus)('auto-enhance in the UI (headless server, Chromium)', () => {
  let session: UiSession | undefined;
  let api: ApiClient;
  let page: Page;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    session = await openUiSession('enhance', { viewport: { width: 1400, height: 860 } });
    api = await session.connectApi();
    page = await session.newPage();
  }, 120_000);
  afterAll(() => session?.close(), 60_000);

  it('a dark, warm photo shows its AI tone steps as chips with confidence and reason; one is accepted, one turned down', async () => {
    if (!session) throw new Error('the session did not start');
    // Proposals only on request in this library: the photographer asks in the loupe and the batch bar.
    await api.call('enhance.settings.set', { mode: 'off' });
    await page.goto(session.server.url);
    await page.getByRole('heading', { name: 'No photos yet' }).waitFor({ timeout: 20_000 });
    // A bracketed burst of one scene, shot under warm light: 1.4 and 0.7 stops too dark.
    const scene = await loadReference('jpeg/camera/Oppo_R7_Plus.jpg');
    const warm = cast(1.25, 1, 0.75);
    await writeFile(path.join(session.watch, 'burst-1.jpg'), await toJpeg(applyFault(scene, both(exposure(-1.4), warm))));
    await writeFile(path.join(session.watch, 'burst-2.jpg'), await toJpeg(applyFault(scene, both(exposure(-0.7), warm))));
    for (const name of ['burst-1.jpg', 'burst-2.jpg']) {
      const cell = page.getByRole('gridcell', { name });
      await cell.waitFor({ timeout: 60_000 });
      await expect.poll(async () => (await cell.innerText()).includes('Needs review'), { timeout: 180_000 }).toBe(true);
      ids[name] = (await api.call('photos.list', { text: name })).photos[0]!.id;
    }

    await page.getByRole('gridcell', { name: 'burst-1.jpg' }).dblclick();
    const loupe = await openPhoto(page, 'burst-1.jpg');
    await waitForEditedPreview(page);
    const panel = loupe.getByRole('complementary', { name: 'Recipe' });
    expect(await panel.getByRole('listitem', { name: 'Exposure step' }).count()).toBe(0);
    await panel.getByRole('button', { name: 'Auto-enhance' }).click();
    const exposureStep = panel.getByRole('listitem', { name: 'Exposure step' });
    const wbStep = panel.getByRole('listitem', { name: 'White balance step' });
    await exposureStep.waitFor({ timeout: 30_000 });
    await wbStep.waitFor();
    expect(await exposureStep.innerText()).toMatch(/AI \d+ %[\s\S]*Review[\s\S]*underexposed by about \d\.\d EV/);
    expect(await wbStep.innerText()).toMatch(/AI \d+ %[\s\S]*warm cast/);
    await waitForEditedPreview(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'enhance-ai-chips.png') });
    // Asked again, it says its proposals are there rather than that it has nothing to change.
    await panel.getByRole('button', { name: 'Auto-enhance' }).click();
    await panel.getByRole('status').filter({ hasText: "Auto-enhance's proposals are already in the recipe." }).waitFor({ timeout: 30_000 });

    await exposureStep.getByRole('button', { name: 'Accept AI Exposure' }).click();
    await expect.poll(async () => (await exposureStep.innerText()).includes('Review'), { timeout: 30_000 }).toBe(false);
    await wbStep.getByRole('button', { name: 'Reject AI White balance' }).click();
    await expect.poll(() => wbStep.count(), { timeout: 30_000 }).toBe(0);
    const { recipe } = await api.call('recipe.get', { photoId: ids['burst-1.jpg']! });
    const active = recipe.steps.slice(0, recipe.end);
    expect(active.find((s) => s.op === 'exposure')).toMatchObject({ source: ENHANCE_SOURCE, needsReview: false });
    expect(active.some((s) => s.op === 'white-balance')).toBe(false);
    await page.keyboard.press('Escape');
    await page.getByRole('grid', { name: 'Photos' }).waitFor();
  }, 420_000);

  it('Match series and Auto-enhance on a selection from the batch bar', async () => {
    const grid = page.getByRole('grid', { name: 'Photos' });
    await grid.focus();
    await page.keyboard.press('Control+a');
    await page.getByRole('status').filter({ hasText: '2 selected' }).waitFor();
    const bar = page.getByRole('toolbar', { name: 'Batch actions' });
    // burst-1 is enhanced (its exposure accepted), burst-2 is as shot: their median lies between.
    const match = bar.getByRole('combobox', { name: 'Match exposure and white balance' });
    await match.selectOption('median');
    await bar.getByRole('status').filter({ hasText: 'Matched 2 photos to their median' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'enhance-match.png') });
    for (const photoId of Object.values(ids)) {
      const { recipe } = await api.call('recipe.get', { photoId });
      expect(recipe.steps.slice(0, recipe.end).find((s) => s.op === 'exposure')).toMatchObject({ source: 'ai:series-match@1', needsReview: true });
    }

    await bar.getByRole('button', { name: 'Auto-enhance' }).click();
    await bar.getByRole('status').filter({ hasText: 'Auto-enhance proposed steps for 2 photos' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'enhance-batch.png') });
    for (const photoId of Object.values(ids)) {
      const { recipe } = await api.call('recipe.get', { photoId });
      expect(recipe.steps.slice(0, recipe.end).find((s) => s.op === 'exposure')).toMatchObject({ source: ENHANCE_SOURCE });
    }
  }, 180_000);

  it('sets the library auto-enhance policy and a folder\'s own in Settings', async () => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
    const card = page.getByRole('region', { name: 'Auto-enhance' });
    await card.getByRole('combobox', { name: 'Auto-enhance for new photos' }).selectOption('apply');
    await card.getByRole('spinbutton', { name: 'Apply auto-enhance from confidence in percent' }).fill('70');
    await expect.poll(() => api.call('enhance.settings.get', {}), { timeout: 10_000 }).toEqual({ mode: 'apply', threshold: 0.7 });
    const folder = page.getByRole('group', { name: 'Auto-enhance (tone and colour)' }).first();
    await folder.getByRole('radio', { name: 'Propose for review' }).check();
    await page.getByRole('button', { name: 'Save' }).first().click();
    await expect.poll(async () => (await api.call('folders.list', {}))[0]!.enhance, { timeout: 10_000 }).toBe('propose');
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'enhance-settings.png') });
  }, 60_000);
});
