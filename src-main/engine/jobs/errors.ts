import type { ErrorCode } from '../../contract/index.ts';

/**
 * Thrown by a handler when trying again cannot help (the file is gone for good, the data makes no
 * sense): the job is dead-lettered at once. Any other error is retried with backoff.
 */
export class PermanentJobError extends Error {
  readonly code: ErrorCode;
  constructor(message: string, options: { code?: ErrorCode; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'PermanentJobError';
    this.code = options.code ?? 'job-failed';
  }
}
