import { defaultAlbumCache, type AlbumCache } from './album-cache.ts';
import type { ImmichClient, UploadResult } from './immich-client.ts';
import { ImmichError } from './immich-error.ts';
import { DEFAULT_RETRY, withRetry, type RetryOptions } from './retry.ts';
import type { UploadFileInput } from './upload-file.ts';

export type PairFile = UploadFileInput;
export type Cover = 'processed' | 'original';

export type PairInput = {
  original: PairFile;
  processed: PairFile | null;
  what: 'both' | 'processed' | 'original';
  /** Which file is the stack's cover. Default 'processed'. */
  cover?: Cover;
  albumName?: string;
  /** XMP sent with the uploads: one string for both, or one per file. */
  sidecar?: string | { original?: string; processed?: string };
  recipeId: string;
  recipeHash: string;
  appVersion: string;
};

/** What is known to exist on the server. Persist it after every save() call. */
export type PairState = {
  originalAssetId?: string;
  processedAssetId?: string;
  /** SHA-1 of the processed file `processedAssetId` holds (or is about to hold). */
  processedSha1?: string;
  stackId?: string;
  albumDone?: boolean;
  metadataDone?: boolean;
  /** Earlier processed versions still to take out of the stack and move to the trash. */
  replacedAssetIds?: string[];
};

export type PairOptions = {
  retry?: Partial<RetryOptions>;
  signal?: AbortSignal;
  albums?: AlbumCache;
  /** Bytes read from disk for uploads (progress). */
  onBytes?: (n: number) => void;
};

export type PairOutcome = 'created' | 'duplicate' | 'known' | 'not-wanted';
export type PairResult = { state: PairState; original: PairOutcome; processed: PairOutcome };

type Role = 'original' | 'processed';
const idKey = { original: 'originalAssetId', processed: 'processedAssetId' } as const;

export const METADATA_KEY = 'lightbox';

function trashedDuplicate(role: Role, file: PairFile, assetId: string): ImmichError {
  return new ImmichError(
    'trashed-duplicate',
    `The ${role} "${file.fileName}" is already in Immich, but in the trash (asset ${assetId}). Restore it from Immich's trash, or empty the trash, then retry.`,
    { assetId },
  );
}

/** Drops undefined keys so saved state stays the same after a JSON round trip. */
function clean(state: PairState): PairState {
  return Object.fromEntries(Object.entries(state).filter(([, v]) => v !== undefined)) as PairState;
}

/**
 * Uploads an original and its processed version as one Immich stack, in phases that each check
 * the state first, as Immich's CLI does: (1) duplicate check by SHA-1, (2) uploads, (3) stack with
 * the cover first, (3b) retire replaced renders, (4) album, (5) `lightbox` metadata on the assets.
 * `save` is awaited after every id the server hands back, so a run killed at any point resumes
 * from the saved state without uploading anything twice: re-sent bytes come back "duplicate",
 * re-creating the stack merges into the one made before (its primary is included), re-adding to
 * the album answers "duplicate", metadata is an upsert.
 */
export async function uploadPair(
  client: ImmichClient,
  input: PairInput,
  state: PairState,
  save: (state: PairState) => Promise<void> | void,
  options: PairOptions = {},
): Promise<PairResult> {
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry, ...(options.signal ? { signal: options.signal } : {}) };
  const run = <T>(fn: () => Promise<T>) => withRetry(fn, retry);
  const call = options.signal ? { signal: options.signal } : {};
  const wants: Record<Role, boolean> = { original: input.what !== 'processed', processed: input.what !== 'original' };
  const processed = input.processed;
  if (wants.processed && !processed) throw new ImmichError('invalid', `"${input.what}" needs a processed file, and none was given`);
  if (processed && wants.original && wants.processed && processed.sha1.toLowerCase() === input.original.sha1.toLowerCase()) {
    throw new ImmichError('invalid', 'The processed file is byte-identical to the original: Immich would keep one asset, so there is nothing to stack');
  }
  const fileOf = (role: Role): PairFile => (role === 'original' ? input.original : processed!);
  const sidecarOf = (role: Role) => (typeof input.sidecar === 'string' ? input.sidecar : input.sidecar?.[role]);

  let s = clean(state);
  const commit = async (patch: PairState) => {
    s = clean({ ...s, ...patch });
    await save({ ...s, ...(s.replacedAssetIds ? { replacedAssetIds: [...s.replacedAssetIds] } : {}) });
  };
  const outcome: Record<Role, PairOutcome> = { original: 'not-wanted', processed: 'not-wanted' };

  // Re-render: the processed file changed. Forget the old asset (keep it to retire later) and
  // every phase that depended on it; the original stays as it is.
  if (wants.processed && s.processedAssetId && s.processedSha1?.toLowerCase() !== processed!.sha1.toLowerCase()) {
    await commit({
      replacedAssetIds: [...(s.replacedAssetIds ?? []), s.processedAssetId],
      processedAssetId: undefined,
      processedSha1: processed!.sha1.toLowerCase(),
      stackId: undefined,
      albumDone: undefined,
      metadataDone: undefined,
    });
  }

  // (1) Duplicate check for what the state does not know yet.
  const missing = (['original', 'processed'] as const).filter((role) => wants[role] && !s[idKey[role]]);
  for (const role of (['original', 'processed'] as const).filter((r) => wants[r] && !missing.includes(r))) outcome[role] = 'known';
  if (missing.length > 0) {
    const results = await run(() => client.bulkCheck(missing.map((role) => ({ id: role, checksum: fileOf(role).sha1.toLowerCase() })), call));
    for (const result of results) {
      if (result.action !== 'reject') continue;
      const role = result.id as Role;
      if (!missing.includes(role)) continue;
      if (result.isTrashed) throw trashedDuplicate(role, fileOf(role), result.assetId);
      outcome[role] = 'duplicate';
      await commit({ [idKey[role]]: result.assetId, ...(role === 'processed' ? { processedSha1: fileOf(role).sha1.toLowerCase() } : {}) });
    }
  }

  // (2) Uploads, streamed from disk; a duplicate answer is as good as a created one.
  for (const role of missing) {
    if (s[idKey[role]]) continue;
    const file = fileOf(role);
    const sidecar = sidecarOf(role);
    const answer: UploadResult = await run(() =>
      client.upload(file, { ...call, ...(sidecar !== undefined ? { sidecar } : {}), ...(options.onBytes ? { onBytes: options.onBytes } : {}) }),
    );
    if (answer.status === 'duplicate') {
      // The bulk check said new; another client may have raced us, possibly into the trash.
      const info = await run(() => client.getAssetInfo(answer.id, call));
      if (info.isTrashed) throw trashedDuplicate(role, file, answer.id);
    }
    outcome[role] = answer.status;
    await commit({ [idKey[role]]: answer.id, ...(role === 'processed' ? { processedSha1: file.sha1.toLowerCase() } : {}) });
  }

  // (3) One stack, cover first. Replaced renders are included so their stack merges into this one.
  if (wants.original && wants.processed && !s.stackId) {
    const cover = input.cover ?? 'processed';
    const first = s[idKey[cover]]!;
    const second = s[idKey[cover === 'processed' ? 'original' : 'processed']]!;
    const extra = (s.replacedAssetIds ?? []).filter((id) => id !== first && id !== second);
    const stack = await run(() => client.createStack([first, second, ...extra], call));
    await commit({ stackId: stack.id });
  }

  // (3b) Retire replaced renders: out of the stack, into the trash (recoverable, never forced).
  if (s.replacedAssetIds?.length) {
    const replaced = s.replacedAssetIds;
    for (const id of replaced) {
      if (!s.stackId) break;
      const stackId = s.stackId;
      await run(() => client.removeAssetFromStack(stackId, id, call)).catch((error: unknown) => {
        // "Asset not in stack" after a crash between this call and the save below.
        if (!(error instanceof ImmichError && error.kind === 'invalid')) throw error;
      });
    }
    await run(() => client.deleteAssets(replaced, call)).catch(async (error: unknown) => {
      if (!(error instanceof ImmichError && error.kind === 'invalid')) throw error;
      // One id already deleted for good fails the whole call: trash the others one by one.
      for (const id of replaced) {
        await run(() => client.deleteAssets([id], call)).catch((inner: unknown) => {
          if (!(inner instanceof ImmichError && inner.kind === 'invalid')) throw inner;
        });
      }
    });
    await commit({ replacedAssetIds: undefined });
  }

  const assetIds = (['original', 'processed'] as const).filter((r) => wants[r]).map((r) => s[idKey[r]]!);

  // (4) Album: both assets (an album shows only what was added, not the rest of a stack).
  if (input.albumName && !s.albumDone) {
    const albums = options.albums ?? defaultAlbumCache;
    const name = input.albumName;
    const add = async () => {
      const albumId = await albums.idFor(client, name, run, call);
      return run(() => client.addAssetsToAlbum(albumId, assetIds, call));
    };
    let results;
    try {
      results = await add();
    } catch (error) {
      // The cached album may have been deleted in Immich: look it up (or create it) again, once.
      if (!(error instanceof ImmichError && error.kind === 'invalid')) throw error;
      albums.forget(client, name);
      results = await add();
    }
    const refused = results.filter((r) => !r.success && r.error !== 'duplicate');
    if (refused.length > 0) {
      throw new ImmichError('invalid', `Immich refused to add ${refused.map((r) => `${r.id} (${r.error ?? 'unknown'})`).join(', ')} to the album "${name}"`);
    }
    await commit({ albumDone: true });
  }

  // (5) The link between the two and the recipe, readable from either asset.
  if (!s.metadataDone) {
    const value = {
      recipeId: input.recipeId,
      recipeHash: input.recipeHash,
      originalAssetId: s.originalAssetId ?? null,
      processedAssetId: s.processedAssetId ?? null,
      appVersion: input.appVersion,
    };
    for (const id of assetIds) await run(() => client.updateAssetMetadata(id, METADATA_KEY, value, call));
    await commit({ metadataDone: true });
  }

  return { state: { ...s }, original: outcome.original, processed: outcome.processed };
}
