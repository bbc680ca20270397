import type { ErrorCode, MediaWarning, WarningCode } from '../../contract/errors.ts';

/**
 * The only error the media layer throws. Job handlers store `code` + `message` on the photo as
 * an AppError, so the message is written for a photographer: what is wrong and what to do.
 */
export class MediaError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MediaError';
    this.code = code;
  }
}

export function warning(code: WarningCode, message: string): MediaWarning {
  return { code, message };
}

/** `10000` -> `10,000`: byte counts and dimensions in messages read better grouped. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatMegapixels(width: number, height: number): string {
  return `${((width * height) / 1e6).toFixed(1)} MP`;
}
