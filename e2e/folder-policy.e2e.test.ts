import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../test-support/corpus.ts';
import type { ApiClient } from './api-client.ts';
import { openPhoto, waitForEditedPreview } from './editor-helpers.ts';
import { SCREENSHOTS } from './headless-server.ts';
import { openUiSession, type UiSession } from './ui-session.ts';

const PHOTO = 'content/people/fr-obama.jpg';
const WARM = { name: 'Warm import', steps: [{ op: 'exposure', v: 2, enabled: true, params: { ev: 0.5 }, source: 'user' }] };
const COOL = { name: 'Cool', steps: [{ op: 'saturation', v: 1, enabled: true, params: { amount: -20 }, source: 'user' }] };

/**
 * A hot folder's processing policy, set in Settings like a photographer would: a preset on import
 * and "approve when the confidence is at least 100 %" (so the real proposal waits for review).
 */
describe.skipIf(!hasCorpus)('folder processing policy (headless server, Chromium)', () => {
  let watch: string;
  let session: UiSession | undefined;
  let api: ApiClient | undefined;
  let page: Page;
  let presetId = '';

  beforeAll(async () => {
    session = await openUiSession('policy', { viewport: { width: 1280, height: 900 } });
    ({ watch } = session);
    api = await session.connectApi();
    presetId = (await api.call('presets.import', { json: JSON.stringify(WARM) })).id;
    await api.call('presets.import', { json: JSON.stringify(COOL) });
    page = await session.newPage();
  }, 120_000);

  afterAll(() => session?.close(), 60_000);

  it('sets presets and crop review in Settings; a photo dropped in the folder gets the preset step and waits for review', async () => {
    if (!session || !api) throw new Error('the session did not start');
    await page.goto(session.server.url);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
    const editor = page.getByRole('form', { name: watch });

    // Presets: none yet; add the imported one.
    const presets = editor.getByRole('group', { name: 'Presets applied to each new photo' });
    await presets.getByText('None: photos arrive without edits.').waitFor();
    await presets.getByRole('combobox', { name: 'Add a preset' }).selectOption({ label: WARM.name });
    await presets.getByRole('button', { name: 'Add preset' }).click();
    const list = presets.getByRole('list', { name: 'Presets applied on import' });
    expect(await list.getByRole('listitem').allInnerTexts()).toEqual([expect.stringContaining(WARM.name)]);
    // A second one goes first, then is removed again: the list keeps the order the photographer sets.
    await presets.getByRole('combobox', { name: 'Add a preset' }).selectOption({ label: COOL.name });
    await presets.getByRole('button', { name: 'Add preset' }).click();
    expect(await list.getByRole('listitem').allInnerTexts()).toEqual([expect.stringContaining(WARM.name), expect.stringContaining(COOL.name)]);
    await presets.getByRole('button', { name: `Move ${COOL.name} up` }).click();
    expect(await list.getByRole('listitem').allInnerTexts()).toEqual([expect.stringContaining(COOL.name), expect.stringContaining(WARM.name)]);
    await presets.getByRole('button', { name: `Remove ${COOL.name}` }).click();
    expect(await list.getByRole('listitem').allInnerTexts()).toEqual([expect.stringContaining(WARM.name)]);

    // Review: the threshold appears only with its mode, and the slider and the number move together.
    const review = editor.getByRole('group', { name: 'AI crop review' });
    expect(await review.getByRole('radio', { name: 'Follow the library setting' }).isChecked()).toBe(true);
    expect(await review.getByRole('slider', { name: 'Approval threshold' }).count()).toBe(0);
    await review.getByRole('radio', { name: /Approve when the confidence is at least/ }).check();
    const slider = review.getByRole('slider', { name: 'Approval threshold' });
    expect(await slider.inputValue()).toBe('80');
    await review.getByRole('spinbutton', { name: 'Approval threshold in percent' }).fill('100');
    expect(await slider.inputValue()).toBe('100');

    // Immich upload for this folder: the album and cover only show for what they apply to.
    const upload = editor.getByRole('group', { name: 'Upload to Immich' });
    const what = upload.getByRole('combobox', { name: 'Upload' });
    await expect.poll(() => what.inputValue()).toBe('none');
    expect(await upload.getByRole('textbox', { name: 'Album' }).count()).toBe(0);
    await what.selectOption('both');
    await upload.getByRole('textbox', { name: 'Album' }).fill('Policy album');
    await upload.getByRole('combobox', { name: 'Stack cover' }).selectOption('original');
    await upload.getByRole('checkbox', { name: 'Only after I approve the photo' }).check();
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'folder-policy-settings.png'), fullPage: true });

    // What the engine stored, not what the form shows.
    const [folder] = await api.call('folders.list', {});
    expect(folder).toMatchObject({ presets: [presetId], cropReview: 'threshold', cropThreshold: 1 });
    expect(await api.call('folders.uploadSettings.get', { folderId: folder!.id })).toEqual({ folderId: folder!.id, what: 'both', albumName: 'Policy album', cover: 'original', approvalRequired: true });

    await copyFile(corpusPath(PHOTO), path.join(watch, 'policy.jpg'));
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Library' }).click();
    const tile = page.getByRole('grid', { name: 'Photos' }).getByRole('gridcell', { name: 'policy.jpg' });
    await tile.waitFor({ timeout: 60_000 });
    await expect.poll(() => tile.innerText(), { timeout: 120_000 }).toContain('Needs review');

    const photoId = (await api.call('photos.list', {})).photos[0]!.id;
    const { recipe } = await api.call('recipe.get', { photoId });
    const crop = recipe.steps.find((s) => s.op === 'crop');
    expect(crop).toMatchObject({ source: 'ai:crop-proposals@1', needsReview: true });
    expect(crop!.confidence).toBeLessThan(1);
    expect(recipe.steps.filter((s) => s.source === `preset:${presetId}`).map((s) => ({ op: s.op, params: s.params }))).toEqual([{ op: 'exposure', params: { ev: 0.5 } }]);

    // The loupe's recipe panel shows the preset step, and the crop waiting for review.
    await tile.dblclick();
    await openPhoto(page, 'policy.jpg');
    const panel = page.getByRole('complementary', { name: 'Recipe' });
    const step = panel.getByRole('listitem', { name: 'Exposure step' });
    await step.waitFor();
    expect(await step.innerText()).toContain('Preset');
    expect(await panel.innerText()).toMatch(/review/i);
    await waitForEditedPreview(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'folder-policy-loupe.png') });
  }, 240_000);
});
