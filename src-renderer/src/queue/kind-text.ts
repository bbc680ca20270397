import type { ErrorCode, JobKind } from '../contract.ts';

/** Every job kind in words; a Record over JobKind so a new kind cannot ship without its label. */
const KIND_TEXT: Record<JobKind, string> = {
  ingest: 'Ingest (copy and hash)',
  derive: 'Thumbnails and metadata',
  analyze: 'Analysis (faces, objects, quality, crops)',
  render: 'Rendering processed files',
  'apply-preset': 'Applying presets',
  upload: 'Uploading to Immich',
};
export const kindText = (kind: string): string => (KIND_TEXT as Record<string, string>)[kind] ?? kind;

/** What a failed job was about: files before ingest, photos after. */
export const itemNoun = (kind: string, count: number): string => (kind === 'ingest' ? (count === 1 ? 'file' : 'files') : count === 1 ? 'photo' : 'photos');

/** A failure's cause as a heading; the code itself is shown beside it for searching and support. */
const CODE_TEXT: Partial<Record<ErrorCode, string>> = {
  'job-failed': 'Failed after every retry',
  'invalid-job-data': 'Work recorded by another version of Lightbox',
  'read-failed': 'The file could not be read',
  'store-failed': 'The original could not be stored',
  'file-vanished': 'The file disappeared before it was read',
  'hash-mismatch': 'The stored copy does not match the file',
  'render-failed': 'The processed file could not be made',
  'unsupported-output': 'The output format is not supported',
  'invalid-recipe': 'The recipe is not valid',
  'immich-auth': 'Immich refused the API key',
  'immich-invalid': 'Immich refused the upload',
  'immich-unavailable': 'Immich could not be reached',
  'immich-not-found': 'Immich no longer has the asset',
  'immich-trashed-duplicate': 'Already in Immich’s trash',
  'immich-not-configured': 'No Immich server is set up',
  'model-missing': 'An AI model is missing',
  'model-damaged': 'An AI model is damaged',
  'download-failed': 'A download failed',
};
export const codeText = (code: ErrorCode): string => CODE_TEXT[code] ?? code;
