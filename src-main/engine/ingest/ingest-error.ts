import type { ErrorCode } from '../../contract/index.ts';

/**
 * A failure of an ingest primitive that a photographer may end up seeing: a stable code from the
 * contract plus a human sentence. Callers branch on `code`, never on the message.
 */
export class IngestError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IngestError';
    this.code = code;
  }
}

/**
 * The file kept changing until the deadline. The contract has no dedicated code yet, so it is a
 * 'read-failed' to the user; callers that want to retry later can tell it apart by class.
 */
export class NotStableError extends IngestError {
  constructor(message: string) {
    super('read-failed', message);
    this.name = 'NotStableError';
  }
}

export function isIngestError(error: unknown, code?: ErrorCode): error is IngestError {
  return error instanceof IngestError && (code === undefined || error.code === code);
}

/** Node's errno code of a system error, if any. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
