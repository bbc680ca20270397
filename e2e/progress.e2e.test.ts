import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../test-support/corpus.ts';
import { SCREENSHOTS } from './headless-server.ts';
import { openUiSession, type UiSession } from './ui-session.ts';

/** Enough photos that analysis (the slow stage) is still busy when the page is looked at. */
const PHOTOS = 24;

describe.skipIf(!hasCorpus)('progress of a big drop: Queue page and header (headless server, Chromium)', () => {
  let session: UiSession | undefined;
  let page: Page;

  beforeAll(async () => {
    session = await openUiSession('progress', { viewport: { width: 1280, height: 860 } });
    page = await session.newPage();
  }, 120_000);

  afterAll(() => session?.close(), 60_000);

  it('shows each stage done of total with its pace and the time left, live, and a compact indicator in the header', async () => {
    if (!session) throw new Error('the session did not start');
    await page.goto(session.server.url);
    await page.getByRole('heading', { name: 'No photos yet' }).waitFor({ timeout: 20_000 });
    // Distinct files from the corpus's camera JPEGs (a unique trailer each, as a phone might write).
    const names = (await readdir(corpusPath('jpeg/camera'))).filter((n) => n.endsWith('.jpg')).sort();
    for (let i = 0; i < PHOTOS; i++) {
      const name = names[i % names.length]!;
      await writeFile(path.join(session.watch, `${String(i).padStart(2, '0')}_${name}`), Buffer.concat([await readFile(corpusPath(`jpeg/camera/${name}`)), Buffer.from(`progress-${i}`)]));
    }

    // The header says how far the batch is from any page, and leads to the Queue page.
    const indicator = page.getByRole('button', { name: /^Background work \d+ % done: .+\. Open the queue\.$/ });
    await indicator.waitFor({ timeout: 60_000 });
    await indicator.click();
    const card = page.getByRole('region', { name: /^This batch/ });
    await card.waitFor({ timeout: 10_000 });

    // Once analysis has a pace, every stage shows "n of total" and the batch a time left.
    const analysis = card.getByRole('listitem').filter({ hasText: 'Analysis (faces, objects, quality, crops)' });
    await expect.poll(async () => (await analysis.count()) > 0 && /\d+ of \d+ · [\d.]+\/(min|s)/.test(await analysis.innerText()), { timeout: 90_000, interval: 250 }).toBe(true);
    await expect.poll(async () => /(about \d+ min|less than a minute) left/.test(await card.getByRole('heading').innerText()), { timeout: 60_000, interval: 250 }).toBe(true);
    const ingest = await card.getByRole('listitem').filter({ hasText: 'Ingest (copy and hash)' }).innerText();
    expect(ingest).toMatch(new RegExp(`\\d+ of ${PHOTOS}`));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'queue-progress.png') });
    await page.locator('header').screenshot({ path: path.join(SCREENSHOTS, 'queue-progress-header.png') });

    // When the batch is through, the card and the indicator go.
    await card.waitFor({ state: 'detached', timeout: 180_000 });
    expect(await indicator.count()).toBe(0);
    const stats = await (await session.connectApi()).call('queue.stats', {});
    expect(stats.kinds['analyze']?.done).toBe(PHOTOS);
  }, 300_000);
});
