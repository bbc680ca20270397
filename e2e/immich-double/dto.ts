import { createHash } from 'node:crypto';
import type { User } from './auth.ts';
import { postgresTimestamp } from './immich-dates.ts';
import { mediaTypeOf } from './media-types.ts';
import type { AlbumRecord, AssetRecord, StackRecord, Store } from './store.ts';

/** Shapes of Immich's response DTOs (AssetResponseDto, AlbumResponseDto, StackResponseDto...). */

export function userDto(user: User) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    avatarColor: 'primary',
    profileImagePath: '',
    profileChangedAt: user.createdAt,
  };
}

/** Stable ids per tag path so repeated reads return the same TagResponseDto. */
function tagId(ownerId: string, value: string): string {
  const h = createHash('sha1').update(`${ownerId}\0${value}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function tagDto(asset: AssetRecord, value: string) {
  const slash = value.lastIndexOf('/');
  const parent = slash > 0 ? value.slice(0, slash) : undefined;
  return {
    id: tagId(asset.ownerId, value),
    name: slash >= 0 ? value.slice(slash + 1) : value,
    value,
    createdAt: asset.createdAt,
    updatedAt: asset.updatedAt,
    ...(parent ? { parentId: tagId(asset.ownerId, parent) } : {}),
  };
}

/**
 * `AssetResponse.stack` (asset.repository getById): the stack's members other than its PRIMARY that
 * are neither trashed nor off the timeline; null when there are none (a one-member stack, or every
 * other member trashed). assetCount counts those members plus one.
 */
export function stackSummary(store: Store, asset: AssetRecord): { id: string; primaryAssetId: string; assetCount: number } | null {
  const stack = asset.stackId ? store.stacks.get(asset.stackId) : undefined;
  if (!stack) return null;
  const others = [...store.assets.values()].filter(
    (a) => a.stackId === stack.id && a.id !== stack.primaryAssetId && a.deletedAt === null && a.visibility === 'timeline',
  );
  return others.length === 0 ? null : { id: stack.id, primaryAssetId: stack.primaryAssetId, assetCount: others.length + 1 };
}

function exifDto(asset: AssetRecord) {
  const base = {
    make: null, model: null, lensModel: null, exifImageWidth: null, exifImageHeight: null, orientation: null, city: null, state: null,
    country: null, projectionType: null, fNumber: null, focalLength: null, iso: null, exposureTime: null, fileSizeInByte: asset.size,
  };
  // Before the metadata job has run, the server has only the file size and what a PUT set.
  if (!asset.extracted) {
    return { ...base, description: asset.description, rating: asset.rating, dateTimeOriginal: null, modifyDate: null, timeZone: null, latitude: null, longitude: null };
  }
  return {
    ...base,
    description: asset.description,
    rating: asset.rating,
    dateTimeOriginal: asset.dateTimeOriginal ? postgresTimestamp(asset.dateTimeOriginal) : null,
    modifyDate: postgresTimestamp(asset.fileModifiedAt),
    timeZone: asset.timeZone,
    latitude: asset.latitude,
    longitude: asset.longitude,
  };
}

export function assetDto(store: Store, asset: AssetRecord) {
  return {
    id: asset.id,
    ownerId: asset.ownerId,
    checksum: asset.checksum.toString('base64'),
    type: asset.type,
    originalFileName: asset.originalFileName,
    // Looked up from the original file NAME, not the stored file.
    originalMimeType: mediaTypeOf(asset.originalFileName)?.mime ?? 'application/octet-stream',
    originalPath: `/data/upload/${asset.ownerId}/${asset.id.slice(0, 2)}/${asset.id.slice(2, 4)}/${asset.id}${asset.extension}`,
    fileCreatedAt: asset.fileCreatedAt,
    fileModifiedAt: asset.fileModifiedAt,
    localDateTime: asset.localDateTime,
    createdAt: asset.createdAt,
    updatedAt: asset.updatedAt,
    isFavorite: asset.isFavorite,
    isArchived: asset.visibility === 'archive',
    isTrashed: asset.deletedAt !== null,
    isOffline: false,
    isEdited: false,
    visibility: asset.visibility,
    duration: asset.duration,
    livePhotoVideoId: asset.livePhotoVideoId,
    libraryId: null,
    duplicateId: null,
    // Always true in v3.1 responses (it does not say whether custom metadata exists).
    hasMetadata: true,
    // The double does not decode images: dimensions and thumbhash stay as before extraction.
    width: null,
    height: null,
    thumbhash: null,
    resized: true,
    people: [],
    tags: asset.tags.map((value) => tagDto(asset, value)),
    exifInfo: exifDto(asset),
    stack: stackSummary(store, asset),
  };
}

export function albumDto(store: Store, album: AlbumRecord, owner: User) {
  const dates = album.assetIds
    .map((id) => store.assets.get(id)?.fileCreatedAt)
    .filter((d): d is string => d !== undefined)
    .sort();
  return {
    id: album.id,
    albumName: album.albumName,
    description: album.description,
    albumThumbnailAssetId: album.albumThumbnailAssetId,
    albumUsers: [{ role: 'owner', user: userDto(owner) }],
    assetCount: album.assetIds.length,
    createdAt: album.createdAt,
    updatedAt: album.updatedAt,
    hasSharedLink: false,
    isActivityEnabled: true,
    shared: false,
    order: 'desc',
    ...(dates.length > 0 ? { startDate: dates[0], endDate: dates[dates.length - 1], lastModifiedAssetTimestamp: album.updatedAt } : {}),
  };
}

/** Stack responses list live members on the timeline or in the archive, the primary first. */
export function stackDto(store: Store, stack: StackRecord) {
  const members = store.stackMembers(stack.id).filter((a) => a.visibility === 'timeline' || a.visibility === 'archive');
  const primary = members.filter((a) => a.id === stack.primaryAssetId);
  return {
    id: stack.id,
    primaryAssetId: stack.primaryAssetId,
    assets: [...primary, ...members.filter((a) => a.id !== stack.primaryAssetId)].map((a) => assetDto(store, a)),
  };
}
