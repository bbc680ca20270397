import { Menu, nativeImage, Tray, type BrowserWindow } from 'electron';
import type { Api, ImmichStatus, QueueStats, Unsubscribe } from '../contract/index.ts';
import { throttleLatest } from './throttle.ts';
import { trayStatus } from './tray-status.ts';

/** queue.stats can fire per job; the tray changes at most this often. */
const TRAY_UPDATE_MS = 1000;

/**
 * A tray icon whose tooltip, menu (and macOS title) say what the queue is doing. Returns a function
 * that removes it. Where the desktop has no tray (some Linux desktops), Electron still accepts
 * the calls; nothing else depends on the tray.
 */
export async function installTray(opts: { api: Api; iconPath: string; getWindow: () => BrowserWindow | null }): Promise<Unsubscribe> {
  const icon = nativeImage.createFromPath(opts.iconPath).resize({ width: 16, height: 16 });
  const tray = new Tray(icon);
  let stats: QueueStats = { kinds: {}, idle: true };
  let immich: ImmichStatus | null = null;

  const render = (): void => {
    if (tray.isDestroyed()) return;
    const status = trayStatus(stats, immich);
    tray.setToolTip(status.tooltip);
    if (process.platform === 'darwin') tray.setTitle(status.state === 'idle' ? '' : status.label);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: status.label, enabled: false },
        { type: 'separator' },
        { label: 'Show Lightbox', click: () => focus(opts.getWindow()) },
        { role: 'quit' },
      ]),
    );
  };
  const update = throttleLatest(render, TRAY_UPDATE_MS);
  tray.on('click', () => focus(opts.getWindow()));

  const unsubscribes = [
    opts.api.on('queue.stats', (next) => update.push((stats = next))),
    opts.api.on('immich.status', (next) => update.push((immich = next))),
  ];
  // Show the real state at once instead of "idle" until the first event.
  try {
    stats = await opts.api.call('queue.stats', {});
    immich = await opts.api.call('immich.status', {});
  } catch (error) {
    console.error('[lightbox] the tray could not read the queue state yet:', error);
  }
  render();

  return () => {
    update.cancel();
    for (const unsubscribe of unsubscribes) unsubscribe();
    if (!tray.isDestroyed()) tray.destroy();
  };
}

function focus(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
