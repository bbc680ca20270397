import { KeyRing, type ApiKeySpec } from './auth.ts';
import { diskBlobs, memoryBlobs, readAll } from './blobs.ts';
import { FaultControlImpl, type FaultControl } from './faults.ts';
import type { Env, RequestLogEntry, UploadLogEntry } from './router.ts';
import { startServer } from './server.ts';
import { Store, type AlbumRecord, type AssetRecord, type StackRecord } from './store.ts';

export type { ApiKeySpec, Permission } from './auth.ts';
export type { FaultControl, FaultScope, FailOptions } from './faults.ts';
export type { RequestLogEntry, UploadLogEntry } from './router.ts';
export { SERVER_VERSION } from './routes/server-info.ts';

export type ImmichDoubleOptions = {
  /** 0 or absent: a free port. */
  port?: number;
  /** API keys accepted in `x-api-key`. A string has all permissions. Default: one random key. */
  apiKeys?: ReadonlyArray<string | ApiKeySpec>;
  /** Store uploaded bytes as files here (streamed). Default: in memory. */
  storageDir?: string;
};

export type AssetView = {
  id: string;
  ownerId: string;
  /** Base64 SHA-1, as Immich returns it. */
  checksum: string;
  checksumHex: string;
  originalFileName: string;
  mimeType: string;
  size: number;
  fileCreatedAt: string;
  fileModifiedAt: string;
  /** After extraction: wall-clock time as if UTC; the capture instant; the zone found (see immich-dates.ts). */
  localDateTime: string;
  dateTimeOriginal: string | null;
  timeZone: string | null;
  latitude: number | null;
  longitude: number | null;
  isTrashed: boolean;
  isFavorite: boolean;
  description: string;
  rating: number | null;
  tags: string[];
  stackId: string | null;
  sidecarXmp: string | null;
  /** What the sidecar said (dc:subject included even though Immich ignores it for tags). */
  sidecar: { description?: string; rating?: number; tags: string[]; subjects: string[]; dates: Record<string, string>; gps: { latitude: number; longitude: number } | null } | null;
  metadata: Record<string, Record<string, unknown>>;
};
export type AlbumView = { id: string; ownerId: string; albumName: string; description: string; assetIds: string[] };
export type StackView = { id: string; ownerId: string; primaryAssetId: string; assetIds: string[] };
export type MetadataView = { assetId: string; key: string; value: Record<string, unknown>; updatedAt: string };

/** Snapshots: every read returns fresh copies, so tests cannot change the server by accident. */
export interface DoubleState {
  readonly assets: readonly AssetView[];
  readonly albums: readonly AlbumView[];
  readonly stacks: readonly StackView[];
  readonly metadata: readonly MetadataView[];
  /** Every request received, in completion order. */
  readonly requests: readonly RequestLogEntry[];
  /** Every POST /assets attempt and its outcome. */
  readonly uploads: readonly UploadLogEntry[];
  asset(id: string): AssetView | undefined;
  /** The stored bytes of an asset. */
  original(id: string): Promise<Buffer>;
}

export type ImmichDouble = {
  /** e.g. http://127.0.0.1:41234/api — pass as `baseUrl` to @immich/sdk's init(). */
  url: string;
  /** The first configured key. */
  apiKey: string;
  state: DoubleState;
  faults: FaultControl;
  setApiKeys(keys: ReadonlyArray<string | ApiKeySpec>): void;
  close(): Promise<void>;
};

function assetView(asset: AssetRecord): AssetView {
  return structuredClone({
    id: asset.id,
    ownerId: asset.ownerId,
    checksum: asset.checksum.toString('base64'),
    checksumHex: asset.checksum.toString('hex'),
    originalFileName: asset.originalFileName,
    mimeType: asset.mimeType,
    size: asset.size,
    fileCreatedAt: asset.fileCreatedAt,
    fileModifiedAt: asset.fileModifiedAt,
    localDateTime: asset.localDateTime,
    dateTimeOriginal: asset.dateTimeOriginal,
    timeZone: asset.timeZone,
    latitude: asset.latitude,
    longitude: asset.longitude,
    isTrashed: asset.deletedAt !== null,
    isFavorite: asset.isFavorite,
    description: asset.description,
    rating: asset.rating,
    tags: asset.tags,
    stackId: asset.stackId,
    sidecarXmp: asset.sidecarXmp,
    sidecar: asset.sidecar
      ? {
          ...(asset.sidecar.description !== undefined ? { description: asset.sidecar.description } : {}),
          ...(asset.sidecar.rating !== undefined ? { rating: asset.sidecar.rating } : {}),
          tags: asset.sidecar.tags,
          subjects: asset.sidecar.subjects,
          dates: { ...asset.sidecar.dates },
          gps: asset.sidecar.gps,
        }
      : null,
    metadata: Object.fromEntries([...asset.metadata].map(([k, v]) => [k, v.value])),
  });
}

const albumView = (a: AlbumRecord): AlbumView => ({
  id: a.id,
  ownerId: a.ownerId,
  albumName: a.albumName,
  description: a.description,
  assetIds: [...a.assetIds],
});

export async function startImmichDouble(options: ImmichDoubleOptions = {}): Promise<ImmichDouble> {
  const keys = new KeyRing(options.apiKeys);
  const store = new Store(options.storageDir ? diskBlobs(options.storageDir) : memoryBlobs());
  const faults = new FaultControlImpl();
  const env: Env = { store, keys, faults, uploads: [], timers: new Set() };
  const requests: RequestLogEntry[] = [];
  const server = await startServer(env, requests, options.port ?? 0);

  const stackView = (s: StackRecord): StackView => ({
    id: s.id,
    ownerId: s.ownerId,
    primaryAssetId: s.primaryAssetId,
    assetIds: store.stackMembers(s.id).map((a) => a.id),
  });

  const state: DoubleState = {
    get assets() {
      return [...store.assets.values()].map(assetView);
    },
    get albums() {
      return [...store.albums.values()].map(albumView);
    },
    get stacks() {
      return [...store.stacks.values()].map(stackView);
    },
    get metadata() {
      return [...store.assets.values()].flatMap((a) =>
        [...a.metadata].map(([key, item]) => structuredClone({ assetId: a.id, key, value: item.value, updatedAt: item.updatedAt })),
      );
    },
    get requests() {
      return requests.map((r) => ({ ...r }));
    },
    get uploads() {
      return env.uploads.map((u) => ({ ...u }));
    },
    asset(id) {
      const asset = store.assets.get(id);
      return asset ? assetView(asset) : undefined;
    },
    async original(id) {
      const asset = store.assets.get(id);
      if (!asset) throw new Error(`no asset ${id} in the Immich double`);
      return readAll(store.blobs, asset.blob);
    },
  };

  return {
    url: `http://127.0.0.1:${server.port}/api`,
    get apiKey() {
      return keys.first();
    },
    state,
    faults,
    setApiKeys: (specs) => keys.set(specs),
    close: () => server.close(),
  };
}
