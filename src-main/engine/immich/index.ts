export { AdaptiveConcurrency, classifyImmichOutcome, type AdaptiveConcurrencyOptions, type Outcome } from './adaptive-concurrency.ts';
export { AlbumCache, defaultAlbumCache } from './album-cache.ts';
export { FileSecretStore, type SecretStore } from './api-key-store.ts';
export {
  createImmichClient,
  ImmichClient,
  normalizeBaseUrl,
  type BulkCheckResult,
  type CallOptions,
  type ImmichClientOptions,
  type UploadOptions,
  type UploadResult,
} from './immich-client.ts';
export { FileChangedError, IMMICH_ERROR_CODES, ImmichError, isImmichError, parseRetryAfter, toImmichError, type ImmichErrorKind } from './immich-error.ts';
export { METADATA_KEY, uploadPair, type Cover, type PairFile, type PairInput, type PairNotice, type PairOptions, type PairOutcome, type PairResult, type PairState } from './pair-upload.ts';
export { judgeDuplicate, noOtherOwners, type AssetOwners, type Judgement } from './duplicate-owner.ts';
export { DEFAULT_RETRY, retryDelay, withRetry, type RetryOptions } from './retry.ts';
export { checkImmich, RE_RENDER_SCOPES, REQUIRED_SCOPES, type CheckName, type ServerCheck, type ServerCheckResult } from './server-check.ts';
export { buildUploadSidecar, type UploadSidecarInput } from './sidecar.ts';
export { openStreamedFile, StreamedFile, type UploadFileInput } from './upload-file.ts';
export { approvedWhenIngestedCleanly, noProcessedFiles, type ApprovalSource, type ProcessedFile, type ProcessedSource } from './processed-source.ts';
export { createUploadHandler, type UploadHandlerDeps } from './upload-handler.ts';
export { UploadService, type UploadEvents, type UploadServiceOptions } from './upload-service.ts';
export { Gate, GateClosedError } from './upload-gates.ts';
