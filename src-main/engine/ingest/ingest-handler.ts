import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { AppError, HotFolder } from '../../contract/index.ts';
import type { Library } from '../library/index.ts';
import type { JobContext, JobData } from '../jobs/index.ts';
import { readMetadata } from '../media/index.ts';
import { applyAfterIngest } from './after-ingest.ts';
import { checkReadable } from './check-readable.ts';
import { claimSource } from './claim-source.ts';
import { removeInboxFile } from './inbox.ts';
import { hashFile } from './hash-file.ts';
import { storeOriginal } from './originals-store.ts';

export type IngestDeps = {
  library: Library;
  libraryDir: string;
  folder(id: number | null): HotFolder | null;
  /** Queue the next step for a newly stored photo; runs inside the transaction that records its original (synchronous writes only). */
  photoStored(photoId: number): void;
  /** Tell the UI a photo row changed (new, duplicate count, failure). */
  photoChanged(photoId: number): void;
};

type Stat = { size: number; mtimeMs: number };

/**
 * One source file -> one stored original (or a recorded duplicate / failure). Idempotent: a crash at
 * any point re-runs the job, which finds its own earlier work through the files table and the
 * originals store instead of doing it twice.
 */
export function createIngestHandler(deps: IngestDeps) {
  const { library } = deps;

  return async (job: JobData<'ingest'>, _ctx: JobContext): Promise<void> => {
    const current = await stat(job.path).catch(() => null);
    // Moved away before we got to it: the user still has it, we never had it; nothing to record.
    if (!current) return;
    const folder = deps.folder(job.folderId);
    const seen = library.files.findByPathAndStat(job.path, current.size, current.mtimeMs);
    if (seen) {
      // A crash may have come between recording the intent and storing the bytes: finish it.
      if (seen.outcome !== 'failed' && seen.photoId !== null) await ensureStored(seen.photoId, job.path, current);
      if (seen.outcome !== 'failed') await finishSource(folder, job);
      return;
    }

    const fileName = path.basename(job.path);
    const failure = await checkReadable(job.path, current.size);
    if (failure) return recordFailure(job, current, fileName, failure);

    const hashes = await hashes_(job.path, current);
    if (hashes.size !== current.size) throw new Error(`${fileName} changed while it was being read; trying again`);

    const claim = claimSource(library, { folderId: job.folderId, path: job.path, size: current.size, mtimeMs: current.mtimeMs, sha256: hashes.sha256, sha1: hashes.sha1, fileName });

    // Also for a duplicate: if the first copy's ingest died before storing, these same bytes do it.
    await ensureStored(claim.photoId, job.path, current);
    deps.photoChanged(claim.photoId);
    await finishSource(folder, job);
  };

  /** Stores the photo's original from `source` (same bytes) unless it is already stored. */
  async function ensureStored(photoId: number, source: string, current: Stat): Promise<void> {
    const photo = library.photos.get(photoId);
    if (!photo || photo.originalPath || !photo.sha256) return;
    const metadata = await readMetadata(source);
    // Named after the photo, not this source, so every retry and every copy targets the same file.
    const stored = await storeOriginal({
      source,
      libraryDir: deps.libraryDir,
      sha256: photo.sha256,
      fileName: photo.fileName,
      date: capturedOn(metadata.captureDate?.local) ?? new Date(current.mtimeMs),
    });
    const after = await stat(source);
    if (after.size !== current.size || after.mtimeMs !== current.mtimeMs) {
      throw new Error(`${path.basename(source)} changed while it was being copied; trying again`);
    }
    library.db.transaction(() => {
      library.photos.setOriginalPath(photoId, stored.relativePath);
      // Read here, from the source and beside it its XMP sidecar (the stored copy has none); the
      // derive step only adds what decoding tells (format, oriented size).
      library.photos.setMedia(photoId, {
        format: null,
        width: null,
        height: null,
        orientation: metadata.orientation,
        captureDate: metadata.captureDate,
        captureInstant: metadata.captureInstant,
        gps: metadata.gps,
        metadata: metadata.metadata,
        warnings: metadata.warnings,
      });
      // In the same transaction: a crash after the original is recorded but before its derive job
      // is queued would leave a photo that a re-run of this job (it finds the original stored) never derives.
      deps.photoStored(photoId);
    })();
  }

  async function hashes_(filePath: string, current: Stat) {
    const cached = library.hashCache.get(filePath, current.size, current.mtimeMs);
    if (cached) return { ...cached, size: current.size };
    const fresh = await hashFile(filePath);
    if (fresh.size === current.size) library.hashCache.put(filePath, current.size, current.mtimeMs, fresh.sha256, fresh.sha1);
    return fresh;
  }

  function recordFailure(job: JobData<'ingest'>, current: Stat, fileName: string, error: AppError): void {
    const photoId = library.db.transaction(() => {
      const id = library.photos.insert({ folderId: job.folderId, sha256: null, sha1: null, fileName, sourcePath: job.path, bytes: current.size, originalPath: null, error, captureDate: null });
      library.files.record({ folderId: job.folderId, path: job.path, size: current.size, mtimeMs: current.mtimeMs, sha256: null, photoId: id, outcome: 'failed', error });
      return id;
    })();
    deps.photoChanged(photoId);
  }

  /**
   * Only once the bytes are safely in the library may the source be moved or deleted. An upload's
   * inbox file (`consume`) is the library's own copy: it goes, with its folder.
   */
  async function finishSource(folder: HotFolder | null, job: JobData<'ingest'>): Promise<void> {
    if (job.consume) return removeInboxFile(job.path);
    if (!folder || folder.afterIngest === 'keep') return;
    await applyAfterIngest(folder.afterIngest, job.path, folder.path);
  }
}

/** Capture dates are wall-clock; the originals folder follows the photographer's calendar day. */
function capturedOn(local: string | undefined): Date | null {
  if (!local) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(local);
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? null : date;
}
