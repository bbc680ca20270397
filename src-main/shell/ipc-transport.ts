import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { Api } from '../contract/index.ts';
import { defaultDispatchLog, dispatch, forwardEvents, type DispatchLog, type DispatchOutcome } from '../engine/api/dispatch.ts';

/** The preload repeats these two names (it may import nothing but electron and contract types). */
export const CALL_CHANNEL = 'lightbox:call';
export const EVENT_CHANNEL = 'lightbox:event';
export const DROP_CHANNEL = 'lightbox:drop';

/**
 * Serves the contract Api to our own page over IPC, with exactly the validation of the WebSocket
 * transport (engine/api/dispatch.ts). Returns a function that stops serving.
 */
export function serveApiOverIpc(opts: { api: Api; window: BrowserWindow; pageUrl: string; log?: DispatchLog }): () => void {
  const log = opts.log ?? defaultDispatchLog;
  const contents = opts.window.webContents;

  ipcMain.handle(CALL_CHANNEL, async (event, method: unknown, input: unknown): Promise<DispatchOutcome> => {
    if (!isOurPage(event, opts.window, opts.pageUrl)) {
      log(`refused an IPC call from ${event.senderFrame?.url ?? 'an unknown frame'}`);
      return { type: 'error', error: { code: 'bad-request', message: 'This page may not call Lightbox.' } };
    }
    return dispatch(opts.api, method, input, log);
  });

  const unsubscribe = forwardEvents(
    opts.api,
    (event, payload) => {
      if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, event, payload);
    },
    log,
  );

  return () => {
    ipcMain.removeHandler(CALL_CHANNEL);
    unsubscribe();
  };
}

/** Only the top frame of our window, showing our built index.html, may call the engine. */
export function isOurPage(event: IpcMainInvokeEvent, window: BrowserWindow, pageUrl: string): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null || event.sender !== window.webContents) return false;
  try {
    const url = new URL(frame.url);
    url.search = '';
    url.hash = '';
    return url.href === new URL(pageUrl).href;
  } catch {
    return false;
  }
}
