import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../test-support/corpus.ts';
import { SCREENSHOTS, pickJpegs } from './headless-server.ts';
import { openUiSession, type UiSession } from './ui-session.ts';

/** The first small camera JPEG of the corpus. */
function pickJpeg(): string {
  return pickJpegs(1)[0]!;
}

describe.skipIf(!hasCorpus)('headless UI over the real server', () => {
  let session: UiSession | undefined;
  let page: Page;

  beforeAll(async () => {
    session = await openUiSession('e2e');
    page = await session.newPage();
  }, 120_000);

  afterAll(() => session?.close(), 60_000);

  it('shows the empty state, then a live thumbnail for a photo dropped into the watched folder', async () => {
    if (!session) throw new Error('the session did not start');
    const { server, watch } = session;
    await page.goto(server.url);
    // The token in the link was traded for a cookie: the address bar no longer shows it.
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);

    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 20_000 });
    await page.getByRole('heading', { name: 'No photos yet' }).waitFor({ timeout: 20_000 });
    expect(await page.getByText('Drop photos into a watched folder').count()).toBe(1);
    expect(await page.getByRole('status').getByText(watch).count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'grid-empty.png') });

    const source = pickJpeg();
    const fileName = `e2e-${path.basename(source)}`;
    await copyFile(corpusPath(source), path.join(watch, fileName));

    const tile = page.getByRole('gridcell', { name: fileName });
    await tile.waitFor({ timeout: 60_000 });
    // Poll (with a deadline) until the thumbnail really decoded: an image that 404'd or is still
    // loading has naturalWidth 0. The page's CSP forbids eval, so the check is a real function.
    const img = tile.locator('img');
    const decodedWidth = () =>
      img.evaluate((el) => {
        const image = el as unknown as { complete: boolean; naturalWidth: number };
        return image.complete ? image.naturalWidth : 0;
      }, undefined, { timeout: 1_000 }).catch(() => 0);
    try {
      await expect.poll(decodedWidth, { timeout: 60_000, interval: 100 }).toBeGreaterThan(0);
    } catch (error) {
      // Say what the photographer would see (stage badge, error text), not just "0 is not > 0".
      await page.screenshot({ path: path.join(SCREENSHOTS, 'grid-failure.png') });
      throw new Error(`No thumbnail for ${fileName}; its tile reads: "${(await tile.innerText()).replaceAll('\n', ' | ')}"`, { cause: error });
    }
    expect(await img.isVisible()).toBe(true);
    expect(await img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    expect(await tile.locator('.badge').textContent()).not.toBe('Failed');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'grid-live.png') });

    // The thumbnail is served to the page (cookie) and to a Bearer token, never to a bare request.
    const base = new URL(server.url);
    const token = base.searchParams.get('token') ?? '';
    const thumbUrl = new URL((await img.getAttribute('src')) ?? '', base.origin);
    const withBearer = await fetch(thumbUrl, { headers: { Authorization: `Bearer ${token}` } });
    expect(withBearer.status).toBe(200);
    expect(withBearer.headers.get('content-type')).toBe('image/jpeg');
  }, 180_000);

  it('refuses requests without the token', async () => {
    if (!session) throw new Error('the session did not start');
    const { server } = session;
    const origin = new URL(server.url).origin;
    for (const target of [`${origin}/`, `${origin}/media/thumb/1`]) {
      const response = await fetch(target, { redirect: 'manual' });
      expect(response.status, target).toBe(401);
      expect(await response.text()).toContain('lightbox serve');
    }
  });
});
