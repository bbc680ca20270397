import { z } from 'zod';
import type { Permission } from '../auth.ts';
import { readAll } from '../blobs.ts';
import { assetDto } from '../dto.ts';
import { ApiError, json, noAccess, noContent, parseWith, type Reply } from '../http.ts';
import type { Ctx, Route } from '../router.ts';
import { now, type AssetRecord } from '../store.ts';

const visibility = z.enum(['archive', 'timeline', 'hidden', 'locked']);
// Immich: 1-5 stars, -1 rejected, null unrated. 0 is accepted and read as "unrated".
const rating = z.number().int().min(-1).max(5).nullable().transform((r) => (r === 0 ? null : r));

const AssetChanges = {
  description: z.string().optional(),
  rating: rating.optional(),
  isFavorite: z.boolean().optional(),
  visibility: visibility.optional(),
  dateTimeOriginal: z.string().optional(),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
};
const UpdateAsset = z.object({ ...AssetChanges, livePhotoVideoId: z.uuidv4().nullable().optional() });
const BulkUpdate = z.object({
  ...AssetChanges,
  ids: z.array(z.uuidv4()),
  dateTimeRelative: z.number().optional(),
  timeZone: z.string().optional(),
  duplicateId: z.string().nullable().optional(),
});
const BulkDelete = z.object({ ids: z.array(z.uuidv4()), force: z.boolean().optional() });
const MetadataUpsert = z.object({
  // Any string is a key, "" included (observed); keys are case-sensitive.
  items: z.array(z.object({ key: z.string(), value: z.record(z.string(), z.unknown()) })),
});

function requireAsset(ctx: Ctx, permission: Permission, id = ctx.params['id'] ?? ''): AssetRecord {
  const asset = ctx.env.store.owned(ctx.auth.user.id, id);
  if (!asset) throw noAccess(permission);
  return asset;
}

function requireAll(ctx: Ctx, permission: Permission, ids: readonly string[]): AssetRecord[] {
  const assets = ids.map((id) => ctx.env.store.owned(ctx.auth.user.id, id));
  if (assets.some((a) => !a)) throw noAccess(permission);
  return assets as AssetRecord[];
}

function applyChanges(asset: AssetRecord, changes: z.infer<typeof BulkUpdate> | z.infer<typeof UpdateAsset>): void {
  if (changes.description !== undefined) asset.description = changes.description;
  if (changes.rating !== undefined) asset.rating = changes.rating;
  if (changes.isFavorite !== undefined) asset.isFavorite = changes.isFavorite;
  if (changes.visibility !== undefined) asset.visibility = changes.visibility;
  if (changes.dateTimeOriginal !== undefined) asset.dateTimeOriginal = changes.dateTimeOriginal;
  if (changes.latitude !== undefined) asset.latitude = changes.latitude;
  if (changes.longitude !== undefined) asset.longitude = changes.longitude;
  if ('livePhotoVideoId' in changes && changes.livePhotoVideoId !== undefined) asset.livePhotoVideoId = changes.livePhotoVideoId;
  asset.updatedAt = now();
}

function metadataDto(key: string, item: { value: Record<string, unknown>; updatedAt: string }) {
  return { key, value: item.value, updatedAt: item.updatedAt };
}

// Renditions are made with sharp on demand and cached; anything sharp cannot decode (video, broken
// files) gets a fixed 1x1 image of the right type: clients only need plausible bytes + content type.
const renditions = new WeakMap<AssetRecord, Map<string, Buffer>>();
async function rendition(ctx: Ctx, asset: AssetRecord, size: string): Promise<{ data: Buffer; type: string }> {
  const webp = size === 'thumbnail';
  const cache = renditions.get(asset) ?? new Map<string, Buffer>();
  renditions.set(asset, cache);
  let data = cache.get(size);
  if (!data) {
    const { default: sharp } = await import('sharp');
    const encode = (image: ReturnType<typeof sharp>) => (webp ? image.webp() : image.jpeg()).toBuffer();
    try {
      const input = await readAll(ctx.env.store.blobs, asset.blob);
      const px = webp ? 250 : 1440;
      data = await encode(sharp(input).rotate().resize(px, px, { fit: 'inside', withoutEnlargement: true }));
    } catch {
      data = await encode(sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } }));
    }
    cache.set(size, data);
  }
  return { data, type: webp ? 'image/webp' : 'image/jpeg' };
}

const id = ['id'] as const;

export const assetRoutes: Route[] = [
  {
    method: 'GET',
    path: '/assets/:id',
    permission: 'asset.read',
    uuidParams: id,
    handle: (ctx) => json(200, assetDto(ctx.env.store, requireAsset(ctx, 'asset.read'))),
  },
  {
    method: 'PUT',
    path: '/assets/:id',
    permission: 'asset.update',
    uuidParams: id,
    async handle(ctx) {
      const changes = parseWith(UpdateAsset, await ctx.body());
      const asset = requireAsset(ctx, 'asset.update');
      applyChanges(asset, changes);
      return json(200, assetDto(ctx.env.store, asset));
    },
  },
  {
    method: 'PUT',
    path: '/assets',
    permission: 'asset.update',
    async handle(ctx) {
      const changes = parseWith(BulkUpdate, await ctx.body());
      for (const asset of requireAll(ctx, 'asset.update', changes.ids)) applyChanges(asset, changes);
      return noContent();
    },
  },
  {
    method: 'DELETE',
    path: '/assets',
    permission: 'asset.delete',
    async handle(ctx) {
      const dto = parseWith(BulkDelete, await ctx.body());
      const assets = requireAll(ctx, 'asset.delete', dto.ids);
      for (const asset of assets) {
        if (dto.force) await ctx.env.store.deleteForever(asset);
        else ctx.env.store.trash(asset);
      }
      return noContent();
    },
  },
  {
    method: 'GET',
    path: '/assets/:id/original',
    permission: 'asset.download',
    uuidParams: id,
    handle(ctx): Reply {
      const asset = requireAsset(ctx, 'asset.download');
      return { kind: 'bytes', status: 200, contentType: asset.mimeType, data: ctx.env.store.blobs.read(asset.blob), length: asset.size };
    },
  },
  {
    method: 'GET',
    path: '/assets/:id/thumbnail',
    permission: 'asset.view',
    uuidParams: id,
    async handle(ctx): Promise<Reply> {
      const asset = requireAsset(ctx, 'asset.view');
      const size = parseWith(z.enum(['thumbnail', 'preview', 'fullsize']).default('thumbnail'), ctx.query.get('size') ?? undefined);
      const { data, type } = await rendition(ctx, asset, size);
      return { kind: 'bytes', status: 200, contentType: type, data, length: data.length };
    },
  },
  {
    method: 'GET',
    path: '/assets/:id/metadata',
    permission: 'asset.read',
    uuidParams: id,
    handle(ctx) {
      const asset = requireAsset(ctx, 'asset.read');
      return json(200, [...asset.metadata].map(([key, item]) => metadataDto(key, item)));
    },
  },
  {
    method: 'PUT',
    path: '/assets/:id/metadata',
    permission: 'asset.update',
    uuidParams: id,
    async handle(ctx) {
      const dto = parseWith(MetadataUpsert, await ctx.body());
      const asset = requireAsset(ctx, 'asset.update');
      const seen = new Set<string>();
      for (const { key } of dto.items) {
        if (seen.has(key)) throw new ApiError(400, `Duplicate items are not allowed: "${key}"`);
        seen.add(key);
      }
      const at = now();
      for (const { key, value } of dto.items) asset.metadata.set(key, { value, updatedAt: at });
      return json(200, dto.items.map(({ key }) => metadataDto(key, asset.metadata.get(key)!)));
    },
  },
  {
    method: 'GET',
    path: '/assets/:id/metadata/:key',
    permission: 'asset.read',
    uuidParams: id,
    handle(ctx) {
      const asset = requireAsset(ctx, 'asset.read');
      const key = ctx.params['key'] ?? '';
      const item = asset.metadata.get(key);
      if (!item) throw new ApiError(400, `Metadata with key "${key}" not found for asset with id "${asset.id}"`);
      return json(200, metadataDto(key, item));
    },
  },
  {
    method: 'DELETE',
    path: '/assets/:id/metadata/:key',
    permission: 'asset.update',
    uuidParams: id,
    handle(ctx) {
      requireAsset(ctx, 'asset.update').metadata.delete(ctx.params['key'] ?? '');
      return noContent();
    },
  },
];
