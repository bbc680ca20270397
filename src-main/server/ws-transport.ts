import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { WireRequest, type Api, type WireMessage } from '../contract/index.ts';
import { dispatch, forwardEvents, type DispatchLog } from '../engine/api/dispatch.ts';

/** A client that cannot keep up with events is dropped; it reconnects and re-fetches its state. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;

export type WsTransport = { wss: WebSocketServer; close(): void };

/**
 * Serves the contract Api to every WebSocket that `wss` accepts. Authentication and Origin checks
 * happen before the upgrade (http-server.ts); here every connection is already trusted.
 */
export function createWsTransport(api: Api, log: DispatchLog): WsTransport {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const alive = new WeakSet<WebSocket>();

  wss.on('connection', (ws) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));

    const send = (message: WireMessage) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        log('a WebSocket client fell too far behind and was disconnected');
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify(message));
    };

    const unsubscribe = forwardEvents(api, (event, payload) => send({ type: 'event', event, payload }), log);
    ws.on('close', unsubscribe);
    ws.on('error', (error) => log('WebSocket error', error));

    ws.on('message', async (data: RawData, isBinary: boolean) => {
      const request = isBinary ? null : parseRequest(data);
      if (!request) {
        // Without a request id there is nobody to answer: the client speaks another protocol.
        ws.close(1008, 'Expected a JSON WireRequest');
        return;
      }
      const outcome = await dispatch(api, request.method, request.input, log);
      send({ ...outcome, id: request.id });
    });
  });

  // Half-open TCP connections (a laptop that slept) never send 'close': ping them out.
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    wss,
    close() {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function parseRequest(data: RawData): ParsedRequest | null {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(toBuffers(data)).toString('utf8'));
  } catch {
    return null;
  }
  const parsed = WireRequest.safeParse(json);
  return parsed.success ? parsed.data : null;
}

function toBuffers(data: ArrayBuffer | Buffer[]): Buffer[] {
  return Array.isArray(data) ? data : [Buffer.from(data)];
}

type ParsedRequest = ReturnType<typeof WireRequest.parse>;
