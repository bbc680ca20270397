// A .cts file on purpose: sandboxed preloads cannot be ES modules, so this one compiles to CommonJS
// (and `require` is the only import form verbatimModuleSyntax allows in a CommonJS file).
import type { IpcRendererEvent } from 'electron';
import type { CommandName, EventName, Unsubscribe } from '../contract/index.ts';

const { contextBridge, ipcRenderer, webUtils } = require('electron') as typeof import('electron');

// The same names as ipc-transport.ts; a sandboxed preload may not import our modules.
const CALL_CHANNEL = 'lightbox:call';
const EVENT_CHANNEL = 'lightbox:event';
const DROP_CHANNEL = 'lightbox:drop';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
const dropListeners = new Set<Listener>();

ipcRenderer.on(EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

// The shell's tsconfig has no DOM library (it is mostly main-process code): just the parts used here.
type DragLike = {
  defaultPrevented: boolean;
  preventDefault(): void;
  dataTransfer: { files: ArrayLike<File>; types: readonly string[] } | null;
};
const page = globalThis as unknown as { addEventListener(type: 'dragover' | 'drop', listener: (event: DragLike) => void): void };

/**
 * Drops of files/folders anywhere on the window, unless the page handled the drop itself
 * (preventDefault). Only paths cross to main, read here because the page cannot: the File
 * objects' paths are visible to preloads alone (webUtils.getPathForFile).
 */
page.addEventListener('dragover', (event) => {
  if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
});
page.addEventListener('drop', (event) => {
  if (event.defaultPrevented || !event.dataTransfer) return;
  event.preventDefault();
  const paths = Array.from(event.dataTransfer.files, (file) => webUtils.getPathForFile(file)).filter((p) => p !== '');
  if (paths.length === 0) return;
  ipcRenderer.invoke(DROP_CHANNEL, paths).then(
    (outcome: unknown) => {
      for (const listener of dropListeners) listener(outcome);
    },
    (error: unknown) => console.error('[lightbox] the drop was not delivered', error),
  );
});

/**
 * The whole bridge. `call` resolves to the dispatcher's outcome ({type:'result'|'error'}) rather
 * than throwing, because an Error crossing contextBridge loses its `code`; the renderer validates
 * the outcome and rebuilds the ApiError itself. `onDrop` tells the page what a drop did (the shell's
 * DropOutcome: folders, copied files, problems, a summary sentence) so it can show it.
 */
const bridge = {
  call(method: CommandName, input: unknown): Promise<unknown> {
    return ipcRenderer.invoke(CALL_CHANNEL, method, input);
  },
  on(event: EventName, listener: Listener): Unsubscribe {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  },
  onDrop(listener: Listener): Unsubscribe {
    dropListeners.add(listener);
    return () => {
      dropListeners.delete(listener);
    };
  },
  mediaBase: 'lightbox-media://media',
};

export type LightboxBridge = typeof bridge;

contextBridge.exposeInMainWorld('lightbox', bridge);
