import type { ErrorCode } from '../../../contract/errors.ts';

/** What the renderer throws: a contract error code and a sentence a photographer can act on. */
export class RenderError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RenderError';
    this.code = code;
  }
}
