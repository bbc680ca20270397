import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../test-support/corpus.ts';
import type { ApiClient } from './api-client.ts';
import { SCREENSHOTS, pickJpegs } from './headless-server.ts';
import { startImmichDouble, type ImmichDouble } from './immich-double/index.ts';
import { openUiSession, type UiSession } from './ui-session.ts';

const KEY = 'failures-e2e-key-0123456789';

/**
 * The failed-jobs page a person can act on (issue 11): real dead letters from uploads an Immich
 * double refuses (400, then 404), shown grouped by cause with their counts, each photo by name and
 * thumbnail; Retry all runs a group again, Discard all forgets one. The same through the API.
 */
describe.skipIf(!hasCorpus)('failed jobs grouped by cause (headless server, Chromium)', () => {
  let session: UiSession | undefined;
  let double: ImmichDouble;
  let api: ApiClient;
  let page: Page;
  const jpegs = hasCorpus ? pickJpegs(5) : [];
  const names = jpegs.map((p) => `fail-${path.basename(p)}`);

  beforeAll(async () => {
    double = await startImmichDouble({ apiKeys: [KEY] });
    session = await openUiSession('failures', { viewport: { width: 1200, height: 900 } });
    api = await session.connectApi();
    await api.call('immich.settings.set', { serverUrl: double.url, apiKey: KEY });
    const [folder] = await api.call('folders.list', {});
    await api.call('folders.uploadSettings.set', { folderId: folder!.id, what: 'original' });
    page = await session.newPage();
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    await double?.close();
  }, 60_000);

  it('groups the dead uploads by error code with counts, names and thumbnails, in the API and on the page', async () => {
    if (!session) throw new Error('the session did not start');
    // The first three uploads are refused as invalid, the next two as not found: two causes.
    double.faults.failNext(3, 400, { path: '/assets', method: 'POST' });
    double.faults.failNext(2, 404, { path: '/assets', method: 'POST' });
    for (const [i, rel] of jpegs.entries()) await copyFile(corpusPath(rel), path.join(session.watch, names[i]!));

    await expect.poll(async () => (await api.call('queue.failures', {})).total, { timeout: 180_000 }).toBe(5);
    const { groups } = await api.call('queue.failures', {});
    expect(groups.map((g) => [g.kind, g.code, g.count])).toEqual([['upload', 'immich-invalid', 3], ['upload', 'immich-not-found', 2]]);
    expect(groups.flatMap((g) => g.jobs.map((j) => j.fileName)).sort()).toEqual([...names].sort());
    for (const job of groups.flatMap((g) => g.jobs)) expect(job.mediaRev, job.fileName!).toBeGreaterThan(0);

    await page.goto(session.server.url);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: /^Queue/ }).click();
    const invalid = page.getByRole('listitem', { name: 'Immich refused the upload: 3 photos' });
    const notFound = page.getByRole('listitem', { name: 'Immich no longer has the asset: 2 photos' });
    await invalid.waitFor({ timeout: 20_000 });
    await notFound.waitFor();
    expect(await invalid.innerText()).toMatch(/Uploading to Immich[\s\S]*immich-invalid[\s\S]*Retry all 3/);
    const items = invalid.getByRole('list').getByRole('listitem');
    expect(await items.count()).toBe(3);
    for (const item of await items.all()) {
      const text = await item.innerText();
      expect(names.filter((n) => text.includes(n)), text).toHaveLength(1);
    }
    // Every failure shows its photo: the thumbnails are loaded, not placeholders.
    await expect
      .poll(() => page.locator('.failure-thumb img').evaluateAll((imgs) => imgs.filter((i) => (i as unknown as { naturalWidth: number }).naturalWidth > 0).length), { timeout: 20_000 })
      .toBe(5);
    // The page scrolls inside its own pane: the card itself, whole, is the picture of the groups.
    await page.locator('section[aria-labelledby="dead-title"]').screenshot({ path: path.join(SCREENSHOTS, 'failures-grouped.png') });
  }, 240_000);

  it('Retry all runs one group again (it uploads now), Discard all forgets the other, the photos stay', async () => {
    const invalid = page.getByRole('listitem', { name: 'Immich refused the upload: 3 photos' });
    await invalid.getByRole('button', { name: 'Retry all 3' }).click();
    await invalid.waitFor({ state: 'detached', timeout: 60_000 });
    await expect.poll(async () => (await api.call('immich.status', {})).counts.uploaded, { timeout: 60_000 }).toBe(3);
    expect(double.state.assets).toHaveLength(3);
    // The batch card above goes when the retried uploads finish: a click while the page still moves
    // can land beside its button (that is how this test once failed on a loaded machine).
    await page.getByRole('heading', { name: /Background work/ }).getByText('idle').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByText('This batch').count(), { timeout: 20_000 }).toBe(0);

    const notFound = page.getByRole('listitem', { name: 'Immich no longer has the asset: 2 photos' });
    await notFound.getByRole('button', { name: 'Discard all' }).click();
    const confirm = notFound.getByRole('group', { name: 'Discard 2 failed jobs' });
    expect(await confirm.innerText()).toMatch(/The photos stay in the library/);
    await confirm.getByRole('button', { name: 'Discard 2' }).click();
    await page.getByText('No failed jobs.').waitFor({ timeout: 20_000 });
    expect(await api.call('queue.failures', {})).toEqual({ groups: [], total: 0 });
    expect((await api.call('photos.list', {})).total).toBe(5);
    // An emptied group is no error: asking again does nothing.
    expect(await api.call('queue.retryGroup', { kind: 'upload', code: 'immich-not-found' })).toEqual({ count: 0 });
  }, 120_000);
});
