import type { ErrorCode } from '../../contract/errors.ts';

/**
 * The error the analysis layer throws for things a photographer (or `lightbox doctor`) sees:
 * missing or damaged model weights, an inference that failed. `code` is from the contract.
 */
export class AnalysisError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AnalysisError';
    this.code = code;
  }
}

/** Missing or damaged weights: the task is skipped, not failed (DESIGN §2); the photo is analysed again when the model arrives. */
export function isModelGap(error: { code: string } | null | undefined): boolean {
  return error?.code === 'model-missing' || error?.code === 'model-damaged';
}
