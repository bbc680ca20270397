import type { z } from 'zod';
import type { RestContext } from './context.ts';
import { sendError, sendJson } from './reply.ts';

/**
 * Answers with `value` after checking it against the contract schema the OpenAPI document
 * promises: a mismatch is our bug, logged, and the client gets a plain internal error.
 */
export function sendValid<T extends z.ZodType>(ctx: RestContext, status: number, schema: T, value: z.input<T>, headers: Record<string, string> = {}): void {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    ctx.log(`REST ${ctx.req.method} ${ctx.url.pathname} answered with a body that does not match the contract: ${parsed.error.message}`);
    sendError(ctx.res, { code: 'internal', message: 'Lightbox hit an internal error; the details are in its log.' });
    return;
  }
  sendJson(ctx.res, status, parsed.data, headers);
}
