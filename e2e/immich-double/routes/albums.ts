import { z } from 'zod';
import { albumDto } from '../dto.ts';
import { json, noAccess, parseWith } from '../http.ts';
import type { Ctx, Route } from '../router.ts';
import type { AlbumRecord } from '../store.ts';

const CreateAlbum = z.object({
  albumName: z.string(),
  description: z.string().nullable().optional(),
  assetIds: z.array(z.uuidv4()).optional(),
  albumUsers: z.array(z.unknown()).optional(),
});
const BulkIds = z.object({ ids: z.array(z.uuidv4()) });

function requireAlbum(ctx: Ctx, permission: string): AlbumRecord {
  const album = ctx.env.store.ownedAlbum(ctx.auth.user.id, ctx.params['id'] ?? '');
  if (!album) throw noAccess(permission);
  return album;
}

const dto = (ctx: Ctx, album: AlbumRecord) => albumDto(ctx.env.store, album, ctx.auth.user);

export const albumRoutes: Route[] = [
  {
    method: 'POST',
    path: '/albums',
    permission: 'album.create',
    async handle(ctx) {
      const body = parseWith(CreateAlbum, await ctx.body());
      const album = ctx.env.store.createAlbum(ctx.auth.user.id, body.albumName, body.description ?? '');
      // Like Immich, ids the user cannot access are skipped silently at creation.
      for (const id of new Set(body.assetIds ?? [])) {
        if (ctx.env.store.owned(ctx.auth.user.id, id)) ctx.env.store.addToAlbum(album, id);
      }
      return json(201, dto(ctx, album));
    },
  },
  {
    method: 'GET',
    path: '/albums',
    permission: 'album.read',
    handle(ctx) {
      const assetId = ctx.query.get('assetId');
      const albums = [...ctx.env.store.albums.values()].filter(
        (a) => a.ownerId === ctx.auth.user.id && (!assetId || a.assetIds.includes(assetId)),
      );
      return json(200, albums.map((a) => dto(ctx, a)));
    },
  },
  {
    method: 'GET',
    path: '/albums/:id',
    permission: 'album.read',
    uuidParams: ['id'],
    handle: (ctx) => json(200, dto(ctx, requireAlbum(ctx, 'album.read'))),
  },
  {
    method: 'PUT',
    path: '/albums/:id/assets',
    permission: 'albumAsset.create',
    uuidParams: ['id'],
    async handle(ctx) {
      const { ids } = parseWith(BulkIds, await ctx.body());
      const album = requireAlbum(ctx, 'albumAsset.create');
      // Only the listed asset is added: a stacked asset does not bring its stack along.
      const results = ids.map((id) => {
        if (album.assetIds.includes(id)) return { id, success: false, error: 'duplicate' };
        if (!ctx.env.store.owned(ctx.auth.user.id, id)) return { id, success: false, error: 'no_permission' };
        ctx.env.store.addToAlbum(album, id);
        return { id, success: true };
      });
      return json(200, results);
    },
  },
];
