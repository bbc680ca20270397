import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { connectApi, type ApiClient } from './api-client.ts';
import { SCREENSHOTS, assertPrerequisites, launchChromium, startServer, stopServer, type RunningServer } from './headless-server.ts';

export type SessionPaths = { dir: string; watch: string; library: string };

/** What every UI test runs against: a temp library, one watched folder, `lightbox serve` on them, Chromium. */
export type UiSession = SessionPaths & {
  server: RunningServer;
  browser: Browser;
  context: BrowserContext;
  /** A tab whose page errors and console errors reach the test output, so a broken UI says why. */
  newPage(): Promise<Page>;
  /** The engine's API over the server's WebSocket, for checking what the UI did; closed with the session. */
  connectApi(): Promise<ApiClient>;
  close(): Promise<void>;
};

/**
 * Starts a session in a fresh temp folder. `prepare` runs before the server starts, for a test that
 * needs the library or the watched folder in a particular state from the first moment.
 */
export async function openUiSession(prefix: string, options: { viewport?: { width: number; height: number }; prepare?: (paths: SessionPaths) => Promise<void> } = {}): Promise<UiSession> {
  assertPrerequisites();
  const dir = await mkdtemp(path.join(os.tmpdir(), `lightbox-${prefix}-`));
  const paths = { dir, watch: path.join(dir, 'watch'), library: path.join(dir, 'library') };
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const clients: ApiClient[] = [];
  const close = async () => {
    for (const client of clients) client.close();
    await browser?.close();
    if (server) await stopServer(server.child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await mkdir(paths.watch);
    await mkdir(SCREENSHOTS, { recursive: true });
    await options.prepare?.(paths);
    server = await startServer(paths.library, [paths.watch]);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
    const newPage = async () => {
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error('[page error]', error));
      page.on('console', (message) => message.type() === 'error' && console.error('[page console]', message.text()));
      return page;
    };
    const url = server.url;
    const api = async () => {
      const client = await connectApi(url);
      clients.push(client);
      return client;
    };
    return { ...paths, server, browser, context, newPage, connectApi: api, close };
  } catch (error) {
    await close();
    throw error;
  }
}
