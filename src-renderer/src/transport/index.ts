import { createBridgeClient, isBridge } from './bridge-client.ts';
import type { Transport } from './transport.ts';
import { createWsClient } from './ws-client.ts';

export type { ConnectionState, Transport } from './transport.ts';

/** Electron's preload bridge when present, else a WebSocket to the server that served this page. */
export function pickTransport(): Transport {
  const bridge: unknown = Reflect.get(window, 'lightbox');
  if (isBridge(bridge)) return createBridgeClient(bridge);
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return createWsClient(`${scheme}//${window.location.host}/api`);
}
