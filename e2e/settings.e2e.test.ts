import { createHash, randomBytes } from 'node:crypto';
import { copyFile, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../test-support/corpus.ts';
import type { ApiClient } from './api-client.ts';
import { SCREENSHOTS, pickJpegs } from './headless-server.ts';
import { modelsFolder } from './models-folder.ts';
import { openUiSession, type UiSession } from './ui-session.ts';
import { startImmichDouble, type ImmichDouble } from './immich-double/index.ts';

const KEY = 'settings-e2e-key-0123456789';
const HEAD = randomBytes(3 * 1024 * 1024);

/** A model's home on loopback that sends slowly (64 KiB every 50 ms), so the progress bar can be seen moving. */
async function startModelHome(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url !== '/head.onnx') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': HEAD.length, 'content-type': 'application/octet-stream' });
    let at = 0;
    const timer = setInterval(() => {
      res.write(HEAD.subarray(at, at + 65_536));
      at += 65_536;
      if (at >= HEAD.length) {
        clearInterval(timer);
        res.end();
      }
    }, 50);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The stand-in aesthetic head, served by the slow loopback home above. */
function headDownload(home: string) {
  return {
    id: 'test-aesthetic-head',
    version: '1',
    task: 'aesthetic',
    title: 'Stand-in aesthetic head',
    licence: 'MIT',
    licenceUrl: 'https://spdx.org/licenses/MIT.html',
    home: `${home}/`,
    files: [{ name: 'head.onnx', url: `${home}/head.onnx`, bytes: HEAD.length, sha256: createHash('sha256').update(HEAD).digest('hex') }],
  };
}

describe.skipIf(!hasCorpus)('settings page: Immich, models, captions, performance (headless server, Chromium)', () => {
  let dir: string;
  let watch: string;
  let double: ImmichDouble;
  let session: UiSession | undefined;
  let api: ApiClient;
  let page: Page;
  let modelHome: { server: Server; url: string } | undefined;
  const jpeg = hasCorpus ? pickJpegs(1)[0]! : '';

  beforeAll(async () => {
    double = await startImmichDouble({ apiKeys: [KEY] });
    modelHome = await startModelHome();
    session = await openUiSession('settings', {
      viewport: { width: 1280, height: 900 },
      // The server inherits this process's environment (headless-server.ts); this file runs in its own fork.
      prepare: async (paths) => {
        ({ dir, watch } = paths);
        process.env.LIGHTBOX_MODELS_DIR = await modelsFolder(dir, [headDownload(modelHome!.url)]);
      },
    });
    api = await session.connectApi();
    page = await session.newPage();
    await page.goto(session.server.url);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    await double?.close();
    if (modelHome) await new Promise((resolve) => modelHome!.server.close(resolve));
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
    expect(await bundled.getByRole('listitem').evaluateAll((items) => items.map((li) => li.getAttribute('aria-label')))).toEqual(['blazeface-back-256', 'isnet-small', 'nanodet-m-416', 'nsfwjs-mobilenet-v2-mid']);
    const face = bundled.getByRole('listitem', { name: 'blazeface-back-256' });
    expect(await face.innerText()).toMatch(/Face detection · 603 kB · licence Apache-2.0 · from npm jp\.keijiro\.mediapipe\.blazeface@1\.2\.0/);
    expect(await face.getByRole('link', { name: 'Apache-2.0' }).getAttribute('href')).toBe('https://spdx.org/licenses/Apache-2.0.html');
    expect(await bundled.getByRole('listitem', { name: 'isnet-small' }).getByRole('link', { name: 'MIT' }).count()).toBe(1);
    for (const id of ['blazeface-back-256', 'isnet-small', 'nanodet-m-416', 'nsfwjs-mobilenet-v2-mid']) expect(await bundled.getByRole('listitem', { name: id }).locator('.model-state').innerText()).toBe('Bundled');

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
    // The real CLIP home is not reachable from here: the test stops before a byte would be fetched.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
  }, 60_000);

  it('downloads a model from its home with a moving progress bar, then verifies it', async () => {
    const head = page.getByRole('list', { name: 'Downloadable models' }).getByRole('listitem', { name: 'test-aesthetic-head' });
    expect(await head.innerText()).toMatch(/Aesthetic score · 3\.1 MB · licence MIT/);
    await head.getByRole('button', { name: 'Download…' }).click();
    await head.getByRole('button', { name: 'Accept licence and download' }).click();
    const bar = head.getByRole('progressbar', { name: 'Download progress' });
    const value = () => bar.evaluate((el) => (el as unknown as { value: number; max: number }).value, undefined, { timeout: 1_000 }).catch(() => -1);
    // Seen part-way: more than nothing, less than everything.
    await expect.poll(value, { timeout: 20_000, interval: 50 }).toBeGreaterThan(0);
    expect(await value()).toBeLessThan(HEAD.length);
    expect(await head.locator('.model-state').innerText()).toBe('Downloading');
    await page.getByRole('region', { name: 'Models' }).screenshot({ path: path.join(SCREENSHOTS, 'settings-models-downloading.png') });
    await head.locator('.model-state').filter({ hasText: 'Installed' }).waitFor({ timeout: 30_000 });
    await head.getByRole('button', { name: 'Verify' }).click();
    await head.getByText('Model test-aesthetic-head is installed and intact.').waitFor({ timeout: 20_000 });
    expect(await head.locator('.model-state').innerText()).toBe('Verified');
    // What landed in the test's models folder is byte for byte what the home sent.
    expect(await readFile(path.join(process.env.LIGHTBOX_MODELS_DIR!, 'weights/test-aesthetic-head/head.onnx'))).toEqual(HEAD);
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

  it('sets the library AI crop aspect (a platform target) and the auto-approve confidence', async () => {
    const card = page.getByRole('region', { name: 'AI crops' });
    const aspect = card.getByRole('combobox', { name: 'Crop to' });
    await expect.poll(() => aspect.inputValue()).toBe('original');
    await aspect.selectOption({ label: 'Header 3:1 (X header)' });
    await card.getByRole('checkbox', { name: 'Approve confident crops without review' }).check();
    await card.getByRole('spinbutton', { name: 'Auto-approve from confidence (percent)' }).fill('75');
    await expect.poll(() => api.call('crop.settings.get', {})).toEqual({ aspect: '3:1', autoApprove: 0.75 });
    await card.screenshot({ path: path.join(SCREENSHOTS, 'settings-crops.png') });
    await card.getByRole('checkbox', { name: 'Approve confident crops without review' }).uncheck();
    await expect.poll(() => api.call('crop.settings.get', {})).toEqual({ aspect: '3:1', autoApprove: null });
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

    // Down until the card has shown the outage: the photo is ingested, analysed and rendered before
    // its upload's first try, and on a busy machine that once took longer than the 8-second outage this test had.
    await double.faults.downFor(600_000);
    await copyFile(second!.from, path.join(watch, second!.name));
    await connection.filter({ hasText: /Offline: the server does not answer\. Lightbox asks again at \d/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('region', { name: 'Immich' }).screenshot({ path: path.join(SCREENSHOTS, 'settings-immich-offline.png') });
    await double.faults.endOutage();
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

  it('sends a photo from a folder that does not upload with "Upload" in the batch bar', async () => {
    const [folder] = await api.call('folders.list', {});
    await api.call('folders.uploadSettings.set', { folderId: folder!.id, what: 'none' });
    const fourth = pickJpegs(4)[3]!;
    const name = `batch-${path.basename(fourth)}`;
    const before = double.state.assets.length;
    await copyFile(corpusPath(fourth), path.join(watch, name));
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Library' }).click();
    const cell = page.getByRole('grid', { name: 'Photos' }).getByRole('gridcell', { name });
    await cell.waitFor({ timeout: 60_000 });
    const photoId = (await api.call('photos.list', { text: 'batch-' })).photos[0]!.id;
    await expect.poll(async () => (await api.call('photos.get', { id: photoId })).stage, { timeout: 120_000 }).not.toMatch(/^(new|analysing|processing)$/);
    expect(double.state.assets).toHaveLength(before);

    await cell.click();
    await page.getByRole('toolbar', { name: 'Batch actions' }).getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('status').filter({ hasText: 'Sending 1 photos to Immich.' }).waitFor({ timeout: 30_000 });
    // Original and processed, stacked: a folder that uploads nothing sends both when asked.
    await expect.poll(() => double.state.assets.length, { timeout: 120_000, interval: 500 }).toBe(before + 2);
    // Stack, album and metadata come after the second file: the record says 'uploaded' once they are done.
    await expect.poll(async () => (await api.call('immich.photoUpload', { photoId }))?.state, { timeout: 30_000 }).toBe('uploaded');
  }, 240_000);
});
