import { z } from 'zod';
import { commands, type Api, type CommandName, type CommandOutput, type Commands } from '../../contract/index.ts';
import type { EventBus } from '../base/event-bus.ts';

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
      return (await handler(parsed)) as CommandOutput<typeof name>;
    },
    on: (event, listener) => bus.on(event, listener),
  };
}
