import { dialog, ipcMain, type BrowserWindow } from 'electron';
import type { Api, Unsubscribe } from '../contract/index.ts';
import { acceptDrop, DropRequest, type DropOutcome } from './drop-paths.ts';
import { DROP_CHANNEL, isOurPage } from './ipc-transport.ts';

/**
 * Files and folders dropped on the window arrive here as paths from the preload. Everything is
 * checked again in main (sender, shape, existence): a compromised page could call the channel
 * with anything. Problems are shown as a native dialog, so a drop never fails silently even if
 * the page shows nothing.
 */
export function serveDrops(opts: { api: Api; window: BrowserWindow; pageUrl: string }): Unsubscribe {
  ipcMain.handle(DROP_CHANNEL, async (event, paths: unknown): Promise<DropOutcome> => {
    if (!isOurPage(event, opts.window, opts.pageUrl)) {
      console.error(`[lightbox] refused a drop from ${event.senderFrame?.url ?? 'an unknown frame'}`);
      return refused('This page may not add files to Lightbox.');
    }
    const parsed = DropRequest.safeParse(paths);
    if (!parsed.success) return refused(`Lightbox could not read what was dropped: ${parsed.error.issues[0]?.message ?? 'not a list of paths'}.`);
    const outcome = await acceptDrop(opts.api, parsed.data);
    if (outcome.problems.length > 0 && !opts.window.isDestroyed()) {
      void dialog.showMessageBox(opts.window, { type: 'warning', message: 'Not everything you dropped was added', detail: outcome.summary, buttons: ['OK'] });
    }
    return outcome;
  });
  return () => ipcMain.removeHandler(DROP_CHANNEL);
}

function refused(message: string): DropOutcome {
  return { folders: [], copied: [], target: null, problems: [{ path: '', code: 'bad-request', message }], summary: message };
}
