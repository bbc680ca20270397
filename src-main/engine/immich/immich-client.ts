import * as immich from '@immich/sdk';
import { inspect } from 'node:util';
import { ImmichError, toImmichError } from './immich-error.ts';
import { streamingFetch } from './streaming-fetch.ts';
import { uploadForm, type UploadFileInput } from './upload-file.ts';

export type ImmichClientOptions = {
  /** e.g. https://photos.example.com/api (a missing /api is added). */
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
  /** Per-request deadline for everything but uploads (ms). Default 30 s. */
  timeoutMs?: number;
};

export type CallOptions = { signal?: AbortSignal };
type SdkOpts = { baseUrl: string; fetch: typeof fetch; headers: Record<string, string>; signal?: AbortSignal };
export type UploadResult = { id: string; status: 'created' | 'duplicate' };
export type BulkCheckResult = { id: string; action: 'accept' } | { id: string; action: 'reject'; assetId: string; isTrashed: boolean; reason?: string };
export type UploadOptions = CallOptions & { sidecar?: string; onBytes?: (n: number) => void };

export function normalizeBaseUrl(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '');
  return /\/api$/.test(trimmed) ? trimmed : `${trimmed}/api`;
}

/**
 * One Immich server + key. Every call passes its own baseUrl, fetch and x-api-key to the SDK, so two
 * clients (two servers, parallel tests) never share the SDK's global `defaults`. Every failure is an
 * ImmichError; an abort from the caller's signal is rethrown as is.
 */
export class ImmichClient {
  readonly baseUrl: string;
  readonly #apiKey: string;
  readonly #fetch: typeof fetch;
  readonly #uploadFetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(options: ImmichClientOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.#apiKey = options.apiKey;
    // jsonOnly turns a proxy's HTML answer into MalformedResponseError instead of a JSON parse crash.
    this.#fetch = immich.jsonOnly(options.fetch);
    // Uploads go through node:http unless a fetch was injected (see streaming-fetch.ts for why).
    this.#uploadFetch = immich.jsonOnly(options.fetch ?? streamingFetch);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  #opts(call: CallOptions, timeout: boolean, upload = false): SdkOpts {
    const signals = [call.signal, timeout ? AbortSignal.timeout(this.#timeoutMs) : undefined].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    return { baseUrl: this.baseUrl, fetch: upload ? this.#uploadFetch : this.#fetch, headers: { 'x-api-key': this.#apiKey }, ...(signal ? { signal } : {}) };
  }

  async #call<T>(what: string, call: CallOptions, run: (opts: SdkOpts) => Promise<T>, timeout = true, upload = false): Promise<T> {
    try {
      return await run(this.#opts(call, timeout, upload));
    } catch (error) {
      if (call.signal?.aborted) throw call.signal.reason ?? error;
      throw toImmichError(error, what);
    }
  }

  ping(call: CallOptions = {}) {
    return this.#call('ping', call, (o) => immich.pingServer(o));
  }
  version(call: CallOptions = {}) {
    return this.#call('server version', call, (o) => immich.getServerVersion(o));
  }
  myApiKey(call: CallOptions = {}) {
    return this.#call('read API key', call, (o) => immich.getMyApiKey(o));
  }

  /** `checksum` is hex or base64 SHA-1; `id` is ours and comes back in the result. */
  async bulkCheck(assets: ReadonlyArray<{ id: string; checksum: string }>, call: CallOptions = {}): Promise<BulkCheckResult[]> {
    if (assets.length === 0) return [];
    const answer = await this.#call('duplicate check', call, (o) => immich.checkBulkUpload({ assetBulkUploadCheckDto: { assets: [...assets] } }, o));
    return answer.results.map((r) =>
      r.action === 'reject' && r.assetId
        ? { id: r.id, action: 'reject' as const, assetId: r.assetId, isTrashed: r.isTrashed === true, ...(r.reason ? { reason: r.reason } : {}) }
        : { id: r.id, action: 'accept' as const },
    );
  }

  /** Streams the file from disk; duplicate answers are results, not errors. */
  async upload(file: UploadFileInput, options: UploadOptions = {}): Promise<UploadResult> {
    const what = `upload ${file.fileName}`;
    let form;
    try {
      form = await uploadForm(file, options.sidecar, options.onBytes);
    } catch (error) {
      throw toImmichError(error, what);
    }
    // No deadline: a large file on a slow link may take long; the caller's signal can stop it.
    const answer = await this.#call(what, options, (o) => immich.uploadAsset({ assetMediaCreateDto: form, xImmichChecksum: file.sha1.toLowerCase() }, o), false, true);
    if (answer.status !== 'created' && answer.status !== 'duplicate') {
      throw new ImmichError('invalid', `${what}: unexpected upload status ${String(answer.status)}`);
    }
    return { id: answer.id, status: answer.status };
  }

  getAssetInfo(id: string, call: CallOptions = {}) {
    return this.#call('read asset', call, (o) => immich.getAssetInfo({ id }, o));
  }
  deleteAssets(ids: string[], options: CallOptions & { force?: boolean } = {}) {
    return this.#call('delete assets', options, (o) => immich.deleteAssets({ assetBulkDeleteDto: { ids, ...(options.force ? { force: true } : {}) } }, o)).then(() => undefined);
  }

  /** With `assetId`: only the albums holding that asset. */
  getAllAlbums(call: CallOptions & { assetId?: string } = {}) {
    return this.#call('list albums', call, (o) => immich.getAllAlbums(call.assetId ? { assetId: call.assetId } : {}, o));
  }
  createAlbum(albumName: string, call: CallOptions & { assetIds?: string[] } = {}) {
    return this.#call('create album', call, (o) => immich.createAlbum({ createAlbumDto: { albumName, ...(call.assetIds ? { assetIds: call.assetIds } : {}) } }, o));
  }
  addAssetsToAlbum(albumId: string, ids: string[], call: CallOptions = {}) {
    return this.#call('add to album', call, (o) => immich.addAssetsToAlbum({ id: albumId, bulkIdsDto: { ids } }, o));
  }

  /** The first id becomes the cover; stacks whose primary is among the ids are merged in. */
  createStack(assetIds: string[], call: CallOptions = {}) {
    return this.#call('create stack', call, (o) => immich.createStack({ stackCreateDto: { assetIds } }, o));
  }
  getStack(id: string, call: CallOptions = {}) {
    return this.#call('read stack', call, (o) => immich.getStack({ id }, o));
  }
  updateStack(id: string, primaryAssetId: string, call: CallOptions = {}) {
    return this.#call('set stack cover', call, (o) => immich.updateStack({ id, stackUpdateDto: { primaryAssetId } }, o));
  }
  removeAssetFromStack(stackId: string, assetId: string, call: CallOptions = {}) {
    return this.#call('remove from stack', call, (o) => immich.removeAssetFromStack({ id: stackId, assetId }, o)).then(() => undefined);
  }

  updateAssetMetadata(id: string, key: string, value: Record<string, unknown>, call: CallOptions = {}) {
    return this.#call('write asset metadata', call, (o) => immich.updateAssetMetadata({ id, assetMetadataUpsertDto: { items: [{ key, value }] } }, o));
  }
  getAssetMetadata(id: string, call: CallOptions = {}) {
    return this.#call('read asset metadata', call, (o) => immich.getAssetMetadata({ id }, o));
  }

  // Never let the key reach a log line or a serialised error report.
  toJSON() {
    return { baseUrl: this.baseUrl, apiKey: '[redacted]' };
  }
  [inspect.custom]() {
    return `ImmichClient { baseUrl: '${this.baseUrl}', apiKey: [redacted] }`;
  }
}

export function createImmichClient(options: ImmichClientOptions): ImmichClient {
  return new ImmichClient(options);
}
