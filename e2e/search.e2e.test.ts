import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStandInClip } from '../src-main/engine/analysis/clip/stand-in-clip.ts';
import { hostStandInClip, type StandInHost } from '../src-main/engine/analysis/clip/stand-in-host.ts';
import { corpusPath, hasCorpus } from '../test-support/corpus.ts';
import { waitFor } from '../test-support/temp-dir.ts';
import type { ApiClient } from './api-client.ts';
import { SCREENSHOTS } from './headless-server.ts';
import { modelsFolder } from './models-folder.ts';
import { openUiSession, type UiSession } from './ui-session.ts';

/** Corpus photos whose words are known: XMP keywords and title, and two men the detector calls "person". */
const CORPUS = { squirrel: 'jpeg/xmp/IMG_5910.jpg', people: 'content/people/fr-two_people.jpg' };
/** Plain colours: the stand-in CLIP's ranking of them is known (see stand-in-clip.ts). */
const COLOURS: Record<string, [number, number, number]> = { red: [220, 30, 30], green: [30, 220, 30], blue: [30, 30, 220] };

/**
 * The search box in Chromium against the headless server: words from the photo's metadata and from
 * what analysis found, then, once a CLIP model is installed, "By meaning" with the stand-in CLIP
 * served over loopback (the real one cannot be had on this machine).
 */
describe.skipIf(!hasCorpus)('the search box: keywords, then meaning once CLIP is installed', () => {
  let session: UiSession | undefined;
  let host: StandInHost | undefined;
  let page: Page;
  let api: ApiClient;

  const grid = () => page.getByRole('grid', { name: 'Photos' });
  const shown = async () => (await grid().getByRole('gridcell').evaluateAll((cells) => cells.map((c) => c.getAttribute('aria-label')))).sort();
  const search = (text: string) => page.getByRole('searchbox', { name: 'Search photos' }).fill(text);

  beforeAll(async () => {
    session = await openUiSession('search', {
      viewport: { width: 1280, height: 860 },
      prepare: async ({ dir, watch }) => {
        const standIn = path.join(dir, 'stand-in');
        await mkdir(standIn);
        host = await hostStandInClip(buildStandInClip(), standIn, { id: 'clip-vit-b32', version: 'stand-in-1' });
        // The server inherits this process's environment; this file runs in its own fork.
        process.env.LIGHTBOX_MODELS_DIR = await modelsFolder(dir, [host.entry]);
        for (const [name, rel] of Object.entries(CORPUS)) await copyFile(corpusPath(rel), path.join(watch, `${name}${path.extname(rel)}`));
        for (const [name, [r, g, b]] of Object.entries(COLOURS)) {
          await sharp({ create: { width: 320, height: 240, channels: 3, background: { r, g, b } } }).png().toFile(path.join(watch, `${name}.png`));
        }
      },
    });
    api = await session.connectApi();
    page = await session.newPage();
    await page.goto(session.server.url);
    await waitFor('the five photos', async () => (await api.call('photos.counts', {})).total === 5, 60_000);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    await host?.close();
  }, 60_000);

  it('finds photos by XMP title and keywords, as word prefixes, and by what the object detector saw', async () => {
    await search('squirrel');
    await expect.poll(shown).toEqual(['squirrel.jpg']);
    await search('usa berk');
    await expect.poll(shown).toEqual(['squirrel.jpg']);
    // "person" is nobody's name or keyword: the detector's, once analysis has run.
    await search('person');
    await expect.poll(shown, { timeout: 90_000 }).toEqual(['people.jpg']);
    // Without a CLIP model the box searches words only, and says nothing of meaning.
    expect(await page.getByRole('button', { name: 'By meaning' }).count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'search-keywords.png') });
  }, 120_000);

  it('offers "By meaning" once CLIP is installed, finds what no word says, best match first, and goes back to words', async () => {
    await api.call('models.download', { id: 'clip-vit-b32' });
    const meaning = page.getByRole('button', { name: 'By meaning' });
    await meaning.waitFor({ timeout: 30_000 });
    // The library is embedded by the analysis the download queued.
    await expect.poll(async () => (await api.call('photos.search', { text: 'red' })).missing, { timeout: 90_000 }).toBe(0);

    await search('a photo of green');
    await page.getByRole('heading', { name: 'No photos match these filters' }).waitFor();
    await meaning.click();
    expect(await meaning.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(shown).toEqual(['green.png']);
    expect(await page.getByLabel('Sort by').inputValue()).toBe('relevance');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'search-meaning.png') });

    // Words and meaning together: red.png by its name and by its colour, once.
    await search('red');
    await expect.poll(shown).toEqual(['red.png']);

    // A reload keeps the search by meaning.
    await page.reload();
    await expect.poll(shown).toEqual(['red.png']);
    await page.getByRole('button', { name: 'By meaning', pressed: true }).waitFor();

    await page.getByRole('button', { name: 'By meaning' }).click();
    expect(await page.getByLabel('Sort by').inputValue()).toBe('imported');
    await search('a photo of green');
    await page.getByRole('heading', { name: 'No photos match these filters' }).waitFor();
  }, 180_000);
});
