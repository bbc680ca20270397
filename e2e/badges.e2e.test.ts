import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../test-support/corpus.ts';
import type { ApiClient } from './api-client.ts';
import { waitForEditedPreview, openPhoto } from './editor-helpers.ts';
import { SCREENSHOTS, pickJpegs } from './headless-server.ts';
import { openUiSession, type UiSession } from './ui-session.ts';

// A face: analysis proposes a crop for it, so it waits for review, and can be approved.
const PERSON = 'content/people/fr-obama.jpg';

const chipCount = async (page: Page, group: string, name: string) =>
  Number((await page.getByRole('group', { name: group }).getByRole('button', { name: new RegExp(`^${name} \\d+$`) }).innerText()).replace(/\D+/g, ''));

describe.skipIf(!hasCorpus)('grid badges: approved and duplicate (headless server, Chromium)', () => {
  let session: UiSession | undefined;
  let api: ApiClient;
  let page: Page;
  let watch: string;
  // A plain file where the processed/ folder goes: every render fails (a disk error, retried) until
  // it is removed, so the photo stays "approved, being made" as long as the test needs to look.
  let blocker: string;

  beforeAll(async () => {
    session = await openUiSession('badges', {
      viewport: { width: 1100, height: 700 },
      prepare: async (paths) => {
        blocker = path.join(paths.library, 'processed');
        await mkdir(paths.library, { recursive: true });
        await writeFile(blocker, 'not a folder');
      },
    });
    ({ watch } = session);
    api = await session.connectApi();
    page = await session.newPage();
  }, 120_000);

  afterAll(() => session?.close(), 60_000);

  it('a file dropped again shows "Duplicate ×1" on its photo live, and the Duplicates chip finds it', async () => {
    if (!session) throw new Error('the session did not start');
    await page.goto(session.server.url);
    await page.getByRole('heading', { name: 'No photos yet' }).waitFor({ timeout: 20_000 });
    await copyFile(corpusPath(PERSON), path.join(watch, 'portrait.jpg'));
    await copyFile(corpusPath(pickJpegs(1)[0]!), path.join(watch, 'street.jpg'));
    const tile = page.getByRole('gridcell', { name: 'portrait.jpg' });
    await tile.waitFor({ timeout: 60_000 });
    await page.getByRole('gridcell', { name: 'street.jpg' }).waitFor({ timeout: 60_000 });
    // No duplicate yet: no badge, no chip.
    expect(await tile.getByText(/^Duplicate/).count()).toBe(0);
    expect(await page.getByRole('group', { name: 'Filter by duplicates' }).count()).toBe(0);

    // The same bytes under another name: skipped, and counted on the photo that has them.
    await copyFile(corpusPath(PERSON), path.join(watch, 'portrait copy.jpg'));
    const badge = tile.getByLabel('Dropped 1 more time; the copy was skipped');
    await badge.waitFor({ timeout: 60_000 });
    expect(await badge.innerText()).toBe('Duplicate ×1');
    expect(await page.getByRole('gridcell', { name: 'portrait copy.jpg' }).count()).toBe(0);
    await expect.poll(() => chipCount(page, 'Filter by duplicates', 'Duplicates'), { timeout: 10_000 }).toBe(1);

    const grid = page.getByRole('grid', { name: 'Photos' });
    const duplicates = page.getByRole('group', { name: 'Filter by duplicates' }).getByRole('button', { name: /^Duplicates/ });
    await duplicates.click();
    expect(await duplicates.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => grid.getByRole('gridcell').count()).toBe(1);
    expect(await grid.getByRole('gridcell').getAttribute('aria-label')).toBe('portrait.jpg');
    expect(await chipCount(page, 'Filter by stage', 'All')).toBe(1);
    await duplicates.click();
    await expect.poll(() => grid.getByRole('gridcell').count()).toBe(2);
  }, 180_000);

  it('an approved AI crop reads "Approved" until its render is written, then "Rendered"', async () => {
    const tile = page.getByRole('gridcell', { name: 'portrait.jpg' });
    await expect.poll(() => tile.getAttribute('data-stage'), { timeout: 120_000 }).toBe('needs-review');
    // Every stage the tile shows, in order, however briefly.
    await page.getByRole('grid', { name: 'Photos' }).evaluate((grid) => {
      type El = { getAttribute(name: string): string | null };
      const seen: string[] = [];
      (globalThis as unknown as { stagesSeen: string[] }).stagesSeen = seen;
      const record = (el: El) => {
        if (el.getAttribute('aria-label') !== 'portrait.jpg') return;
        const stage = el.getAttribute('data-stage') ?? '';
        if (seen.at(-1) !== stage) seen.push(stage);
      };
      record((grid as unknown as { querySelector(s: string): El }).querySelector('[aria-label="portrait.jpg"]')!);
      const Observer = (globalThis as unknown as { MutationObserver: new (cb: (records: Array<{ target: El }>) => void) => { observe(node: unknown, options: object): void } }).MutationObserver;
      new Observer((records) => records.forEach((r) => record(r.target))).observe(grid, { subtree: true, attributes: true, attributeFilter: ['data-stage', 'aria-label'] });
    });
    const stagesSeen = () => page.evaluate(() => (globalThis as unknown as { stagesSeen: string[] }).stagesSeen);

    await tile.dblclick();
    await openPhoto(page, 'portrait.jpg');
    await waitForEditedPreview(page);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: /^Loupe/ }).waitFor({ state: 'detached' });

    await expect.poll(() => tile.getAttribute('data-stage'), { timeout: 30_000 }).toBe('approved');
    expect(await tile.getByText('Approved', { exact: true }).count()).toBe(1);
    await expect.poll(() => chipCount(page, 'Filter by stage', 'Approved'), { timeout: 10_000 }).toBe(1);
    // The grid with both badges on one photo, and a photo still waiting for review beside it.
    await expect.poll(() => page.getByRole('gridcell', { name: 'street.jpg' }).getAttribute('data-stage'), { timeout: 120_000 }).toBe('needs-review');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'badges-grid.png') });

    await rm(blocker);
    const photoId = (await api.call('photos.list', { text: 'portrait' })).photos[0]!.id;
    await expect
      .poll(
        async () => {
          // Five quick retries can all fail before the blocker is gone (their delays are random):
          // then the render is a dead letter, and Retry is what the photographer would press.
          const stage = (await api.call('photos.get', { id: photoId })).stage;
          if (stage === 'failed') for (const letter of await api.call('queue.deadLetters', {})) if (letter.subject === String(photoId)) await api.call('queue.retry', { id: letter.id });
          return tile.getAttribute('data-stage');
        },
        { timeout: 120_000 },
      )
      .toBe('rendered');
    expect(await tile.innerText()).toContain('Rendered');
    expect(await tile.innerText()).toContain('Duplicate ×1');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'badges-grid-rendered.png') });

    const seen = (await stagesSeen()).filter((stage) => stage !== 'failed');
    expect(seen.slice(0, 1)).toEqual(['needs-review']);
    // Approved, then rendered: never "processing" while the approved crop was being made.
    expect([...new Set(seen)]).toEqual(['needs-review', 'approved', 'rendered']);
  }, 300_000);
});
