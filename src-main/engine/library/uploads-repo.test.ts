import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { openLibrary, type Library } from './library.ts';
import { UploadsRepo } from './uploads-repo.ts';

let dir: Awaited<ReturnType<typeof tempDir>>;
let lib: Library;
let repo: UploadsRepo;
let photoId: number;

beforeEach(async () => {
  dir = await tempDir('lightbox-uploads-repo-');
  lib = openLibrary(`${dir.path}/lightbox.db`);
  repo = new UploadsRepo(lib.db);
  photoId = lib.photos.insert({ folderId: null, sha256: 'a'.repeat(64), sha1: 'b'.repeat(40), fileName: 'a.jpg', sourcePath: '/in/a.jpg', originalPath: 'originals/a.jpg', bytes: 10, captureDate: null, error: null });
});
afterEach(async () => {
  lib.close();
  await dir.cleanup();
});

describe('UploadsRepo', () => {
  it('keeps the pair state as saved, outcomes only when answered, and counts by state', () => {
    expect(repo.get(photoId)).toBeNull();
    expect(repo.ensure(photoId)).toMatchObject({ state: 'queued', pair: {}, error: null });
    repo.savePair(photoId, { originalAssetId: 'o1', processedAssetId: 'p1', processedSha1: 'c'.repeat(40), replacedAssetIds: ['p0'] }, 2);
    repo.savePair(photoId, { originalAssetId: 'o1', processedAssetId: 'p1', processedSha1: 'c'.repeat(40), stackId: 's1', albumDone: true });
    repo.setOutcomes(photoId, { original: 'created', processed: 'duplicate' });
    repo.setOutcomes(photoId, { original: null });
    repo.setState(photoId, 'failed', { code: 'immich-invalid', message: 'bad' });
    expect(repo.get(photoId)).toMatchObject({
      state: 'failed',
      pair: { originalAssetId: 'o1', processedAssetId: 'p1', stackId: 's1', albumDone: true },
      processedRevision: 2,
      originalOutcome: 'created',
      processedOutcome: 'duplicate',
      error: { code: 'immich-invalid', message: 'bad' },
    });
    expect(repo.get(photoId)!.pair.replacedAssetIds).toBeUndefined();
    expect(repo.counts()).toEqual({ pending: 0, waiting: 0, uploaded: 0, failed: 1, uploading: 0 });
  });

  it('folder settings default to no upload, round-trip, and go with their folder', () => {
    const folder = lib.folders.add('/hot');
    expect(repo.folderSettings(folder.id)).toEqual({ albumName: null, what: 'none', cover: 'processed', approvalRequired: false });
    repo.setFolderSettings(folder.id, { albumName: 'Trips', what: 'both', cover: 'original', approvalRequired: true });
    expect(repo.folderSettings(folder.id)).toEqual({ albumName: 'Trips', what: 'both', cover: 'original', approvalRequired: true });
    lib.folders.remove(folder.id);
    expect(lib.db.prepare('SELECT COUNT(*) AS n FROM folder_uploads').get()).toEqual({ n: 0 });
  });
});
