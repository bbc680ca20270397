import type { Api, Unsubscribe } from '../contract.ts';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

/** The contract Api plus what the UI needs to know about the pipe under it. */
export interface Transport extends Api {
  readonly kind: 'electron' | 'websocket';
  /** Prefix for `mediaUrl()`: `lightbox-media://media` in Electron, `/media` over HTTP. */
  readonly mediaBase: string;
  state(): ConnectionState;
  /** Called on every change; `open` after a reconnect means the UI must re-fetch its state. */
  onState(listener: (state: ConnectionState) => void): Unsubscribe;
  close(): void;
}
