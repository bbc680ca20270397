import { app, BrowserWindow, safeStorage, session } from 'electron';
// First of our modules: it points the engine at the unpacked model weights before the engine loads.
import './packaged-paths.ts';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createEngine, type Sealer } from '../engine/engine.ts';
import type { Engine } from '../engine/engine-types.ts';
import { installAppMenu } from './app-menu.ts';
import { serveDrops } from './drop-ipc.ts';
import { serveApiOverIpc } from './ipc-transport.ts';
import { registerMediaScheme, serveMediaProtocol } from './media-protocol.ts';
import { hardenAllWebContents, hardenSession } from './security.ts';
import { notifyFinishedBatches } from './notifications.ts';
import { installTray } from './tray.ts';
import { loadWindowState, rememberWindowState } from './window-state.ts';

// The preload is compiled beside this file; the UI is Vite's build under the app root (also inside an asar).
const PRELOAD = path.join(import.meta.dirname, 'preload.cjs');
const RENDERER_INDEX = path.join(app.getAppPath(), 'dist', 'renderer', 'index.html');
const PAGE_URL = pathToFileURL(RENDERER_INDEX).href;
const TRAY_ICON = path.join(app.getAppPath(), 'resources', 'icons', 'icon.png');

// Every renderer sandboxed, whatever a future window's options say.
app.enableSandbox();
registerMediaScheme();
hardenAllWebContents();

function libraryDir(): string {
  return process.env.LIGHTBOX_LIBRARY ?? path.join(app.getPath('pictures'), 'Lightbox');
}

async function createWindow(): Promise<BrowserWindow> {
  const stateFile = path.join(app.getPath('userData'), 'window-state.json');
  const state = await loadWindowState(stateFile);
  const win = new BrowserWindow({
    width: state.width,
    height: state.height,
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'Lightbox',
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      // A middle click on a link would open a new window without going through will-navigate.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (state.maximized) win.maximize();
  rememberWindowState(win, stateFile);
  win.once('ready-to-show', () => win.show());
  return win;
}

const osSealer: Sealer = {
  seal: (plain) => safeStorage.encryptString(plain).toString('base64'),
  unseal: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
};

async function main(): Promise<void> {
  // One engine per library: a second instance would open the same SQLite file and double-ingest.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  hardenSession(session.defaultSession);

  const library = libraryDir();
  const engine: Engine = await createEngine({
    libraryDir: library,
    mode: 'electron',
    // A source checkout (`npm start`) fetches missing weights with npm; a packaged app ships them.
    fetchModels: app.isPackaged ? 'packaged' : 'at-start',
    // Immich keys sealed by the OS keychain where it has one; model downloads in the user's data
    // folder (the app's own folder is read-only once packaged).
    immich: safeStorage.isEncryptionAvailable() ? { sealer: osSealer } : {},
    tuning: { models: { installRoot: path.join(app.getPath('userData'), 'models') } },
  });
  serveMediaProtocol((kind, id) => engine.resolveMedia(kind, id));
  await engine.start();

  const win = await createWindow();
  const stopIpc = serveApiOverIpc({ api: engine.api, window: win, pageUrl: PAGE_URL });
  const stopDrops = serveDrops({ api: engine.api, window: win, pageUrl: PAGE_URL });
  const getWindow = () => (win.isDestroyed() ? null : win);
  installAppMenu({ api: engine.api, window: getWindow, libraryDir: library });
  const stopNotifications = notifyFinishedBatches({ api: engine.api, getWindow });
  const removeTray = await installTray({ api: engine.api, iconPath: TRAY_ICON, getWindow });
  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  await win.loadFile(RENDERER_INDEX);

  let closing = false;
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (event) => {
    if (closing) return;
    // Let running jobs release their leases and SQLite close cleanly before the process exits.
    event.preventDefault();
    closing = true;
    stopIpc();
    stopDrops();
    stopNotifications();
    removeTray();
    engine
      .close()
      .catch((error: unknown) => console.error('[lightbox] engine did not close cleanly:', error))
      .finally(() => app.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error('[lightbox] could not start:', error);
  app.exit(1);
});
