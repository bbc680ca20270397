import type { ServerResponse } from 'node:http';
import type { AppError, ErrorCode } from '../../contract/index.ts';

/** The HTTP status each error code travels with over REST; anything else is the client's 422 or our 500. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  'bad-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'not-ready': 409,
  'too-large': 413,
  'rate-limited': 429,
  internal: 500,
};

export function statusFor(code: ErrorCode): number {
  return STATUS[code] ?? 422;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}

/** `{ error: { code, message, problems? } }` with the status its code maps to, unless told otherwise. */
export function sendError(res: ServerResponse, error: AppError, status: number = statusFor(error.code), headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { error }, headers);
}

/** A REST failure raised inside a route: carries its own HTTP status when the code's default is not it. */
export class RestFailure extends Error {
  readonly error: AppError;
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(code: ErrorCode, message: string, options: { status?: number; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'RestFailure';
    this.error = { code, message };
    this.status = options.status ?? statusFor(code);
    this.headers = options.headers ?? {};
  }
}
