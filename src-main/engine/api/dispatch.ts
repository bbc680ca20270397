import {
  ApiError,
  commands,
  events,
  isCommandName,
  type Api,
  type AppError,
  type CommandName,
  type EventName,
  type Unsubscribe,
} from '../../contract/index.ts';

/**
 * The transport-neutral half of every transport (WebSocket, Electron IPC): validate the input,
 * call the Api, validate the output, map errors. Kept in one place so both transports refuse
 * exactly the same messages and never leak an internal error's text to a client.
 */
export type DispatchOutcome = { type: 'result'; output: unknown } | { type: 'error'; error: AppError };

/** Where a transport reports what it hides from clients (stack traces, bad outputs). */
export type DispatchLog = (message: string, error?: unknown) => void;

export const defaultDispatchLog: DispatchLog = (message, error) => {
  if (error === undefined) console.error(`[lightbox] ${message}`);
  else console.error(`[lightbox] ${message}`, error);
};

const INTERNAL_MESSAGE = 'Lightbox hit an internal error; the details are in its log.';

export async function dispatch(api: Api, method: unknown, input: unknown, log: DispatchLog = defaultDispatchLog): Promise<DispatchOutcome> {
  if (typeof method !== 'string' || !isCommandName(method)) {
    return failure('bad-request', `Unknown command ${JSON.stringify(method)}.`);
  }
  const command = commands[method];
  const parsedInput = command.input.safeParse(input);
  if (!parsedInput.success) return failure('bad-request', `Invalid input for ${method}: ${parsedInput.error.message}`);

  let output: unknown;
  try {
    output = await (api.call as (name: CommandName, input: unknown) => Promise<unknown>)(method, parsedInput.data);
  } catch (error) {
    if (error instanceof ApiError) return { type: 'error', error: error.toJSON() };
    log(`command ${method} failed`, error);
    return failure('internal', INTERNAL_MESSAGE);
  }

  // A wrong output is our bug, not the client's: log it, answer with a generic internal error.
  const parsedOutput = command.output.safeParse(output);
  if (!parsedOutput.success) {
    log(`command ${method} returned output that does not match the contract: ${parsedOutput.error.message}`);
    return failure('internal', INTERNAL_MESSAGE);
  }
  return { type: 'result', output: parsedOutput.data };
}

/**
 * Subscribes once to every contract event and hands each validated payload to `send`. An invalid
 * payload is an engine bug: it is logged and not sent, so clients can trust what arrives.
 */
export function forwardEvents(api: Api, send: (event: EventName, payload: unknown) => void, log: DispatchLog = defaultDispatchLog): Unsubscribe {
  const unsubscribes = (Object.keys(events) as EventName[]).map((name) =>
    api.on(name, (payload) => {
      const parsed = events[name].safeParse(payload);
      if (!parsed.success) {
        log(`event ${name} does not match the contract and was not sent: ${parsed.error.message}`);
        return;
      }
      send(name, parsed.data);
    }),
  );
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}

function failure(code: AppError['code'], message: string): DispatchOutcome {
  return { type: 'error', error: { code, message } };
}
