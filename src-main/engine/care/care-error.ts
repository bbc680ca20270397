import type { ErrorCode } from '../../contract/index.ts';

/** A failure of a backup, restore or repair a photographer sees: a contract code and a sentence to act on. */
export class CareError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CareError';
    this.code = code;
  }
}
