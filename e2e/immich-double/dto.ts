import { createHash } from 'node:crypto';
import type { User } from './auth.ts';
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

export function assetDto(store: Store, asset: AssetRecord) {
  const stack = asset.stackId ? store.stacks.get(asset.stackId) : undefined;
  return {
    id: asset.id,
    ownerId: asset.ownerId,
    checksum: asset.checksum.toString('base64'),
    type: asset.type,
    originalFileName: asset.originalFileName,
    originalMimeType: asset.mimeType,
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
    hasMetadata: true,
    // The double does not decode images: dimensions and thumbhash stay as before extraction.
    width: null,
    height: null,
    thumbhash: null,
    resized: true,
    people: [],
    tags: asset.tags.map((value) => tagDto(asset, value)),
    exifInfo: {
      description: asset.description,
      rating: asset.rating,
      fileSizeInByte: asset.size,
      dateTimeOriginal: asset.dateTimeOriginal ?? asset.fileCreatedAt,
      modifyDate: asset.fileModifiedAt,
      latitude: asset.latitude,
      longitude: asset.longitude,
      make: null,
      model: null,
      lensModel: null,
      exifImageWidth: null,
      exifImageHeight: null,
      orientation: null,
      timeZone: null,
      city: null,
      state: null,
      country: null,
      projectionType: null,
    },
    stack: stack
      ? { id: stack.id, primaryAssetId: stack.primaryAssetId, assetCount: store.stackMembers(stack.id).length }
      : null,
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

export function stackDto(store: Store, stack: StackRecord) {
  return {
    id: stack.id,
    primaryAssetId: stack.primaryAssetId,
    assets: store.stackMembers(stack.id).map((a) => assetDto(store, a)),
  };
}
