import WebSocket from 'ws';
import { WireMessage, type CommandInput, type CommandName, type CommandOutput } from '../src-main/contract/index.ts';

export type ApiClient = {
  call<K extends CommandName>(method: K, input: CommandInput<K>): Promise<CommandOutput<K>>;
  close(): void;
};

/**
 * A second client of the running server, for the test's own checks (what the engine stored), over
 * the same WebSocket API the page uses: the link's token, and an Origin naming the server itself.
 */
export async function connectApi(serverUrl: string): Promise<ApiClient> {
  const link = new URL(serverUrl);
  const ws = new WebSocket(`ws://${link.host}/api?token=${link.searchParams.get('token') ?? ''}`, { origin: `http://${link.host}` });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  ws.on('message', (data: Buffer) => {
    const message = WireMessage.parse(JSON.parse(data.toString()));
    if (message.type === 'event') return;
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.type === 'result') waiter?.resolve(message.output);
    else waiter?.reject(new Error(`${message.error.code}: ${message.error.message}`));
  });
  return {
    call: (method, input) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        ws.send(JSON.stringify({ id, method, input }));
      }),
    close: () => ws.close(),
  };
}
