import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createStack, init, uploadAsset } from '@immich/sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../test-support/corpus.ts';
import type { ApiClient } from './api-client.ts';
import { SCREENSHOTS } from './headless-server.ts';
import { startImmichDouble, type ImmichDouble } from './immich-double/index.ts';
import { openUiSession, type UiSession } from './ui-session.ts';

const KEY = 'notice-e2e-key-0123456789';
const PHOTO = 'jpeg/camera/FujiFilm_DX-10.jpg';

/**
 * The photographer already has this exact original in Immich, stacked by hand with another photo.
 * Lightbox must not pull it into its own stack (Immich would move it out of the hand-made one), and
 * the loupe's Immich panel must say what was left alone and why.
 */
describe.skipIf(!hasCorpus)('loupe: an upload that left a file alone says so', () => {
  let double: ImmichDouble;
  let session: UiSession | undefined;
  let api: ApiClient;
  let page: Page;

  beforeAll(async () => {
    double = await startImmichDouble({ apiKeys: [KEY] });
    session = await openUiSession('immich-notice', { viewport: { width: 1280, height: 900 } });
    api = await session.connectApi();
    page = await session.newPage();
    await page.goto(session.server.url);
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    await double?.close();
  }, 60_000);

  it('shows the original as another stack\'s asset, left alone, and the processed file uploaded on its own', async () => {
    init({ baseUrl: double.url, apiKey: KEY });
    const dates = { fileCreatedAt: '2001-04-12T20:33:14.000Z', fileModifiedAt: '2001-04-12T20:33:14.000Z' };
    const mine = await uploadAsset({ assetMediaCreateDto: { assetData: new File([await readFile(corpusPath(PHOTO))], 'DX-10 from the phone.jpg'), ...dates } });
    const theirs = await uploadAsset({ assetMediaCreateDto: { assetData: new File([await readFile(corpusPath('jpeg/camera/Nikon_D70.jpg'))], 'other.jpg'), ...dates } });
    const handMade = await createStack({ stackCreateDto: { assetIds: [theirs.id, mine.id] } });

    await api.call('immich.settings.set', { serverUrl: double.url, apiKey: KEY });
    const [folder] = await api.call('folders.list', {});
    await api.call('folders.uploadSettings.set', { folderId: folder!.id, what: 'both', cover: 'processed' });
    await copyFile(corpusPath(PHOTO), path.join(session!.watch, path.basename(PHOTO)));

    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Library' }).click();
    const grid = page.getByRole('grid', { name: 'Photos' });
    await grid.getByRole('gridcell', { name: path.basename(PHOTO) }).waitFor({ timeout: 60_000 });
    const photoId = (await api.call('photos.list', {})).photos[0]!.id;
    await expect.poll(async () => (await api.call('immich.photoUpload', { photoId }))?.state, { timeout: 180_000, interval: 500 }).toBe('uploaded');
    const record = (await api.call('immich.photoUpload', { photoId }))!;
    expect(record).toMatchObject({ originalAssetId: null, originalOutcome: 'elsewhere', processedOutcome: 'created', stackId: null });
    expect(record.notices).toEqual([{ role: 'original', assetId: mine.id, message: expect.stringContaining('in a stack of 2 that Lightbox did not make for this photo') }]);
    // The hand-made stack is as it was.
    expect(double.state.stacks.find((s) => s.id === handMade.id)?.assetIds.sort()).toEqual([mine.id, theirs.id].sort());

    await grid.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    const info = page.getByRole('dialog', { name: /^Loupe: / }).getByRole('region', { name: 'Immich upload' });
    await info.getByRole('list', { name: 'Not stacked' }).waitFor({ timeout: 20_000 });
    const text = await info.innerText();
    expect(text).toMatch(new RegExp(`Original\\s+${mine.id}\\s+already in Immich elsewhere, left alone`));
    expect(text).toMatch(new RegExp(`Processed\\s+${record.processedAssetId}\\s+new in Immich`));
    expect(text).toContain('it was left in that stack');
    await page.getByText('Making the edited preview…').waitFor({ state: 'detached', timeout: 30_000 }).catch(() => {});
    await info.screenshot({ path: path.join(SCREENSHOTS, 'loupe-upload-left-alone.png') });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'loupe-upload-left-alone-page.png') });
  }, 300_000);
});
