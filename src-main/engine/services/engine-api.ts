import { z } from 'zod';
import { ApiError, commands, type Api, type CommandName, type CommandOutput, type Commands } from '../../contract/index.ts';
import type { EventBus } from '../base/event-bus.ts';
import { findDiskFull, isDiskFull } from '../base/disk-space.ts';

/** One function per command, taking the command's PARSED input. */
export type CommandHandlers = {
  [K in CommandName]: (input: z.output<Commands[K]['input']>) => CommandOutput<K> | Promise<CommandOutput<K>>;
};

/**
 * The engine's own Api object. Input is parsed here too, so in-process callers (the CLI) get the
 * same defaults and validation as remote ones.
 */
export function createEngineApi(handlers: CommandHandlers, bus: EventBus): Api {
  return {
    async call(name, input) {
      const parsed = commands[name].input.parse(input);
      const handler = handlers[name] as (input: unknown) => unknown;
      try {
        return (await handler(parsed)) as CommandOutput<typeof name>;
      } catch (error) {
        // A full disk (a file, or the database's own write) is the photographer's to fix, not an internal error.
        if (error instanceof ApiError || !isDiskFull(error)) throw error;
        throw new ApiError('disk-full', findDiskFull(error)?.message ?? 'The disk holding the library is full: free some space, then try again.');
      }
    },
    on: (event, listener) => bus.on(event, listener),
  };
}
