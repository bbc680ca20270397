import { ApiError, isCommandName, type Unsubscribe } from '../contract.ts';
import type { Transport } from './transport.ts';
import { parseEvent, parseOutput, toApiError } from './validate.ts';

/** What the Electron preload puts on `window.lightbox` (the shell's preload.cts). */
export type LightboxBridge = {
  call(method: string, input: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): Unsubscribe;
  mediaBase: string;
};

export function isBridge(value: unknown): value is LightboxBridge {
  if (typeof value !== 'object' || value === null) return false;
  const bridge = value as Record<string, unknown>;
  return typeof bridge.call === 'function' && typeof bridge.on === 'function' && typeof bridge.mediaBase === 'string';
}

/** The preload answers with the dispatcher's outcome; this turns it back into a value or an ApiError. */
export function createBridgeClient(bridge: LightboxBridge): Transport {
  return {
    kind: 'electron',
    mediaBase: bridge.mediaBase,
    async call(name, input) {
      if (!isCommandName(name)) throw new ApiError('bad-request', `Unknown command ${String(name)}.`);
      const outcome = (await bridge.call(name, input)) as { type?: unknown; output?: unknown; error?: unknown } | null;
      if (outcome?.type === 'result') return parseOutput(name, outcome.output) as never;
      throw toApiError(outcome?.type === 'error' ? outcome.error : null);
    },
    on(event, listener) {
      return bridge.on(event, (payload) => {
        const valid = parseEvent(event, payload);
        if (valid) (listener as (payload: unknown) => void)(valid.payload);
      });
    },
    // IPC to our own main process does not drop; the window dies with it.
    state: () => 'open',
    onState: () => () => {},
    close() {},
  };
}
