import type { CallOptions, ImmichClient } from './immich-client.ts';
import { ImmichError } from './immich-error.ts';

export type Role = 'original' | 'processed';

/**
 * Who else, in this library and this process, holds an asset or is sending the same bytes. An
 * Immich duplicate answer only says "these bytes exist"; before Lightbox treats the asset as this
 * photo's own, it asks here first (UploadService implements it over the uploads table).
 */
export type AssetOwners = {
  /** The other photo recorded with this asset as its original or processed file, or null. */
  otherPhotoWith(assetId: string): string | null;
  /** Marks these bytes as being sent for this photo; returns the other photo sending them right now, or null. */
  claim(sha1: string): string | null;
  release(sha1: string): void;
};

export const noOtherOwners: AssetOwners = { otherPhotoWith: () => null, claim: () => null, release: () => {} };

/** The key of the custom metadata Lightbox writes on both assets of a pair. */
export const METADATA_KEY = 'lightbox';

export type Judgement =
  /** Free to use: unstacked, no other photo's mark on it. */
  | { kind: 'ours' }
  /** In a stack: this photo's own only if the pair's other file is its one other member. */
  | { kind: 'stacked'; stackId: string; assetCount: number }
  | { kind: 'elsewhere'; message: string };

export type DuplicateContext = {
  client: ImmichClient;
  owners: AssetOwners;
  /** The photo's identity (its original's SHA-256), as written in `lightbox` metadata. */
  originalSha256: string | undefined;
  run: <T>(fn: () => Promise<T>) => Promise<T>;
  call: CallOptions;
};

function trashed(role: Role, fileName: string, assetId: string): ImmichError {
  return new ImmichError(
    'trashed-duplicate',
    `The ${role} "${fileName}" is already in Immich but in its trash (asset ${assetId}), and Immich refuses the same bytes again while they are there. ` +
      'Restore it from the trash in Immich, or delete it there for good (empty the trash), then retry the upload.',
    { assetId },
  );
}

const describeRole = (role: Role, fileName: string) => `The ${role === 'original' ? 'original' : 'processed file'} "${fileName}"`;

/**
 * Decides whether an asset Immich named in a duplicate answer may become this photo's: it must not
 * be another photo's file (this library's records, an upload in flight), not carry another photo's
 * `lightbox` link, and not sit in a stack Lightbox did not make for this photo. A trashed one is an
 * error the photographer must resolve in Immich.
 */
export async function judgeDuplicate(ctx: DuplicateContext, role: Role, fileName: string, assetId: string): Promise<Judgement> {
  const other = ctx.owners.otherPhotoWith(assetId);
  if (other) {
    return {
      kind: 'elsewhere',
      message: `${describeRole(role, fileName)} has exactly the bytes of ${other}'s file, already in Immich as asset ${assetId}: it was left with that photo and not stacked here.`,
    };
  }
  const info = await ctx.run(() => ctx.client.getAssetInfo(assetId, ctx.call));
  if (info.isTrashed) throw trashed(role, fileName, assetId);
  const items = await ctx.run(() => ctx.client.getAssetMetadata(assetId, ctx.call));
  const link = items.find((m) => m.key === METADATA_KEY)?.value as { originalSha256?: unknown } | undefined;
  if (ctx.originalSha256 && typeof link?.originalSha256 === 'string' && link.originalSha256 !== ctx.originalSha256) {
    return {
      kind: 'elsewhere',
      message: `${describeRole(role, fileName)} is already in Immich as asset ${assetId}, which Lightbox uploaded for another photo (original ${link.originalSha256.slice(0, 12)}…): it was left alone and not stacked here.`,
    };
  }
  const stack = info.stack;
  return stack ? { kind: 'stacked', stackId: stack.id, assetCount: stack.assetCount } : { kind: 'ours' };
}

/** What the photographer is told about a duplicate found in a stack that is not exactly this photo's pair. */
export function inOtherStack(role: Role, fileName: string, assetId: string, assetCount: number): string {
  return `${describeRole(role, fileName)} is already in Immich as asset ${assetId}, in a stack of ${assetCount} that Lightbox did not make for this photo: it was left in that stack, and this photo's files were not stacked.`;
}

export { trashed as trashedDuplicate };
