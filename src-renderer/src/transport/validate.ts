import { ApiError, AppError, commands, events, isEventName, type CommandName, type EventName, type EventPayload } from '../contract.ts';

/**
 * The renderer trusts nothing it receives: results and events are parsed with the contract's own
 * schemas, exactly as the engine side validated them before sending.
 */
export function parseOutput(method: CommandName, output: unknown): unknown {
  const parsed = commands[method].output.safeParse(output);
  if (!parsed.success) {
    console.error(`[lightbox] ${method} result does not match the contract`, parsed.error);
    throw new ApiError('internal', 'Lightbox answered with data this window does not understand. Reload the page after updating.');
  }
  return parsed.data;
}

export function parseEvent(name: string, payload: unknown): { name: EventName; payload: EventPayload<EventName> } | null {
  if (!isEventName(name)) return null;
  const parsed = events[name].safeParse(payload);
  if (!parsed.success) {
    console.error(`[lightbox] event ${name} does not match the contract`, parsed.error);
    return null;
  }
  return { name, payload: parsed.data };
}

export function toApiError(error: unknown): ApiError {
  const parsed = AppError.safeParse(error);
  return parsed.success ? new ApiError(parsed.data.code, parsed.data.message) : new ApiError('internal', 'Lightbox sent an error this window does not understand.');
}
