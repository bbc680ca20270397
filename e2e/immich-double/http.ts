import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';

/**
 * An error that becomes an HTTP response. Bodies follow Immich v3's GlobalExceptionFilter:
 * `{message}` only (Nest's `error`/`statusCode` are stripped), and validation failures are
 * `{message: "Validation failed", errors: <zod issues>}`.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(status: number, body: string | Record<string, unknown>, headers: Record<string, string> = {}) {
    const payload = typeof body === 'string' ? { message: body } : body;
    super(String(payload['message'] ?? status));
    this.status = status;
    this.body = payload;
    this.headers = headers;
  }
}

export const badRequest = (message: string) => new ApiError(400, message);

/** Immich's `requireAccess` answer for ids the caller does not own or that do not exist. */
export const noAccess = (permission: string) => new ApiError(400, `Not found or no ${permission} access`);

export function validationError(issues: readonly z.core.$ZodIssue[]): ApiError {
  return new ApiError(400, { message: 'Validation failed', errors: issues });
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error.issues);
  return result.data;
}

export type Reply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'empty'; status: number }
  | {
      kind: 'bytes';
      status: number;
      contentType: string;
      data: Buffer | AsyncIterable<Buffer>;
      length: number;
      headers?: Record<string, string>;
    };

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  kind: 'json',
  status,
  body,
  ...(headers ? { headers } : {}),
});
export const noContent = (): Reply => ({ kind: 'empty', status: 204 });

/** Per-request bookkeeping the request log needs; body readers add to `bytesIn`. */
export type Exchange = { req: IncomingMessage; res: ServerResponse; bytesIn: number; dropped: boolean };

const JSON_LIMIT = 1024 * 1024;

/**
 * Body chunks without the default "destroy the stream when the loop exits early": leaving a
 * for-await over `req` would otherwise reset the client's connection instead of letting us answer.
 */
export function chunksOf(ex: Exchange): AsyncIterable<Buffer> {
  return ex.req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
}

/** Reads a JSON body the way Nest + body-parser do: non-JSON content types give `{}`. */
export async function readJsonBody(ex: Exchange): Promise<unknown> {
  const type = ex.req.headers['content-type'] ?? '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunksOf(ex)) {
    size += chunk.length;
    ex.bytesIn += chunk.length;
    // Past the limit keep reading (to answer cleanly) but stop keeping the bytes.
    if (size <= JSON_LIMIT) chunks.push(chunk);
  }
  if (size > JSON_LIMIT) throw new ApiError(413, 'request entity too large');
  if (!type.includes('json') || size === 0) return {};
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest((error as Error).message);
  }
}

/** Discards whatever is left of a request body, counting it, so keep-alive connections stay usable. */
export async function drain(ex: Exchange): Promise<void> {
  if (ex.req.readableEnded || ex.req.destroyed) return;
  try {
    for await (const chunk of chunksOf(ex)) ex.bytesIn += chunk.length;
  } catch {
    // The client went away while we were discarding: nothing left to answer.
  }
}

export function sendReply(res: ServerResponse, reply: Reply, extraHeaders: Record<string, string>): Promise<void> {
  for (const [k, v] of Object.entries(extraHeaders)) res.setHeader(k, v);
  if (reply.kind === 'json') {
    const text = JSON.stringify(reply.body);
    for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
    res.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
    return Promise.resolve();
  }
  if (reply.kind === 'empty') {
    res.writeHead(reply.status);
    res.end();
    return Promise.resolve();
  }
  for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
  res.writeHead(reply.status, { 'content-type': reply.contentType, 'content-length': reply.length });
  const data = reply.data;
  if (Buffer.isBuffer(data)) {
    res.end(data);
    return Promise.resolve();
  }
  return (async () => {
    for await (const chunk of data) {
      if (!res.write(chunk)) await new Promise<void>((resolve) => res.once('drain', () => resolve()));
    }
    res.end();
  })();
}
