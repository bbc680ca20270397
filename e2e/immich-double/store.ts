import { randomUUID } from 'node:crypto';
import type { BlobRef, BlobStore } from './blobs.ts';
import type { SidecarValues } from './xmp.ts';

export type AssetType = 'IMAGE' | 'VIDEO' | 'OTHER';
export type Visibility = 'archive' | 'timeline' | 'hidden' | 'locked';

export type MetadataItem = { value: Record<string, unknown>; updatedAt: string };

export type AssetRecord = {
  id: string;
  ownerId: string;
  checksum: Buffer;
  originalFileName: string;
  /** Extension of the uploaded part's filename, used for originalPath and the MIME type. */
  extension: string;
  mimeType: string;
  type: AssetType;
  fileCreatedAt: string;
  fileModifiedAt: string;
  localDateTime: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  isFavorite: boolean;
  visibility: Visibility;
  duration: number | null;
  livePhotoVideoId: string | null;
  stackId: string | null;
  blob: BlobRef;
  size: number;
  sidecarXmp: string | null;
  sidecar: SidecarValues | null;
  description: string;
  rating: number | null;
  dateTimeOriginal: string | null;
  /** exifInfo.timeZone after extraction: "UTC+3", "Europe/Prague" or null. */
  timeZone: string | null;
  latitude: number | null;
  longitude: number | null;
  tags: string[];
  /** False until the metadata extraction job ran (exifInfo is then mostly empty, as on the server). */
  extracted: boolean;
  metadata: Map<string, MetadataItem>;
};

export type AlbumRecord = {
  id: string;
  ownerId: string;
  albumName: string;
  description: string;
  assetIds: string[];
  albumThumbnailAssetId: string | null;
  createdAt: string;
  updatedAt: string;
};

export type StackRecord = { id: string; ownerId: string; primaryAssetId: string; createdAt: string; updatedAt: string };

/** Immich's `fromChecksum`: 28 characters is base64, anything else is read as hex. */
export function fromChecksum(checksum: string): Buffer {
  return Buffer.from(checksum, checksum.length === 28 ? 'base64' : 'hex');
}

export const now = () => new Date().toISOString();

export class Store {
  readonly assets = new Map<string, AssetRecord>();
  readonly albums = new Map<string, AlbumRecord>();
  readonly stacks = new Map<string, StackRecord>();
  readonly blobs: BlobStore;

  constructor(blobs: BlobStore) {
    this.blobs = blobs;
  }

  /** Includes trashed assets: Immich's checksum unique constraint does not care about the trash. */
  findByChecksum(ownerId: string, checksum: Buffer): AssetRecord | undefined {
    for (const asset of this.assets.values()) {
      if (asset.ownerId === ownerId && asset.checksum.equals(checksum)) return asset;
    }
    return undefined;
  }

  /** The asset if it exists and belongs to the user (Immich's owner access check). */
  owned(ownerId: string, id: string): AssetRecord | undefined {
    const asset = this.assets.get(id);
    return asset && asset.ownerId === ownerId ? asset : undefined;
  }

  ownedAlbum(ownerId: string, id: string): AlbumRecord | undefined {
    const album = this.albums.get(id);
    return album && album.ownerId === ownerId ? album : undefined;
  }

  ownedStack(ownerId: string, id: string): StackRecord | undefined {
    const stack = this.stacks.get(id);
    return stack && stack.ownerId === ownerId ? stack : undefined;
  }

  /** Live (not trashed) members, as Immich's stack queries return them. */
  stackMembers(stackId: string): AssetRecord[] {
    return [...this.assets.values()].filter((a) => a.stackId === stackId && a.deletedAt === null);
  }

  addAsset(fields: Omit<AssetRecord, 'id' | 'createdAt' | 'updatedAt' | 'metadata' | 'stackId' | 'deletedAt'>): AssetRecord {
    const at = now();
    const asset: AssetRecord = {
      ...fields,
      id: randomUUID(),
      createdAt: at,
      updatedAt: at,
      deletedAt: null,
      stackId: null,
      metadata: new Map(),
    };
    this.assets.set(asset.id, asset);
    return asset;
  }

  trash(asset: AssetRecord): void {
    asset.deletedAt = now();
    asset.updatedAt = asset.deletedAt;
  }

  async deleteForever(asset: AssetRecord): Promise<void> {
    this.assets.delete(asset.id);
    for (const album of this.albums.values()) {
      album.assetIds = album.assetIds.filter((id) => id !== asset.id);
      if (album.albumThumbnailAssetId === asset.id) album.albumThumbnailAssetId = album.assetIds[0] ?? null;
    }
    for (const stack of this.stacks.values()) {
      // The stack row references its primary asset; deleting that asset removes the stack.
      if (stack.primaryAssetId === asset.id) this.deleteStack(stack.id);
    }
    await this.blobs.remove(asset.blob);
  }

  deleteStack(id: string): void {
    this.stacks.delete(id);
    for (const asset of this.assets.values()) if (asset.stackId === id) asset.stackId = null;
  }

  createAlbum(ownerId: string, albumName: string, description: string): AlbumRecord {
    const at = now();
    const album: AlbumRecord = {
      id: randomUUID(),
      ownerId,
      albumName,
      description,
      assetIds: [],
      albumThumbnailAssetId: null,
      createdAt: at,
      updatedAt: at,
    };
    this.albums.set(album.id, album);
    return album;
  }

  addToAlbum(album: AlbumRecord, assetId: string): void {
    album.assetIds.push(assetId);
    album.albumThumbnailAssetId ??= assetId;
    album.updatedAt = now();
  }

  createStack(ownerId: string, primaryAssetId: string): StackRecord {
    const at = now();
    const stack: StackRecord = { id: randomUUID(), ownerId, primaryAssetId, createdAt: at, updatedAt: at };
    this.stacks.set(stack.id, stack);
    return stack;
  }
}
