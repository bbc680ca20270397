import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AppError, HotFolder } from '../../contract/index.ts';
import type { Library } from '../library/index.ts';
import type { JobContext, JobData } from '../jobs/index.ts';
import { detectFormat, isSupportedImage, readMetadata } from '../media/index.ts';
import { applyAfterIngest } from './after-ingest.ts';
import { hashFile } from './hash-file.ts';
import { storeOriginal } from './originals-store.ts';

export type IngestDeps = {
  library: Library;
  libraryDir: string;
  folder(id: number | null): HotFolder | null;
  /** Queue the next step for a newly stored photo. */
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
      if (seen.outcome !== 'failed') await finishSource(folder, job.path);
      return;
    }

    const fileName = path.basename(job.path);
    const failure = await checkReadable(job.path, current);
    if (failure) return recordFailure(job, current, fileName, failure);

    const hashes = await hashes_(job.path, current);
    if (hashes.size !== current.size) throw new Error(`${fileName} changed while it was being read; trying again`);

    // Intent first, bytes second: the photo row (without an original yet) claims this content, so a
    // crash can never leave a stored original that no row points to, and a byte-identical file
    // arriving meanwhile is recorded as a duplicate of the same photo.
    const claim = library.db.transaction(() => {
      const existing = library.photos.findBySha256(hashes.sha256);
      if (existing) {
        library.files.record({ folderId: job.folderId, path: job.path, size: current.size, mtimeMs: current.mtimeMs, sha256: hashes.sha256, photoId: existing.id, outcome: 'duplicate', error: null });
        return { photoId: existing.id, isNew: false };
      }
      const photoId = library.photos.insert({
        folderId: job.folderId,
        sha256: hashes.sha256,
        sha1: hashes.sha1,
        fileName,
        sourcePath: job.path,
        bytes: current.size,
        originalPath: null,
        error: null,
        captureDate: null,
      });
      library.files.record({ folderId: job.folderId, path: job.path, size: current.size, mtimeMs: current.mtimeMs, sha256: hashes.sha256, photoId, outcome: 'ingested', error: null });
      return { photoId, isNew: true };
    })();

    // Also for a duplicate: if the first copy's ingest died before storing, these same bytes do it.
    await ensureStored(claim.photoId, job.path, current);
    deps.photoChanged(claim.photoId);
    await finishSource(folder, job.path);
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
    })();
    deps.photoStored(photoId);
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

  /** Only once the bytes are safely in the library may the source be moved or deleted. */
  async function finishSource(folder: HotFolder | null, source: string): Promise<void> {
    if (!folder || folder.afterIngest === 'keep') return;
    await applyAfterIngest(folder.afterIngest, source, folder.path);
  }
}

async function checkReadable(filePath: string, current: Stat): Promise<AppError | null> {
  if (current.size === 0) {
    return { code: 'empty-file', message: 'The file is empty (0 bytes): nothing was copied. Copy it again from the card or phone.' };
  }
  const handle = await open(filePath, 'r').catch((error: NodeJS.ErrnoException) => error);
  if (!('read' in handle)) {
    return { code: 'read-failed', message: `Lightbox cannot read this file (${handle.code ?? handle.message}). Check its permissions.` };
  }
  try {
    const head = Buffer.alloc(Math.min(4096, current.size));
    await handle.read(head, 0, head.length, 0);
    const format = detectFormat(head, path.basename(filePath));
    if (!format) {
      return { code: 'not-an-image', message: 'This is not a photo: its contents match no image format Lightbox knows, whatever its name says.' };
    }
    if (!isSupportedImage(format)) {
      return { code: 'unsupported-format', message: `Lightbox cannot read ${String(format).toUpperCase()} files yet.` };
    }
    return null;
  } finally {
    await handle.close();
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
