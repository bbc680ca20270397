import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus, projectRoot, readManifest } from '../test-support/corpus.ts';

const CHROMIUM = '/usr/bin/chromium';
const RENDERER_INDEX = path.join(projectRoot, 'dist/renderer/index.html');
const SCREENSHOTS = path.join(projectRoot, 'e2e/screenshots');
const NODE = path.join(projectRoot, 'node_modules/.bin/node');

/** Resolves with the printed link, or rejects with the server's own stderr if it dies or stays silent. */
function startServer(libraryDir: string, watchDir: string): Promise<{ child: ChildProcessWithoutNullStreams; url: string }> {
  const child = spawn(NODE, ['src-main/cli.ts', 'serve', '--library', libraryDir, '--watch', watchDir, '--port', '0'], {
    cwd: projectRoot,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lightbox serve printed no URL within 60 s.\nstdout:\n${stdout}\nstderr:\n${stderr}`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /Lightbox is running at (\S+)/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lightbox serve exited with ${code} before it was ready.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  });
}

async function stopServer(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** A small, well-formed camera JPEG from the corpus: the point here is the UI, not the decoder. */
function pickJpeg(): string {
  const row = readManifest().find((r) => r.format === 'JPEG' && r.path.startsWith('jpeg/camera/') && r.vipsHeader === 'ok' && r.bytes < 1_000_000 && !r.notes);
  if (!row) throw new Error('The corpus has no small, valid camera JPEG under jpeg/camera/.');
  return row.path;
}

describe.skipIf(!hasCorpus)('headless UI over the real server', () => {
  let dir: string;
  let server: { child: ChildProcessWithoutNullStreams; url: string } | undefined;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(RENDERER_INDEX)) throw new Error(`${RENDERER_INDEX} is missing: run \`npm run build:renderer\` before the e2e tests.`);
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\`.`);
    dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-e2e-'));
    await mkdir(path.join(dir, 'watch'));
    await mkdir(SCREENSHOTS, { recursive: true });
    server = await startServer(path.join(dir, 'library'), path.join(dir, 'watch'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => console.error('[page error]', error));
    page.on('console', (message) => {
      if (message.type() === 'error') console.error('[page console]', message.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await stopServer(server.child);
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('shows the empty state, then a live thumbnail for a photo dropped into the watched folder', async () => {
    if (!server) throw new Error('server did not start');
    await page.goto(server.url);
    // The token in the link was traded for a cookie: the address bar no longer shows it.
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);

    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 20_000 });
    await page.getByRole('heading', { name: 'No photos yet' }).waitFor({ timeout: 20_000 });
    expect(await page.getByText('Drop photos into a watched folder').count()).toBe(1);
    expect(await page.getByRole('listitem').filter({ has: page.locator('.folder-path') }).count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'grid-empty.png') });

    const source = pickJpeg();
    const fileName = `e2e-${path.basename(source)}`;
    await copyFile(corpusPath(source), path.join(dir, 'watch', fileName));

    const tile = page.getByRole('listitem', { name: fileName });
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
    if (!server) throw new Error('server did not start');
    const origin = new URL(server.url).origin;
    for (const target of [`${origin}/`, `${origin}/media/thumb/1`]) {
      const response = await fetch(target, { redirect: 'manual' });
      expect(response.status, target).toBe(401);
      expect(await response.text()).toContain('lightbox serve');
    }
  });
});
