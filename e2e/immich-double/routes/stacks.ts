import { z } from 'zod';
import { stackDto } from '../dto.ts';
import { ApiError, json, noAccess, noContent, parseWith } from '../http.ts';
import type { Ctx, Route } from '../router.ts';
import { now, type StackRecord } from '../store.ts';

// Zod's own min() message ("Too small: expected array to have >=2 items") is what v3 answers.
const CreateStack = z.object({ assetIds: z.array(z.uuidv4()).min(2) });
const UpdateStack = z.object({ primaryAssetId: z.uuidv4().optional() });
const BulkIds = z.object({ ids: z.array(z.uuidv4()) });

function requireStack(ctx: Ctx, permission: string, id = ctx.params['id'] ?? ''): StackRecord {
  const stack = ctx.env.store.ownedStack(ctx.auth.user.id, id);
  if (!stack) throw noAccess(permission);
  return stack;
}

/**
 * Immich's StackRepository.create: stacks whose PRIMARY is among the ids are dissolved into the new
 * one (all their live members join); the first id becomes the primary. A non-primary member of
 * another stack simply moves, leaving that stack smaller.
 */
function createStack(ctx: Ctx, assetIds: string[]): StackRecord {
  const { store } = ctx.env;
  const ownerId = ctx.auth.user.id;
  // Immich checks asset.update access on every id before touching anything.
  if (assetIds.some((id) => !store.owned(ownerId, id))) throw noAccess('asset.update');
  const members = new Set(assetIds);
  const merged = [...store.stacks.values()].filter((s) => s.ownerId === ownerId && members.has(s.primaryAssetId));
  for (const stack of merged) {
    // Live members join (whatever their visibility); trashed ones lose their stack with its row.
    for (const asset of store.stackMembers(stack.id)) members.add(asset.id);
    store.deleteStack(stack.id);
  }
  const stack = store.createStack(ownerId, assetIds[0]!);
  const at = now();
  for (const id of members) {
    const asset = store.assets.get(id);
    if (!asset) continue;
    asset.stackId = stack.id;
    asset.updatedAt = at;
  }
  return stack;
}

export const stackRoutes: Route[] = [
  {
    method: 'POST',
    path: '/stacks',
    permission: 'stack.create',
    async handle(ctx) {
      const { assetIds } = parseWith(CreateStack, await ctx.body());
      return json(201, stackDto(ctx.env.store, createStack(ctx, assetIds)));
    },
  },
  {
    method: 'GET',
    path: '/stacks',
    permission: 'stack.read',
    handle(ctx) {
      const primaryAssetId = ctx.query.get('primaryAssetId');
      const stacks = [...ctx.env.store.stacks.values()].filter(
        (s) => s.ownerId === ctx.auth.user.id && (!primaryAssetId || s.primaryAssetId === primaryAssetId),
      );
      return json(200, stacks.map((s) => stackDto(ctx.env.store, s)));
    },
  },
  {
    method: 'DELETE',
    path: '/stacks',
    permission: 'stack.delete',
    async handle(ctx) {
      const { ids } = parseWith(BulkIds, await ctx.body());
      for (const id of ids) requireStack(ctx, 'stack.delete', id);
      for (const id of ids) ctx.env.store.deleteStack(id);
      return noContent();
    },
  },
  {
    method: 'GET',
    path: '/stacks/:id',
    permission: 'stack.read',
    uuidParams: ['id'],
    handle: (ctx) => json(200, stackDto(ctx.env.store, requireStack(ctx, 'stack.read'))),
  },
  {
    method: 'PUT',
    path: '/stacks/:id',
    permission: 'stack.update',
    uuidParams: ['id'],
    async handle(ctx) {
      const { primaryAssetId } = parseWith(UpdateStack, await ctx.body());
      const stack = requireStack(ctx, 'stack.update');
      if (primaryAssetId) {
        if (!ctx.env.store.stackMembers(stack.id).some((a) => a.id === primaryAssetId)) {
          throw new ApiError(400, 'Primary asset must be in the stack');
        }
        stack.primaryAssetId = primaryAssetId;
        stack.updatedAt = now();
      }
      return json(200, stackDto(ctx.env.store, stack));
    },
  },
  {
    method: 'DELETE',
    path: '/stacks/:id',
    permission: 'stack.delete',
    uuidParams: ['id'],
    handle(ctx) {
      ctx.env.store.deleteStack(requireStack(ctx, 'stack.delete').id);
      return noContent();
    },
  },
  {
    method: 'DELETE',
    path: '/stacks/:id/assets/:assetId',
    permission: 'stack.update',
    uuidParams: ['id', 'assetId'],
    handle(ctx) {
      const stack = requireStack(ctx, 'stack.update');
      const asset = ctx.env.store.assets.get(ctx.params['assetId'] ?? '');
      if (!asset || asset.stackId !== stack.id) throw new ApiError(400, 'Asset not in stack');
      if (stack.primaryAssetId === asset.id) throw new ApiError(400, "Cannot remove stack's primary asset");
      asset.stackId = null;
      asset.updatedAt = now();
      return noContent();
    },
  },
];
