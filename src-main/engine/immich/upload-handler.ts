import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { AppError, Photo } from '../../contract/index.ts';
import type { JobContext, JobData } from '../jobs/index.ts';
import { PermanentJobError } from '../jobs/index.ts';
import type { LibraryLayout } from '../library/library-layout.ts';
import type { Library } from '../library/index.ts';
import { immichDates, photoCaptureInstant } from '../media/capture-instant.ts';
import { readMetadata } from '../media/metadata.ts';
import { classifyImmichOutcome } from './adaptive-concurrency.ts';
import { ImmichError, isImmichError } from './immich-error.ts';
import { uploadPair, type PairInput, type PairOutcome, type PairState } from './pair-upload.ts';
import type { ProcessedFile } from './processed-source.ts';
import { buildUploadSidecar } from './sidecar.ts';
import type { UploadService } from './upload-service.ts';

export type UploadHandlerDeps = { library: Library; layout: LibraryLayout; service: UploadService; appVersion: string };

const sha1Of = (file: string) =>
  new Promise<string>((resolve, reject) => {
    const hash = createHash('sha1');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });

/**
 * The same capture time for both files of a pair, resolved as Immich resolves the original's
 * (media/capture-instant.ts): `sent` goes as fileCreatedAt/fileModifiedAt (Immich's fallback when
 * a file has no date), `date` and the position into both sidecars, which Immich prefers to any
 * date in the file. A photo with no capture date sends the time it came into the library. The
 * position goes only where the processed file keeps it: a render made without location (the
 * photographer's `no-location` or `copyright` choice) must not get it back through the sidecar.
 */
function captureOf(photo: Photo, withPlace: boolean): { sent: string; date: string | undefined; gps: { latitude: number; longitude: number } | undefined } {
  const ci = photoCaptureInstant(photo);
  const gps = photo.gps && withPlace ? { latitude: photo.gps.latitude, longitude: photo.gps.longitude } : undefined;
  if (!ci) return { sent: photo.createdAt, date: undefined, gps };
  return { sent: immichDates(ci).fileCreatedAt, date: ci.instant ?? ci.localDateTime, gps };
}

function sidecarFor(photo: Photo, capture: ReturnType<typeof captureOf>): string | undefined {
  const m = photo.metadata;
  const description = m?.description ?? m?.title ?? undefined;
  const rating = m?.rating ?? undefined;
  const keywords = m?.keywords ?? [];
  if (description === undefined && rating === undefined && keywords.length === 0 && !capture.date && !capture.gps) return undefined;
  return buildUploadSidecar({
    ...(description ? { description } : {}),
    ...(rating !== undefined ? { rating } : {}),
    keywords,
    capture: { date: capture.date, gps: capture.gps },
  });
}

/** Which step a save recorded, for progress lines (and the crash test's kill points). */
function stepOf(before: PairState, after: PairState): string {
  if (!before.originalAssetId && after.originalAssetId) return 'original';
  if (!before.processedAssetId && after.processedAssetId) return 'processed';
  if (!before.stackId && after.stackId) return 'stack';
  if (!before.albumDone && after.albumDone) return 'album';
  if (!before.metadataDone && after.metadataDone) return 'metadata';
  return 'state';
}

const appError = (error: ImmichError): AppError => ({ code: error.code as AppError['code'], message: error.message });

/**
 * The `upload` job: one photo's original and/or processed file to Immich as one stack (uploadPair),
 * with its state saved after every id the server returns. Failures, as issue 5 says:
 * - 408/429/5xx/network: uploadPair retries (honouring Retry-After); still failing, the server
 *   counts as offline and the job waits at the online gate, then carries on from the saved state.
 * - 401/403: uploads pause (event + immich.status); the job waits at the pause gate.
 * - 400 and other refusals: dead letter with the server's message.
 * - the bytes are in Immich's trash: a clear message on the photo, dead letter (retry once emptied).
 */
export function createUploadHandler(deps: UploadHandlerDeps) {
  const { library, layout, service } = deps;
  const uploads = service.uploads;

  return async (job: JobData<'upload'>, ctx: JobContext): Promise<void> => {
    const photo = library.photos.get(job.photoId);
    if (!photo?.originalPath || !photo.sha1) return;
    const settings = service.settingsFor(photo);
    // A file that did not decode is reported by ingest; there is nothing to send.
    if (settings.what === 'none' || (photo.error && !photo.error.code.startsWith('immich-'))) return;
    uploads.ensure(photo.id);
    if (settings.approvalRequired && !service.approval(photo)) {
      service.setState(photo.id, 'waiting-approval');
      return;
    }
    const wantsProcessed = settings.what === 'both' || settings.what === 'processed';
    const processed: ProcessedFile | null = wantsProcessed ? await service.processedSource(photo.id) : null;
    if (wantsProcessed && !processed) {
      service.setState(photo.id, 'waiting-render');
      return;
    }

    const originalPath = layout.absolute(photo.originalPath);
    // Identical sidecars give both files the same date, zone and place in Immich.
    const capture = captureOf(photo, processed ? (await readMetadata(processed.path)).gps !== null : true);
    const date = capture.sent;
    const sidecar = sidecarFor(photo, capture);
    const processedName = processed ? `${path.parse(photo.fileName).name}_lightbox${path.extname(processed.path).toLowerCase()}` : '';
    const input: PairInput = {
      original: { path: originalPath, fileName: photo.fileName, sha1: photo.sha1, createdAt: date, modifiedAt: date },
      processed: processed ? { path: processed.path, fileName: processedName, sha1: await sha1Of(processed.path), createdAt: date, modifiedAt: date } : null,
      what: settings.what === 'both' ? 'both' : settings.what,
      cover: settings.cover,
      ...(settings.albumName ? { albumName: settings.albumName } : {}),
      ...(sidecar !== undefined ? { sidecar } : {}),
      ...(photo.sha256 ? { originalSha256: photo.sha256 } : {}),
      recipeId: processed ? `photo-${photo.id}-rev-${processed.revision}` : 'original',
      recipeHash: processed?.recipeHash ?? '',
      appVersion: deps.appVersion,
    };
    const total = (await stat(originalPath)).size * (settings.what === 'processed' ? 0 : 1) + (processed ? (await stat(processed.path)).size : 0);

    for (;;) {
      // Stopping while paused or offline rejects here (GateClosedError): the job is retried next start.
      await service.paused.pass(ctx.signal);
      await service.online.pass(ctx.signal);
      const client = await service.client();
      if (!('upload' in client)) {
        service.setState(photo.id, 'paused', client);
        throw new PermanentJobError(client.message, { code: client.code });
      }
      let sent = 0;
      let lastByteEvent = 0;
      let saved: PairState = uploads.get(photo.id)?.pair ?? {};
      try {
        const result = await service.concurrency.run(
          () => {
            // Inside the slot: a photo waiting for its turn stays "queued".
            service.setState(photo.id, 'uploading', null, { sent, total });
            return uploadPair(
              client,
              input,
              saved,
              (state) => {
                uploads.savePair(photo.id, state, processed?.revision ?? null);
                const step = stepOf(saved, state);
                saved = state;
                service.progress({ photoId: photo.id, state: 'uploading', bytesSent: sent, bytesTotal: total, error: null, step });
              },
              {
                retry: { ...service.retry, onRetry: () => service.concurrency.record('overload') },
                signal: ctx.signal,
                albums: service.albums,
                owners: service.ownersFor(photo.id),
                onBytes: (n) => {
                  sent += n;
                  service.addBytes(n);
                  const now = Date.now();
                  if (now - lastByteEvent < 250) return;
                  lastByteEvent = now;
                  service.progress({ photoId: photo.id, state: 'uploading', bytesSent: sent, bytesTotal: total, error: null, step: null });
                },
              },
            );
          },
          classifyImmichOutcome,
        );
        const recorded = (o: PairOutcome) => (o === 'created' || o === 'duplicate' || o === 'elsewhere' ? o : null);
        uploads.setOutcomes(photo.id, { original: recorded(result.original), processed: recorded(result.processed) });
        uploads.setNotices(photo.id, result.notices);
        if (photo.error?.code === 'immich-trashed-duplicate') {
          library.photos.setError(photo.id, null);
          service.photoChanged(photo.id);
        }
        service.setState(photo.id, 'uploaded', null, { sent: total, total });
        return;
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        if (!isImmichError(error)) {
          // Not the server's answer (a file gone from the library, a full disk): the queue retries,
          // and the photo says why meanwhile (and for good, if it ends as a dead letter).
          service.setState(photo.id, 'failed', { code: 'job-failed', message: `Upload failed: ${error instanceof Error ? error.message : String(error)}` });
          throw error;
        }
        switch (error.kind) {
          case 'auth':
            service.pause(error);
            service.setState(photo.id, 'paused', appError(error));
            continue;
          case 'retryable':
            service.goOffline(error);
            service.setState(photo.id, 'offline', appError(error));
            continue;
          case 'trashed-duplicate':
            library.photos.setError(photo.id, appError(error));
            service.photoChanged(photo.id);
            service.setState(photo.id, 'failed', appError(error));
            throw new PermanentJobError(error.message, { code: 'immich-trashed-duplicate', cause: error });
          default:
            service.setState(photo.id, 'failed', appError(error));
            throw new PermanentJobError(`Immich refused the upload: ${error.message}`, { code: appError(error).code, cause: error });
        }
      }
    }
  };
}
