import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../test-support/corpus.ts';
import { connectApi, type ApiClient } from './api-client.ts';
import { SCREENSHOTS, assertPrerequisites, launchChromium, pickJpegs, startServer, stopServer, type RunningServer } from './headless-server.ts';
import { startImmichDouble, type ImmichDouble } from './immich-double/index.ts';

const KEY = 'settings-e2e-key-0123456789';

describe.skipIf(!hasCorpus)('settings page: Immich, models, captions, performance (headless server, Chromium)', () => {
  let dir: string;
  let watch: string;
  let double: ImmichDouble;
  let server: RunningServer | undefined;
  let api: ApiClient;
  let browser: Browser | undefined;
  let page: Page;
  const jpeg = hasCorpus ? pickJpegs(1)[0]! : '';

  beforeAll(async () => {
    assertPrerequisites();
    dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-settings-e2e-'));
    watch = path.join(dir, 'watch');
    await mkdir(watch);
    await mkdir(SCREENSHOTS, { recursive: true });
    double = await startImmichDouble({ apiKeys: [KEY] });
    server = await startServer(path.join(dir, 'library'), [watch]);
    api = await connectApi(server.url);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (error) => console.error('[page error]', error));
    await page.goto(server.url);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  }, 120_000);

  afterAll(async () => {
    api?.close();
    await browser?.close();
    if (server) await stopServer(server.child);
    await double?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('tests the Immich server, shows a refused key in words, saves, and never shows the key again', async () => {
    const form = page.getByRole('form', { name: 'Immich server' });
    await form.getByRole('textbox', { name: 'Server address' }).fill(double.url);
    const key = form.getByLabel('API key');
    await key.fill('not-the-key');
    await form.getByRole('button', { name: 'Test' }).click();
    const result = page.getByRole('status', { name: 'Test result' });
    await result.filter({ hasText: 'The API key was refused' }).waitFor({ timeout: 20_000 });
    expect(await result.innerText()).toMatch(/did not pass every check/);

    await key.fill(KEY);
    await form.getByRole('button', { name: 'Test' }).click();
    await result.filter({ hasText: 'Connected to Immich 3.1.0' }).waitFor({ timeout: 20_000 });
    expect(await result.innerText()).toMatch(/The API key is accepted/);

    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor({ timeout: 20_000 });
    expect(await key.inputValue()).toBe('');
    expect(await key.getAttribute('placeholder')).toMatch(/A key is stored/);
    await page.getByRole('status', { name: 'Immich connection' }).filter({ hasText: 'Connected.' }).waitFor();
    expect(await page.locator('dl[aria-label="Upload totals"]').innerText()).toMatch(/Uploaded\s*0/);
    // Stored by the engine (not just in the form), and the page holds no copy of the key.
    expect(await api.call('immich.settings.get', {})).toEqual({ serverUrl: double.url, hasApiKey: true });
    expect(await page.content()).not.toContain(KEY);
    await page.getByRole('region', { name: 'Immich' }).screenshot({ path: path.join(SCREENSHOTS, 'settings-immich.png') });
  }, 90_000);

  it('lists the bundled models with their licences, verifies one, and shows home and licence before a download', async () => {
    const bundled = page.getByRole('list', { name: 'Bundled models' });
    await bundled.getByRole('listitem').first().waitFor();
    expect(await bundled.getByRole('listitem').evaluateAll((items) => items.map((li) => li.getAttribute('aria-label')))).toEqual(['blazeface-back-256', 'isnet-small', 'nanodet-m-416']);
    const face = bundled.getByRole('listitem', { name: 'blazeface-back-256' });
    expect(await face.innerText()).toMatch(/Face detection · 603 kB · licence Apache-2.0 · from npm jp\.keijiro\.mediapipe\.blazeface@1\.2\.0/);
    expect(await face.getByRole('link', { name: 'Apache-2.0' }).getAttribute('href')).toBe('https://spdx.org/licenses/Apache-2.0.html');
    expect(await bundled.getByRole('listitem', { name: 'isnet-small' }).getByRole('link', { name: 'MIT' }).count()).toBe(1);
    for (const id of ['blazeface-back-256', 'isnet-small', 'nanodet-m-416']) expect(await bundled.getByRole('listitem', { name: id }).locator('.model-state').innerText()).toBe('Bundled');

    await face.getByRole('button', { name: 'Verify' }).click();
    await face.getByText('bundled and intact (SHA-256 checked)').waitFor({ timeout: 20_000 });
    expect(await face.locator('.model-state').innerText()).toBe('Verified');

    const clip = page.getByRole('list', { name: 'Downloadable models' }).getByRole('listitem', { name: 'clip-vit-b32' });
    expect(await clip.locator('.model-state').innerText()).toBe('Not installed');
    expect(await clip.getByRole('link', { name: 'https://huggingface.co/Xenova/clip-vit-base-patch32' }).count()).toBe(1);
    await clip.getByRole('button', { name: 'Download…' }).click();
    const confirm = clip.getByRole('group', { name: 'Download clip-vit-b32' });
    expect(await confirm.innerText()).toMatch(/from https:\/\/huggingface\.co\/Xenova\/clip-vit-base-patch32\. It is licensed MIT/);
    await page.getByRole('region', { name: 'Models' }).screenshot({ path: path.join(SCREENSHOTS, 'settings-models.png') });
    // No network here: the test stops before a byte would be fetched.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
  }, 60_000);

  it('changes a worker count, which the engine keeps and applies', async () => {
    const before = await api.call('performance.get', {});
    expect(before.workers.derive).toBe(Math.min(2, before.cores));
    const previews = page.getByRole('combobox', { name: /^Previews/ });
    await previews.selectOption('1');
    await expect.poll(async () => (await api.call('performance.get', {})).workers.derive).toBe(1);
    expect(await previews.inputValue()).toBe('1');
    await page.getByRole('region', { name: 'Performance' }).screenshot({ path: path.join(SCREENSHOTS, 'settings-performance.png') });
  }, 30_000);

  it('says photos leave the machine before remote captions are turned on', async () => {
    const form = page.getByRole('form', { name: 'Remote captions' });
    expect(await form.getByRole('checkbox', { name: 'Use a remote caption service' }).isChecked()).toBe(false);
    expect(await form.getByRole('note').count()).toBe(0);
    await form.getByRole('checkbox', { name: 'Use a remote caption service' }).check();
    expect(await form.getByRole('note').innerText()).toMatch(/Your photos leave this machine/);
    // The page scrolls inside its own panel: a tall window shows every card in one picture.
    await page.setViewportSize({ width: 1280, height: 3000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-page.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
    await form.getByRole('checkbox', { name: 'Use a remote caption service' }).uncheck();
    expect((await api.call('analysis.remoteVision.get', {})).enabled).toBe(false);
  }, 30_000);

  it('uploads a dropped photo and shows its Immich asset ids in the loupe', async () => {
    const [folder] = await api.call('folders.list', {});
    await api.call('folders.uploadSettings.set', { folderId: folder!.id, what: 'original' });
    const name = `settings-${path.basename(jpeg)}`;
    await copyFile(corpusPath(jpeg), path.join(watch, name));
    // The totals on the Immich card are live (upload.totals events).
    const totals = page.locator('dl[aria-label="Upload totals"]');
    await expect.poll(() => totals.innerText(), { timeout: 120_000, interval: 500 }).toMatch(/Uploaded\s*1/);
    expect(double.state.assets).toHaveLength(1);
    const asset = double.state.assets[0]!;
    expect(asset.originalFileName).toBe(name);

    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Library' }).click();
    const grid = page.getByRole('grid', { name: 'Photos' });
    await grid.getByRole('gridcell', { name }).waitFor({ timeout: 30_000 });
    await grid.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    const info = page.getByRole('dialog', { name: /^Loupe: / }).getByRole('region', { name: 'Immich upload' });
    await info.getByText('Uploaded to Immich').waitFor({ timeout: 20_000 });
    expect(await info.innerText()).toContain(asset.id);
    await page.getByText('Making the edited preview…').waitFor({ state: 'detached', timeout: 30_000 }).catch(() => {});
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-loupe-upload.png') });
  }, 180_000);

  it('shows the server offline with the next try, then paused on a refused key until Resume', async () => {
    await page.keyboard.press('Escape');
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
    const connection = page.getByRole('status', { name: 'Immich connection' });
    const totals = page.locator('dl[aria-label="Upload totals"]');
    const [second, third] = pickJpegs(3).slice(1).map((p) => ({ from: corpusPath(p), name: `settings-${path.basename(p)}` }));

    // Down long enough that the upload's first try and the first probes fail.
    const down = double.faults.downFor(8_000);
    await copyFile(second!.from, path.join(watch, second!.name));
    await connection.filter({ hasText: /Offline: the server does not answer\. Lightbox asks again at \d/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('region', { name: 'Immich' }).screenshot({ path: path.join(SCREENSHOTS, 'settings-immich-offline.png') });
    await down;
    await connection.filter({ hasText: 'Connected.' }).waitFor({ timeout: 60_000 });
    await expect.poll(() => totals.innerText(), { timeout: 60_000, interval: 500 }).toMatch(/Uploaded\s*2/);

    // The key is revoked on the server: uploads pause and say what to do.
    double.setApiKeys(['a-different-key']);
    await copyFile(third!.from, path.join(watch, third!.name));
    await connection.filter({ hasText: 'Immich refused the API key' }).waitFor({ timeout: 60_000 });
    await page.getByRole('region', { name: 'Immich' }).screenshot({ path: path.join(SCREENSHOTS, 'settings-immich-paused.png') });
    double.setApiKeys([KEY]);
    await connection.getByRole('button', { name: 'Resume uploads' }).click();
    await connection.filter({ hasText: 'Connected.' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => totals.innerText(), { timeout: 60_000, interval: 500 }).toMatch(/Uploaded\s*3/);
    expect(double.state.assets.map((a) => a.originalFileName).sort()).toEqual([second!.name, third!.name, `settings-${path.basename(jpeg)}`].sort());
  }, 240_000);
});
