import { isHttpError, isMalformedResponseError } from '@immich/sdk';

/**
 * How the upload queue must react to a failure:
 * - auth: bad key or missing scope (401/403). Pause the queue for that server, ask the user; never retry.
 * - invalid: the server refused the request (400...). Dead-letter with the server's message; never retry.
 * - retryable: 408/429/5xx, connection errors, timeouts. Retry with backoff, honour `retryAfterMs`.
 * - not-found: 404 (wrong URL/path, or an endpoint this server version lacks).
 * - trashed-duplicate: the bytes exist on the server, but in the trash. Only the user can fix it.
 */
export type ImmichErrorKind = 'auth' | 'invalid' | 'retryable' | 'not-found' | 'trashed-duplicate';

/** Codes for the UI; the lead may move them into contract/errors.ts. */
export const IMMICH_ERROR_CODES = {
  auth: 'immich-auth',
  invalid: 'immich-invalid',
  retryable: 'immich-unavailable',
  'not-found': 'immich-not-found',
  'trashed-duplicate': 'immich-trashed-duplicate',
} as const satisfies Record<ImmichErrorKind, string>;

export type ImmichErrorInit = { status?: number; retryAfterMs?: number; assetId?: string; cause?: unknown };

export class ImmichError extends Error {
  override readonly name = 'ImmichError';
  readonly kind: ImmichErrorKind;
  readonly code: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  /** For trashed-duplicate: the asset in the trash. */
  readonly assetId: string | undefined;

  constructor(kind: ImmichErrorKind, message: string, init: ImmichErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = kind;
    this.code = IMMICH_ERROR_CODES[kind];
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.assetId = init.assetId;
  }
}

export const isImmichError = (error: unknown): error is ImmichError => error instanceof ImmichError;

/** A file on disk that no longer matches what we were asked to send (size or SHA-1). */
export class FileChangedError extends Error {
  override readonly name = 'FileChangedError';
}

/** `Retry-After` is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

// Write-style SDK calls read the body as text, so `data` may be a JSON string (or a proxy's HTML).
function serverMessage(data: unknown): string | undefined {
  let body = data;
  if (typeof body === 'string') {
    const text = body.trim();
    if (!text.startsWith('{')) return text ? text.slice(0, 200) : undefined;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      return text.slice(0, 200);
    }
  }
  if (!body || typeof body !== 'object') return undefined;
  const { message, errors } = body as { message?: unknown; errors?: unknown };
  const base = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : undefined;
  if (!Array.isArray(errors) || errors.length === 0) return base;
  const details = errors
    .slice(0, 3)
    .map((e: { path?: unknown[]; message?: unknown }) => `${Array.isArray(e.path) ? e.path.join('.') : '?'}: ${String(e.message ?? '')}`)
    .join('; ');
  return base ? `${base} (${details})` : details;
}

export function kindForStatus(status: number): ImmichErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'retryable';
  return 'invalid';
}

function causeOf(error: unknown): unknown {
  let cause = (error as { cause?: unknown } | null)?.cause;
  // undici nests: TypeError('fetch failed') -> SocketError/Error -> maybe our stream's error.
  for (let i = 0; i < 3 && cause instanceof Error && cause.cause !== undefined; i++) {
    if (cause instanceof FileChangedError) break;
    cause = cause.cause;
  }
  return cause;
}

/** Maps anything an SDK call can throw to an ImmichError. `what` names the call for messages. */
export function toImmichError(error: unknown, what: string): ImmichError {
  if (error instanceof ImmichError) return error;
  if (isHttpError(error)) {
    const status = error.status;
    const headers = (error as { headers?: Headers }).headers;
    const retryAfterMs = parseRetryAfter(headers?.get?.('retry-after'));
    const message = serverMessage(error.data) ?? `HTTP ${status}`;
    return new ImmichError(kindForStatus(status), `${what}: ${message}`, { status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), cause: error });
  }
  if (isMalformedResponseError(error)) {
    // A proxy or a wrong URL answered with HTML. 2xx HTML means "this is not Immich's API".
    const kind = error.status >= 200 && error.status < 300 ? 'invalid' : kindForStatus(error.status);
    return new ImmichError(kind, `${what}: the server did not answer like Immich (HTTP ${error.status}, ${error.contentType ?? 'no content type'}); check the server URL`, {
      status: error.status,
      cause: error,
    });
  }
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new ImmichError('retryable', `${what}: no answer in time`, { cause: error });
  }
  if (error instanceof FileChangedError) return new ImmichError('invalid', `${what}: ${error.message}`, { cause: error });
  if (error instanceof TypeError) {
    const cause = causeOf(error);
    if (cause instanceof FileChangedError) return new ImmichError('invalid', `${what}: ${cause.message}`, { cause: error });
    const code = (cause as { code?: unknown } | undefined)?.code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      return new ImmichError('invalid', `${what}: cannot read the file to upload (${String(code)})`, { cause: error });
    }
    const detail = typeof code === 'string' ? code : cause instanceof Error ? cause.message : error.message;
    return new ImmichError('retryable', `${what}: cannot reach the Immich server (${detail})`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ImmichError('invalid', `${what}: ${message}`, { cause: error });
}
