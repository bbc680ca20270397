// A .cts file on purpose: sandboxed preloads cannot be ES modules, so this one compiles to CommonJS
// (and `require` is the only import form verbatimModuleSyntax allows in a CommonJS file).
import type { IpcRendererEvent } from 'electron';
import type { CommandName, EventName, Unsubscribe } from '../contract/index.ts';

const { contextBridge, ipcRenderer } = require('electron') as typeof import('electron');

// The same names as ipc-transport.ts; a sandboxed preload may not import our modules.
const CALL_CHANNEL = 'lightbox:call';
const EVENT_CHANNEL = 'lightbox:event';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();

ipcRenderer.on(EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

/**
 * The whole bridge. `call` resolves to the dispatcher's outcome ({type:'result'|'error'}) rather
 * than throwing, because an Error crossing contextBridge loses its `code`; the renderer validates
 * the outcome and rebuilds the ApiError itself.
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
  mediaBase: 'lightbox-media://media',
};

export type LightboxBridge = typeof bridge;

contextBridge.exposeInMainWorld('lightbox', bridge);
