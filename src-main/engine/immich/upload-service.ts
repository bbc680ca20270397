import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import {
  ApiError,
  FolderUploadSettings,
  type AppError,
  type ImmichSettings,
  type ImmichSettingsSetInput,
  type ImmichStatus,
  type ImmichTestResult,
  type ImmichUploadOutput,
  type Photo,
  type UploadProgress,
  type UploadState,
  type UploadTotals,
} from '../../contract/index.ts';
import type { Library } from '../library/index.ts';
import type { UploadsRepo } from '../library/uploads-repo.ts';
import { AdaptiveConcurrency, type AdaptiveConcurrencyOptions } from './adaptive-concurrency.ts';
import { AlbumCache } from './album-cache.ts';
import type { SecretStore } from './api-key-store.ts';
import { createImmichClient, normalizeBaseUrl, type ImmichClient } from './immich-client.ts';
import { IMMICH_ERROR_CODES, type ImmichError } from './immich-error.ts';
import { approvedWhenIngestedCleanly, noProcessedFiles, type ApprovalSource, type ProcessedSource } from './processed-source.ts';
import type { RetryOptions } from './retry.ts';
import type { AssetOwners } from './duplicate-owner.ts';
import { checkImmich } from './server-check.ts';
import { Gate } from './upload-gates.ts';

const SETTINGS_KEY = 'immich';
const StoredSettings = z.object({ serverUrl: z.string().nullable() });

export type UploadEvents = {
  progress(event: UploadProgress): void;
  totals(event: UploadTotals): void;
  status(event: ImmichStatus): void;
  photoChanged(photoId: number): void;
};

export type UploadServiceOptions = {
  library: Library;
  uploads: UploadsRepo;
  keys: SecretStore;
  events: UploadEvents;
  /** Queues the upload job for a photo (deduplicated by the caller). */
  enqueue(photoId: number): void;
  processedSource?: ProcessedSource;
  approval?: ApprovalSource;
  /** A server for this run only (CLI `--immich-url` + IMMICH_API_KEY): nothing is stored. */
  override?: { serverUrl: string; apiKey: string };
  /** Upload settings for photos that came from no hot folder (one-shot CLI runs). */
  defaultUpload?: Partial<FolderUploadSettings>;
  retry?: Partial<RetryOptions>;
  /** How often an offline server is asked again: doubles from base up to cap. */
  offlineProbe?: { baseMs: number; capMs: number };
  concurrency?: AdaptiveConcurrencyOptions;
  /** Per-request deadline for non-upload calls. */
  timeoutMs?: number;
};

/**
 * Everything about Immich uploads that is not one photo's job: settings (URL in the database, key
 * in the key store), the client, the pause gate (refused key) and the online gate (server down),
 * which photos to queue, and the events the UI shows.
 */
export class UploadService {
  readonly uploads: UploadsRepo;
  readonly processedSource: ProcessedSource;
  readonly approval: ApprovalSource;
  readonly retry: Partial<RetryOptions>;
  readonly concurrency: AdaptiveConcurrency;
  readonly albums = new AlbumCache();
  readonly paused: Gate;
  readonly online: Gate;
  readonly #options: UploadServiceOptions;
  #client: { key: string; client: ImmichClient } | null = null;
  #probing: Promise<void> | null = null;
  #stopped = new AbortController();
  #pauseWaiters: Array<() => void> = [];
  #totalsTimer: NodeJS.Timeout | null = null;
  /** Photos whose upload job is running, and those asked for again meanwhile (jobEvent). */
  readonly #running = new Set<number>();
  readonly #again = new Set<number>();
  /** SHA-1 -> the photo whose upload is sending those bytes right now. */
  readonly #claims = new Map<string, number>();
  #bytesSent = 0;
  /** When the offline probe asks the server next (the Settings page shows it). */
  #retryAt: number | null = null;

  constructor(options: UploadServiceOptions) {
    this.#options = options;
    this.uploads = options.uploads;
    this.processedSource = options.processedSource ?? noProcessedFiles;
    this.approval = options.approval ?? approvedWhenIngestedCleanly;
    this.retry = options.retry ?? {};
    this.concurrency = new AdaptiveConcurrency({ initial: 4, max: 8, ...options.concurrency });
    this.paused = new Gate(() => this.#statusChanged());
    this.online = new Gate(() => this.#statusChanged());
  }

  // ---- settings ----

  serverUrl(): string | null {
    if (this.#options.override) return this.#options.override.serverUrl;
    const stored = StoredSettings.safeParse(this.#options.library.settings.get(SETTINGS_KEY));
    return stored.success ? stored.data.serverUrl : null;
  }

  async settings(): Promise<ImmichSettings> {
    const serverUrl = this.serverUrl();
    return { serverUrl, hasApiKey: serverUrl !== null && (await this.#apiKey(serverUrl)) !== null };
  }

  /** Tests the server + key first; a refused key is not stored. A working key resumes paused uploads. */
  async setSettings(input: ImmichSettingsSetInput): Promise<{ settings: ImmichSettings; test: ImmichTestResult | null }> {
    if (this.#options.override) throw new ApiError('bad-request', 'This run uses a server given on the command line; settings cannot be changed now.');
    if (input.serverUrl === null) {
      this.#options.library.settings.set(SETTINGS_KEY, { serverUrl: null });
      this.#client = null;
      this.#statusChanged();
      return { settings: await this.settings(), test: null };
    }
    const apiKey = input.apiKey ?? (await this.#options.keys.get(input.serverUrl));
    if (!apiKey) throw new ApiError('immich-not-configured', 'Enter an API key for this server (Immich: Account settings > API keys).');
    const test = await checkImmich(createImmichClient({ baseUrl: input.serverUrl, apiKey, ...this.#timeout() }));
    const auth = test.checks.find((c) => c.name === 'auth');
    if (auth && !auth.ok) throw new ApiError('immich-auth', `${auth.message} The settings were not saved.`);
    if (input.apiKey) await this.#options.keys.set(input.serverUrl, input.apiKey);
    this.#options.library.settings.set(SETTINGS_KEY, { serverUrl: input.serverUrl });
    this.#client = null;
    if (test.ok) this.resume();
    else this.#statusChanged();
    return { settings: await this.settings(), test };
  }

  async test(input: { serverUrl?: string | undefined; apiKey?: string | undefined } = {}): Promise<ImmichTestResult> {
    const serverUrl = input.serverUrl ?? this.serverUrl();
    if (!serverUrl) throw new ApiError('immich-not-configured', 'No Immich server is set. Enter its address and an API key first.');
    const apiKey = input.apiKey ?? (await this.#apiKey(serverUrl));
    if (!apiKey) throw new ApiError('immich-not-configured', `No API key is stored for ${serverUrl}. Enter one (Immich: Account settings > API keys).`);
    return checkImmich(createImmichClient({ baseUrl: serverUrl, apiKey, ...this.#timeout() }));
  }

  folderSettings(folderId: number): FolderUploadSettings {
    return this.uploads.folderSettings(folderId);
  }

  setFolderSettings(folderId: number, patch: Partial<FolderUploadSettings>): FolderUploadSettings {
    const current = this.uploads.folderSettings(folderId);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    return this.uploads.setFolderSettings(folderId, FolderUploadSettings.parse({ ...current, ...defined }));
  }

  /** The folder's settings (or the library default), unless the photographer sent this photo from a selection. */
  settingsFor(photo: Photo): FolderUploadSettings {
    const base = photo.folderId !== null ? this.uploads.folderSettings(photo.folderId) : FolderUploadSettings.parse(this.#options.defaultUpload ?? {});
    const requested = this.uploads.requestedFor(photo.id);
    return requested ? { ...base, what: requested, approvalRequired: false } : base;
  }

  /**
   * "Upload" on a selection: these photos go now. A folder that uploads keeps its choice of files;
   * one that does not sends original + processed; asking is the approval.
   */
  requestUpload(photoIds: number[]): ImmichUploadOutput {
    if (this.serverUrl() === null) throw new ApiError('immich-not-configured', 'No Immich server is set. Add one under Settings > Immich, then upload again.');
    const skipped: ImmichUploadOutput['skipped'] = [];
    let queued = 0;
    for (const photoId of photoIds) {
      const photo = this.#options.library.photos.get(photoId);
      if (!photo) skipped.push({ photoId, message: `There is no photo ${photoId} in this library.` });
      else if (!photo.originalPath || (photo.error && !photo.error.code.startsWith('immich-'))) skipped.push({ photoId, message: `${photo.fileName} could not be read, so there is nothing to upload.` });
      else {
        const folderWhat = this.settingsFor(photo).what;
        this.uploads.request(photoId, folderWhat === 'none' ? 'both' : folderWhat);
        this.#queue(photoId);
        queued++;
      }
    }
    return { queued, skipped };
  }

  /** The client for the configured server, or an AppError saying what to set up. */
  async client(): Promise<ImmichClient | AppError> {
    const serverUrl = this.serverUrl();
    if (!serverUrl) return { code: 'immich-not-configured', message: 'No Immich server is set: uploads wait until one is.' };
    const apiKey = await this.#apiKey(serverUrl);
    if (!apiKey) return { code: 'immich-not-configured', message: `No API key is stored for ${serverUrl}: uploads wait until one is entered.` };
    const key = `${normalizeBaseUrl(serverUrl)}\n${apiKey}`;
    if (this.#client?.key !== key) this.#client = { key, client: createImmichClient({ baseUrl: serverUrl, apiKey, ...this.#timeout() }) };
    return this.#client.client;
  }

  /**
   * For one photo's upload: which other photo holds an asset (its record) or is sending the same
   * bytes now (claims, in this process; the library lock keeps other processes out). A duplicate
   * answer naming either is never taken as this photo's file.
   */
  ownersFor(photoId: number): AssetOwners {
    const label = (id: number) => {
      const photo = this.#options.library.photos.get(id);
      return photo ? `photo "${photo.fileName}" (#${id})` : `photo #${id}`;
    };
    return {
      otherPhotoWith: (assetId) => {
        const other = this.uploads.photoWithAsset(assetId, photoId);
        return other === null ? null : label(other);
      },
      claim: (sha1) => {
        const holder = this.#claims.get(sha1);
        if (holder !== undefined && holder !== photoId) return label(holder);
        this.#claims.set(sha1, photoId);
        return null;
      },
      release: (sha1) => {
        if (this.#claims.get(sha1) === photoId) this.#claims.delete(sha1);
      },
    };
  }

  #timeout() {
    return this.#options.timeoutMs ? { timeoutMs: this.#options.timeoutMs } : {};
  }

  async #apiKey(serverUrl: string): Promise<string | null> {
    if (this.#options.override) return this.#options.override.apiKey;
    return this.#options.keys.get(serverUrl);
  }

  // ---- queueing ----

  /** After derive: queue the photo when its folder uploads and a server is set. */
  afterDerive(photoId: number): void {
    const photo = this.#options.library.photos.get(photoId);
    if (!photo || this.serverUrl() === null || this.settingsFor(photo).what === 'none') return;
    if (photo.error && !photo.error.code.startsWith('immich-')) return;
    this.#queue(photoId);
  }

  /** For the lead to call from the render job's success: a photo waiting for its processed file goes again. */
  uploadAfterRender(photoId: number): void {
    const photo = this.#options.library.photos.get(photoId);
    if (!photo || this.serverUrl() === null) return;
    const what = this.settingsFor(photo).what;
    if (what === 'both' || what === 'processed') this.#queue(photoId);
  }

  /**
   * After any change to the photo's recipe: an upload that waits for approval goes once nothing
   * in the recipe waits for review any more, whichever way that came (approve, one step at a
   * time, reject, an edit). Nothing else waits on approval.
   */
  uploadAfterApproval(photoId: number): void {
    if (this.uploads.get(photoId)?.state !== 'waiting-approval') return;
    const photo = this.#options.library.photos.get(photoId);
    if (photo && this.approval(photo)) this.afterDerive(photoId);
  }

  /**
   * At start: photos derived while uploads were off or before a crash between derive and the
   * enqueue, uploads left mid-way, and waits whose event a crash swallowed (a render that ended,
   * an approval given) are queued; the job works out again what it waits for. Jobs are
   * deduplicated, so this is cheap to repeat.
   */
  catchUp(): void {
    if (this.serverUrl() === null) return;
    for (const photoId of this.uploads.photosToQueue()) {
      const photo = this.#options.library.photos.get(photoId);
      const waitsForApproval = photo && this.uploads.get(photoId)?.state === 'waiting-approval' && this.settingsFor(photo).approvalRequired && !this.approval(photo);
      if (!waitsForApproval) this.afterDerive(photoId);
    }
  }

  /**
   * The queue's events for upload jobs. A photo asked for again while its job runs (a render that
   * ended meanwhile) would be folded into that job by the dedupe key, after the job had already
   * looked for its processed file: it goes again once the job has ended.
   */
  jobEvent(photoId: number, state: 'started' | 'done' | 'failed' | 'dead'): void {
    if (state === 'started') return void this.#running.add(photoId);
    this.#running.delete(photoId);
    if (this.#again.delete(photoId)) this.#queue(photoId);
  }

  #queue(photoId: number): void {
    if (this.#running.has(photoId)) return void this.#again.add(photoId);
    this.uploads.ensure(photoId);
    this.setState(photoId, 'queued');
    this.#options.enqueue(photoId);
  }

  // ---- state, events ----

  setState(photoId: number, state: UploadState, error: AppError | null = null, bytes?: { sent: number; total: number }, step: string | null = null): void {
    this.uploads.setState(photoId, state, error);
    this.progress({ photoId, state, bytesSent: bytes?.sent ?? 0, bytesTotal: bytes?.total ?? 0, error, step });
    this.#totalsChanged();
  }

  progress(event: UploadProgress): void {
    this.#options.events.progress(event);
  }

  photoChanged(photoId: number): void {
    this.#options.events.photoChanged(photoId);
  }

  addBytes(n: number): void {
    this.#bytesSent += n;
    this.#totalsChanged();
  }

  status(): ImmichStatus {
    const { uploading: _uploading, ...counts } = this.uploads.counts();
    const retryAt = !this.online.isOpen && this.#retryAt !== null ? new Date(this.#retryAt).toISOString() : null;
    return { configured: this.serverUrl() !== null, paused: !this.paused.isOpen, reason: this.paused.reason ?? this.online.reason, online: this.online.isOpen, counts, retryAt };
  }

  /** A refused key: every upload job waits at the gate until `resume()` (a new key, or the user says so). */
  pause(error: ImmichError): void {
    const reason: AppError = {
      code: IMMICH_ERROR_CODES.auth,
      message: `Immich refused the API key (${error.message}). Uploads are paused: enter a valid key with the upload permissions in Settings, then resume.`,
    };
    this.paused.close(reason);
    for (const resolve of this.#pauseWaiters.splice(0)) resolve();
  }

  resume(): void {
    this.#client = null;
    this.paused.open();
  }

  /** Resolves the next time uploads pause (the CLI stops waiting then: nobody is there to enter a key). */
  whenPaused(): Promise<void> {
    if (!this.paused.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.#pauseWaiters.push(resolve));
  }

  /** The server stopped answering: close the online gate and ask it again with backoff until it answers. */
  goOffline(error: ImmichError): void {
    this.online.close({ code: IMMICH_ERROR_CODES.retryable, message: `Immich does not answer (${error.message}). Uploads wait and continue when it is back.` });
    this.#probing ??= this.#probe().finally(() => (this.#probing = null));
  }

  async #probe(): Promise<void> {
    const { baseMs, capMs } = this.#options.offlineProbe ?? { baseMs: 1000, capMs: 30_000 };
    for (let attempt = 0; !this.online.isOpen; attempt++) {
      const wait = Math.min(capMs, baseMs * 2 ** attempt);
      this.#retryAt = Date.now() + wait;
      this.#statusChanged();
      try {
        await delay(wait, undefined, { signal: this.#stopped.signal });
      } catch {
        return;
      }
      const client = await this.client();
      if (!('ping' in client)) return this.online.open();
      try {
        await client.ping({ signal: this.#stopped.signal });
        this.online.open();
      } catch {
        // still down
      }
    }
  }

  #statusChanged(): void {
    this.#options.events.status(this.status());
  }

  #totalsChanged(): void {
    if (this.#totalsTimer) return;
    this.#totalsTimer = setTimeout(() => {
      this.#totalsTimer = null;
      const { uploading, ...counts } = this.uploads.counts();
      this.#options.events.totals({ ...counts, uploading, bytesSent: this.#bytesSent });
    }, 200);
    this.#totalsTimer.unref();
  }

  close(): void {
    this.#stopped.abort();
    if (this.#totalsTimer) clearTimeout(this.#totalsTimer);
    this.paused.dispose();
    this.online.dispose();
    for (const resolve of this.#pauseWaiters.splice(0)) resolve();
  }
}
