import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import type { UploadCover } from '../../contract/index.ts';
import { openLibrary } from '../library/index.ts';
import { libraryLayout } from '../library/library-layout.ts';
import { UploadsRepo } from '../library/uploads-repo.ts';
import { METADATA_KEY } from './duplicate-owner.ts';
import type { DoubleLike } from './test-server.ts';

/**
 * What the crash tests require of a library and the Immich double it uploaded to: after any run,
 * `expectServerConsistent`; after the last, uninterrupted one, `expectEveryPhotoDone`.
 */
const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

/** SHA-1 -> the photo it belongs to: each original, and every render the library has written. */
export async function ownersBySha1(libraryDir: string): Promise<Map<string, number>> {
  const layout = libraryLayout(libraryDir);
  const lib = openLibrary(layout.database);
  const owners = new Map<string, number>();
  try {
    for (const photo of lib.photos.list({ limit: 10_000 }).photos) {
      if (photo.sha1) owners.set(photo.sha1, photo.id);
      for (const render of lib.renders.forPhoto(photo.id)) {
        const bytes = await readFile(layout.absolute(render.path)).catch(() => null);
        if (bytes) owners.set(sha1(bytes), photo.id);
      }
    }
  } finally {
    lib.close();
  }
  return owners;
}

/** No file twice on the server, none ever created twice, no asset in two stacks, no stack holding two photos' files. */
export async function expectServerConsistent(double: DoubleLike, libraryDir: string): Promise<void> {
  const assets = double.state.assets;
  expect(new Set(assets.map((a) => a.checksumHex)).size).toBe(assets.length);
  // A re-send must come back "duplicate".
  const created = double.state.uploads.filter((u) => u.result === 'created').map((u) => u.receivedSha1);
  expect(new Set(created).size).toBe(created.length);
  const stacked = double.state.stacks.flatMap((s) => s.assetIds);
  expect(new Set(stacked).size).toBe(stacked.length);
  const owners = await ownersBySha1(libraryDir);
  for (const stack of double.state.stacks) {
    const photos = new Set(stack.assetIds.map((id) => owners.get(assets.find((a) => a.id === id)?.checksumHex ?? '') ?? `unknown ${id}`));
    expect(photos.size, `stack ${stack.id}`).toBeLessThanOrEqual(1);
  }
}

/**
 * Every photo analysed (its crops and auto-enhance proposals stored; unless `analysis: false`, an
 * engine that does not analyse), and exactly one stack of its own original and the render of its
 * CURRENT recipe revision (which names this original in its XMP), the cover as configured, the
 * `lightbox` link on both, both in the album (and nothing else it shows). Anything else on the
 * server is an earlier render a re-render replaced: in the trash, in no stack. No upload job is
 * left unfinished or failed. Returns how many replaced renders there were.
 */
export async function expectEveryPhotoDone(double: DoubleLike, libraryDir: string, options: { photos: number; album: string; cover: UploadCover; analysis?: boolean }): Promise<number> {
  await expectServerConsistent(double, libraryDir);
  const layout = libraryLayout(libraryDir);
  const lib = openLibrary(layout.database);
  try {
    const uploads = new UploadsRepo(lib.db);
    const all = lib.photos.list({ limit: 10_000 }).photos;
    expect(all).toHaveLength(options.photos);
    const stacks = double.state.stacks;
    expect(stacks).toHaveLength(options.photos);
    for (const photo of all) {
      if (options.analysis !== false) {
        const analysed = lib.analysis.forPhoto(photo.sha256!).filter((r) => r.task === 'crops' || r.task === 'enhance');
        expect(analysed.map((r) => `${r.task} ${r.status}`).sort(), photo.fileName).toEqual(['crops completed', 'enhance completed']);
      }
      const record = uploads.get(photo.id);
      expect(record?.state, photo.fileName).toBe('uploaded');
      const { pair } = record!;
      const stack = stacks.find((s) => s.id === pair.stackId);
      expect(stack, photo.fileName).toBeDefined();
      expect(stack!.primaryAssetId, photo.fileName).toBe(options.cover === 'original' ? pair.originalAssetId : pair.processedAssetId);
      expect([...stack!.assetIds].sort()).toEqual([pair.originalAssetId, pair.processedAssetId].sort());
      const original = double.state.assets.find((a) => a.id === pair.originalAssetId)!;
      const processed = double.state.assets.find((a) => a.id === pair.processedAssetId)!;
      expect(original.checksumHex).toBe(photo.sha1);
      const recipe = lib.recipes.get(photo.id)!;
      const render = lib.renders.forPhoto(photo.id).find((r) => r.revision === recipe.revision && r.target === 'main');
      expect(render, `${photo.fileName}: a render of revision ${recipe.revision}`).toBeDefined();
      const rendered = await readFile(layout.absolute(render!.path));
      expect(processed.checksumHex, `${photo.fileName}: the processed file is the render of revision ${recipe.revision}`).toBe(sha1(rendered));
      expect(rendered.toString('latin1')).toContain(photo.sha256!);
      for (const asset of [original, processed]) {
        expect(asset.metadata[METADATA_KEY], `${photo.fileName} ${asset.originalFileName}`).toMatchObject({ originalAssetId: original.id, processedAssetId: processed.id, originalSha256: photo.sha256 });
      }
    }
    const recorded = new Set(all.flatMap((p) => [uploads.get(p.id)!.pair.originalAssetId, uploads.get(p.id)!.pair.processedAssetId]));
    const replaced = double.state.assets.filter((a) => !recorded.has(a.id));
    const owners = await ownersBySha1(libraryDir);
    for (const asset of replaced) expect({ trashed: asset.isTrashed, stack: asset.stackId, photo: owners.has(asset.checksumHex) }, asset.originalFileName).toEqual({ trashed: true, stack: null, photo: true });
    expect(double.state.assets.filter((a) => !a.isTrashed)).toHaveLength(options.photos * 2);
    // One album, showing exactly the pairs (a trashed asset stays a member, as in Immich, but is not shown).
    const albums = double.state.albums.filter((a) => a.albumName === options.album);
    expect(albums).toHaveLength(1);
    const shown = albums[0]!.assetIds.filter((id) => double.state.assets.some((a) => a.id === id && !a.isTrashed));
    expect(shown.sort()).toEqual([...recorded].sort());
    expect(lib.jobs.stats().kinds['upload']).toMatchObject({ queued: 0, running: 0, failed: 0, dead: 0 });
    return replaced.length;
  } finally {
    lib.close();
  }
}
