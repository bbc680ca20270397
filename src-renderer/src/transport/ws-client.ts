import { ApiError, HTTP_MEDIA_BASE, WireMessage, isCommandName, type CommandName, type Unsubscribe } from '../contract.ts';
import { Listeners } from './listeners.ts';
import type { ConnectionState, Transport } from './transport.ts';
import { parseEvent, parseOutput, toApiError } from './validate.ts';

export type Backoff = { initialMs: number; maxMs: number };
const DEFAULT_BACKOFF: Backoff = { initialMs: 250, maxMs: 10_000 };

type Pending = { method: CommandName; message: string; sent: boolean; resolve(value: unknown): void; reject(error: ApiError): void };

/**
 * The contract Api over a WebSocket to the headless server (same origin: the session cookie goes
 * along). Calls made while disconnected wait for the next connection; calls in flight when it
 * drops fail, because we cannot know whether the engine ran them.
 */
export function createWsClient(url: string, backoff: Backoff = DEFAULT_BACKOFF): Transport {
  const listeners = new Listeners();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  const pending = new Map<number, Pending>();
  let state: ConnectionState = 'connecting';
  let socket: WebSocket | null = null;
  let nextId = 1;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(state);
  };

  const flush = () => {
    for (const entry of pending.values()) {
      if (!entry.sent && socket?.readyState === WebSocket.OPEN) {
        socket.send(entry.message);
        entry.sent = true;
      }
    }
  };

  const onMessage = (event: MessageEvent) => {
    let json: unknown;
    try {
      json = JSON.parse(String(event.data));
    } catch {
      console.error('[lightbox] ignored a message that is not JSON');
      return;
    }
    const parsed = WireMessage.safeParse(json);
    if (!parsed.success) {
      console.error('[lightbox] ignored a message that is not a WireMessage', parsed.error);
      return;
    }
    const message = parsed.data;
    if (message.type === 'event') {
      const valid = parseEvent(message.event, message.payload);
      if (valid) listeners.emit(valid.name, valid.payload);
      return;
    }
    const entry = pending.get(message.id);
    if (!entry) return;
    pending.delete(message.id);
    if (message.type === 'error') {
      entry.reject(toApiError(message.error));
      return;
    }
    try {
      entry.resolve(parseOutput(entry.method, message.output));
    } catch (error) {
      entry.reject(error instanceof ApiError ? error : toApiError(null));
    }
  };

  const connect = () => {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      setState('open');
      flush();
    };
    ws.onmessage = onMessage;
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      for (const [id, entry] of pending) {
        if (!entry.sent) continue;
        pending.delete(id);
        entry.reject(new ApiError('internal', 'The connection to Lightbox was lost before it answered. Try again.'));
      }
      if (closed) return;
      setState('reconnecting');
      // Exponential backoff with jitter, so many tabs do not hammer a restarting server in step.
      const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempt) * (0.5 + Math.random() / 2);
      attempt += 1;
      retryTimer = setTimeout(connect, delay);
    };
  };
  connect();

  return {
    kind: 'websocket',
    mediaBase: HTTP_MEDIA_BASE,
    call(name, input) {
      if (!isCommandName(name)) return Promise.reject(new ApiError('bad-request', `Unknown command ${String(name)}.`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { method: name, message: JSON.stringify({ id, method: name, input }), sent: false, resolve: resolve as (value: unknown) => void, reject });
        flush();
      });
    },
    on(event, listener): Unsubscribe {
      return listeners.add(event, listener as (payload: never) => void);
    },
    state: () => state,
    onState(listener) {
      stateListeners.add(listener);
      return () => {
        stateListeners.delete(listener);
      };
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      socket?.close();
    },
  };
}
