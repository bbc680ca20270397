import type { UploadPairState } from '../../contract/index.ts';
import { defaultAlbumCache, type AlbumCache } from './album-cache.ts';
import { inOtherStack, judgeDuplicate, METADATA_KEY, noOtherOwners, trashedDuplicate, type AssetOwners, type DuplicateContext, type Judgement, type Role } from './duplicate-owner.ts';
import type { ImmichClient, UploadResult } from './immich-client.ts';
import { ImmichError } from './immich-error.ts';
import { DEFAULT_RETRY, withRetry, type RetryOptions } from './retry.ts';
import type { UploadFileInput } from './upload-file.ts';

export { METADATA_KEY } from './duplicate-owner.ts';

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
  /** SHA-256 of the original: the photo's identity in the `lightbox` metadata, checked on duplicates. */
  originalSha256?: string;
  recipeId: string;
  recipeHash: string;
  appVersion: string;
};

/** What is known to exist on the server. Persist it after every save() call. */
export type PairState = UploadPairState;

export type PairOptions = {
  retry?: Partial<RetryOptions>;
  signal?: AbortSignal;
  albums?: AlbumCache;
  /** Other photos' assets and uploads in flight: their files are never taken as this photo's. */
  owners?: AssetOwners;
  /** Bytes read from disk for uploads (progress). */
  onBytes?: (n: number) => void;
};

/**
 * created/duplicate: the asset is this photo's (a duplicate answer checked first); known: recorded
 * earlier; elsewhere: the server has these bytes as ANOTHER photo's asset, left alone.
 */
export type PairOutcome = 'created' | 'duplicate' | 'known' | 'elsewhere' | 'not-wanted';
/** What the photographer is told about a file that was not stacked, and why. */
export type PairNotice = { role: Role | 'stack'; assetId: string | null; message: string };
export type PairResult = { state: PairState; original: PairOutcome; processed: PairOutcome; notices: PairNotice[] };

const idKey = { original: 'originalAssetId', processed: 'processedAssetId' } as const;
const ROLES = ['original', 'processed'] as const;

/** Drops undefined keys so saved state stays the same after a JSON round trip. */
function clean(state: PairState): PairState {
  return Object.fromEntries(Object.entries(state).filter(([, v]) => v !== undefined)) as PairState;
}

/**
 * Uploads an original and its processed version as one Immich stack, in phases that each check
 * the state first: (1) duplicate check by SHA-1, (2) uploads, (3) stack with the cover first,
 * (3b) retire replaced renders, (4) album, (5) `lightbox` metadata on the assets. `save` is awaited
 * after every id the server hands back, so a run killed at any point resumes without uploading
 * anything twice (re-sent bytes come back "duplicate"; re-creating the stack merges the one made
 * before, whose primary is included; album and metadata calls are idempotent).
 *
 * A duplicate answer names an asset that may be ANOTHER photo's (identical bytes, or a stack the
 * photographer made): `POST /stacks` would then merge or steal from that photo's stack. So every
 * duplicate is judged first (duplicate-owner.ts) and only this photo's own assets are stacked,
 * added to the album or given metadata; the others are reported as notices.
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
  const owners = options.owners ?? noOtherOwners;
  const wants: Record<Role, boolean> = { original: input.what !== 'processed', processed: input.what !== 'original' };
  const processed = input.processed;
  if (wants.processed && !processed) throw new ImmichError('invalid', `"${input.what}" needs a processed file, and none was given`);
  if (processed && wants.original && wants.processed && processed.sha1.toLowerCase() === input.original.sha1.toLowerCase()) {
    throw new ImmichError('invalid', 'The processed file is byte-identical to the original: Immich would keep one asset, so there is nothing to stack');
  }
  const fileOf = (role: Role): PairFile => (role === 'original' ? input.original : processed!);
  const sha1Of = (role: Role) => fileOf(role).sha1.toLowerCase();
  const sidecarOf = (role: Role) => (typeof input.sidecar === 'string' ? input.sidecar : input.sidecar?.[role]);
  const judge: DuplicateContext = { client, owners, originalSha256: input.originalSha256, run, call };

  let s = clean(state);
  const commit = async (patch: PairState) => {
    s = clean({ ...s, ...patch });
    await save({ ...s, ...(s.replacedAssetIds ? { replacedAssetIds: [...s.replacedAssetIds] } : {}) });
  };
  const outcome: Record<Role, PairOutcome> = { original: 'not-wanted', processed: 'not-wanted' };
  const notices: PairNotice[] = [];
  const elsewhere = (role: Role, assetId: string | null, message: string) => {
    outcome[role] = 'elsewhere';
    notices.push({ role, assetId, message });
  };

  // Re-render: the processed file changed. Forget the old asset (keep it to retire later) and
  // every phase that depended on it; the original stays as it is.
  if (wants.processed && s.processedAssetId && s.processedSha1?.toLowerCase() !== sha1Of('processed')) {
    await commit({
      replacedAssetIds: [...(s.replacedAssetIds ?? []), s.processedAssetId],
      processedAssetId: undefined,
      processedSha1: sha1Of('processed'),
      stackId: undefined,
      albumDone: undefined,
      metadataDone: undefined,
    });
  }

  const claimed: string[] = [];
  try {
    const missing = ROLES.filter((role) => wants[role] && !s[idKey[role]]);
    for (const role of ROLES.filter((r) => wants[r] && !missing.includes(r))) outcome[role] = 'known';
    // A file new to the record: the album and the metadata must name it too.
    if (missing.length > 0 && (s.albumDone || s.metadataDone)) await commit({ albumDone: undefined, metadataDone: undefined });
    // Bytes another photo is sending right now are its, whatever the server will say.
    for (const role of missing) {
      const other = owners.claim(sha1Of(role));
      if (other) elsewhere(role, null, `The ${role === 'original' ? 'original' : 'processed file'} "${fileOf(role).fileName}" has exactly the bytes ${other} is uploading: it was left to that photo and not stacked here.`);
      else claimed.push(sha1Of(role));
    }

    // A duplicate in a stack is held back (never saved as this photo's) until both files are known:
    // it is this photo's own only when the pair's two files are that stack's only members.
    const stacked = new Map<Role, { assetId: string; stackId: string; assetCount: number; how: 'created' | 'duplicate' }>();
    const open = () => missing.filter((role) => outcome[role] !== 'elsewhere' && !s[idKey[role]] && !stacked.has(role));
    const accept = async (role: Role, assetId: string, how: 'created' | 'duplicate', judgement: Judgement) => {
      if (judgement.kind === 'elsewhere') return elsewhere(role, assetId, judgement.message);
      if (judgement.kind === 'stacked') return void stacked.set(role, { assetId, stackId: judgement.stackId, assetCount: judgement.assetCount, how });
      outcome[role] = how;
      await commit({ [idKey[role]]: assetId, ...(role === 'processed' ? { processedSha1: sha1Of(role) } : {}) });
    };

    // (1) Duplicate check for what the state does not know yet (never an empty list: Immich answers 500).
    const toCheck = open();
    if (toCheck.length > 0) {
      const results = await run(() => client.bulkCheck(toCheck.map((role) => ({ id: role, checksum: sha1Of(role) })), call));
      for (const result of results) {
        const role = result.id as Role;
        if (result.action !== 'reject' || !toCheck.includes(role)) continue;
        if (result.isTrashed) throw trashedDuplicate(role, fileOf(role).fileName, result.assetId);
        await accept(role, result.assetId, 'duplicate', await judgeDuplicate(judge, role, fileOf(role).fileName, result.assetId));
      }
    }

    // (2) Uploads, streamed from disk. A duplicate answer here means another client raced us.
    for (const role of open()) {
      const file = fileOf(role);
      const sidecar = sidecarOf(role);
      const answer: UploadResult = await run(() =>
        client.upload(file, { ...call, ...(sidecar !== undefined ? { sidecar } : {}), ...(options.onBytes ? { onBytes: options.onBytes } : {}) }),
      );
      const judgement = answer.status === 'created' ? ({ kind: 'ours' } as const) : await judgeDuplicate(judge, role, file.fileName, answer.id);
      await accept(role, answer.id, answer.status, judgement);
    }

    // Both files alone in one stack: the record of an earlier upload of this photo was lost. The
    // stack is re-made below, which only sets the cover. Any other stacked duplicate is left alone.
    const o = stacked.get('original');
    const ownPair = o !== undefined && stacked.get('processed')?.stackId === o.stackId && o.assetCount === 2;
    for (const [role, found] of stacked) {
      if (ownPair) await accept(role, found.assetId, found.how, { kind: 'ours' });
      else elsewhere(role, found.assetId, inOtherStack(role, fileOf(role).fileName, found.assetId, found.assetCount));
    }

    // (3) One stack, cover first, only of this photo's own assets. Replaced renders are included so
    // their stack merges into this one.
    if (wants.original && wants.processed && !s.stackId && s.originalAssetId && s.processedAssetId) {
      const cover = input.cover ?? 'processed';
      const first = s[idKey[cover]]!;
      const second = s[idKey[cover === 'processed' ? 'original' : 'processed']]!;
      const extra = (s.replacedAssetIds ?? []).filter((id) => id !== first && id !== second);
      const stack = await run(() => client.createStack([first, second, ...extra], call));
      const strangers = stack.assets.map((a) => a.id).filter((id) => id !== first && id !== second && !extra.includes(id));
      if (strangers.length > 0) {
        notices.push({ role: 'stack', assetId: stack.id, message: `Immich merged ${strangers.length} more asset(s) (${strangers.join(', ')}) into this photo's stack ${stack.id}; they were in a stack whose cover is one of this photo's files.` });
      }
      await commit({ stackId: stack.id });
    }

    // (3b) Retire replaced renders: out of the stack, into the trash (recoverable, never forced).
    if (s.replacedAssetIds?.length) await retire(client, s, run, call);
    if (s.replacedAssetIds?.length) await commit({ replacedAssetIds: undefined });

    const assetIds = ROLES.filter((r) => wants[r] && s[idKey[r]]).map((r) => s[idKey[r]]!);

    // (4) Album: this photo's own assets (an album shows only what was added, not the rest of a stack).
    if (input.albumName && !s.albumDone && assetIds.length > 0) {
      await addToAlbum(client, input.albumName, assetIds, options.albums ?? defaultAlbumCache, run, call);
      await commit({ albumDone: true });
    }

    // (5) The link between the two, the recipe and the photo's identity, readable from either asset.
    if (!s.metadataDone && assetIds.length > 0) {
      const value = {
        recipeId: input.recipeId,
        recipeHash: input.recipeHash,
        originalAssetId: s.originalAssetId ?? null,
        processedAssetId: s.processedAssetId ?? null,
        ...(input.originalSha256 ? { originalSha256: input.originalSha256 } : {}),
        appVersion: input.appVersion,
      };
      for (const id of assetIds) await run(() => client.updateAssetMetadata(id, METADATA_KEY, value, call));
      await commit({ metadataDone: true });
    }
  } finally {
    for (const sha1 of claimed) owners.release(sha1);
  }

  return { state: { ...s }, original: outcome.original, processed: outcome.processed, notices };
}

type Run = <T>(fn: () => Promise<T>) => Promise<T>;

async function retire(client: ImmichClient, s: PairState, run: Run, call: { signal?: AbortSignal }): Promise<void> {
  const replaced = s.replacedAssetIds ?? [];
  const invalid = (error: unknown) => error instanceof ImmichError && error.kind === 'invalid';
  for (const id of replaced) {
    if (!s.stackId) break;
    const stackId = s.stackId;
    // "Asset not in stack" after a crash between this call and the save that follows it.
    await run(() => client.removeAssetFromStack(stackId, id, call)).catch((error: unknown) => {
      if (!invalid(error)) throw error;
    });
  }
  await run(() => client.deleteAssets(replaced, call)).catch(async (error: unknown) => {
    if (!invalid(error)) throw error;
    // One id already deleted for good fails the whole call: trash the others one by one.
    for (const id of replaced) {
      await run(() => client.deleteAssets([id], call)).catch((inner: unknown) => {
        if (!invalid(inner)) throw inner;
      });
    }
  });
}

async function addToAlbum(client: ImmichClient, name: string, assetIds: string[], albums: AlbumCache, run: Run, call: { signal?: AbortSignal }): Promise<void> {
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
}
