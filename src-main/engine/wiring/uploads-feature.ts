import path from 'node:path';
import { ApiError, type FolderUploadSettings } from '../../contract/index.ts';
import type { EventBus } from '../base/event-bus.ts';
import type { JobQueue } from '../jobs/index.ts';
import type { LibraryLayout } from '../library/library-layout.ts';
import type { Library } from '../library/index.ts';
import { UploadsRepo } from '../library/uploads-repo.ts';
import type { CommandHandlers } from '../services/engine-api.ts';
import type { AdaptiveConcurrencyOptions } from '../immich/adaptive-concurrency.ts';
import { FileSecretStore, type SecretStore } from '../immich/api-key-store.ts';
import type { ApprovalSource, ProcessedSource } from '../immich/processed-source.ts';
import type { RetryOptions } from '../immich/retry.ts';
import { createUploadHandler } from '../immich/upload-handler.ts';
import { UploadService } from '../immich/upload-service.ts';
import { SealedSecretStore, type Sealer } from '../immich/sealed-secret-store.ts';

/** Engine configuration for Immich uploads. Everything is optional: without it uploads follow the stored settings. */
export type ImmichConfig = {
  /** A server for this run only (CLI `--immich-url`, key from IMMICH_API_KEY); nothing is stored. */
  serverUrl?: string;
  apiKey?: string;
  /** Where keys live. Default: a 0600 file in the library folder (Electron passes safeStorage). */
  keys?: SecretStore;
  /** With the OS keychain (Electron's safeStorage): keys are sealed before they reach the key file. */
  sealer?: Sealer;
  /** What to upload for photos from no hot folder (CLI runs). Default: nothing. */
  defaultUpload?: Partial<FolderUploadSettings>;
  processedSource?: ProcessedSource;
  approval?: ApprovalSource;
  retry?: Partial<RetryOptions>;
  offlineProbe?: { baseMs: number; capMs: number };
  concurrency?: AdaptiveConcurrencyOptions;
  timeoutMs?: number;
};

export type UploadCommands = Pick<
  CommandHandlers,
  'immich.settings.get' | 'immich.settings.set' | 'immich.test' | 'immich.status' | 'immich.resume' | 'immich.upload' | 'folders.uploadSettings.get' | 'folders.uploadSettings.set'
>;

export type UploadSummary = {
  uploaded: number;
  duplicates: number;
  stacked: number;
  failed: Array<{ photoId: number; fileName: string; code: string; message: string }>;
  /** Waiting for a processed file or for approval. */
  waiting: number;
  /** Uploaded, but a file was left alone because Immich holds its bytes as another photo's (so no stack). */
  notices: Array<{ photoId: number; fileName: string; message: string }>;
};

function keyStore(file: string, sealer: Sealer | undefined): SecretStore {
  const onWarning = (m: string) => console.error(`[lightbox] ${m}`);
  return sealer ? new SealedSecretStore(file, sealer, { onWarning }) : new FileSecretStore(file, { onWarning });
}

/** Builds the upload service, its job handler and its API commands for createEngine. */
export function createEngineUploads(deps: { library: Library; layout: LibraryLayout; bus: EventBus; queue: () => JobQueue; config: ImmichConfig; appVersion: string; photoChanged(photoId: number): void }) {
  const { library, layout, bus, config } = deps;
  const uploads = new UploadsRepo(library.db);
  const override = config.serverUrl ? { serverUrl: config.serverUrl, apiKey: config.apiKey ?? '' } : undefined;
  const service = new UploadService({
    library,
    uploads,
    keys: config.keys ?? keyStore(path.join(layout.root, 'immich-keys.json'), config.sealer),
    events: {
      progress: (event) => bus.emit('upload.progress', event),
      totals: (event) => bus.emit('upload.totals', event),
      status: (event) => bus.emit('immich.status', event),
      photoChanged: deps.photoChanged,
    },
    enqueue: (photoId) => deps.queue().enqueue('upload', { photoId }, { subject: String(photoId), dedupeKey: `upload:${photoId}` }),
    ...(config.processedSource ? { processedSource: config.processedSource } : {}),
    ...(config.approval ? { approval: config.approval } : {}),
    ...(override ? { override } : {}),
    ...(config.defaultUpload ? { defaultUpload: config.defaultUpload } : {}),
    ...(config.retry ? { retry: config.retry } : {}),
    ...(config.offlineProbe ? { offlineProbe: config.offlineProbe } : {}),
    ...(config.concurrency ? { concurrency: config.concurrency } : {}),
    ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
  });
  const handler = createUploadHandler({ library, layout, service, appVersion: deps.appVersion });

  const requireFolder = (folderId: number) => {
    if (!library.folders.get(folderId)) throw new ApiError('not-found', `Hot folder ${folderId} does not exist.`);
  };
  const commands: UploadCommands = {
    'immich.settings.get': () => service.settings(),
    'immich.settings.set': (input) => service.setSettings(input),
    'immich.test': (input) => service.test(input),
    'immich.status': () => service.status(),
    'immich.resume': () => (service.resume(), service.status()),
    'immich.upload': ({ photoIds }) => service.requestUpload(photoIds),
    'folders.uploadSettings.get': ({ folderId }) => (requireFolder(folderId), { folderId, ...service.folderSettings(folderId) }),
    'folders.uploadSettings.set': ({ folderId, ...patch }) => {
      requireFolder(folderId);
      const settings = service.setFolderSettings(folderId, patch);
      // Turning uploads on covers the folder's photos already in the library.
      service.catchUp();
      return { folderId, ...settings };
    },
  };

  /** What happened to these photos' uploads (the CLI summary). */
  function summary(photoIds: Iterable<number>): UploadSummary {
    const result: UploadSummary = { uploaded: 0, duplicates: 0, stacked: 0, failed: [], waiting: 0, notices: [] };
    for (const photoId of new Set(photoIds)) {
      const record = uploads.get(photoId);
      if (!record) continue;
      const photo = library.photos.get(photoId);
      if (record.state === 'uploaded') {
        // Outcomes are known only for the files the finishing run sent itself (a run that resumed
        // after a crash finds ids already recorded): "duplicate" means the server had every file it was sent.
        const outcomes = [record.originalOutcome, record.processedOutcome].filter((o) => o !== null);
        if (outcomes.length > 0 && outcomes.every((o) => o === 'duplicate')) result.duplicates += 1;
        else result.uploaded += 1;
        if (record.pair.stackId) result.stacked += 1;
        for (const notice of record.notices) result.notices.push({ photoId, fileName: photo?.fileName ?? String(photoId), message: notice.message });
      } else if (record.state === 'waiting-render' || record.state === 'waiting-approval') {
        result.waiting += 1;
      } else {
        const error = record.error ?? { code: 'job-failed', message: `The upload did not finish (${record.state}).` };
        result.failed.push({ photoId, fileName: photo?.fileName ?? String(photoId), code: error.code, message: error.message });
      }
    }
    return result;
  }

  return { service, handler, commands, summary, uploads };
}
