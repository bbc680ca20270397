import { createHash, type Hash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import type { BlobWriter } from '../blobs.ts';
import { ApiError, chunksOf, drain, json, parseWith, validationError, type Exchange, type Reply } from '../http.ts';
import { boundaryOf, MultipartError, parseMultipart, type PartInfo, type PartSink } from '../multipart.ts';
import type { Ctx, Route, UploadLogEntry } from '../router.ts';
import { fromChecksum, type AssetType } from '../store.ts';
import { parseSidecar } from '../xmp.ts';

// Immich's mime-types table (the extensions it accepts as assets), lower case.
const IMAGE_TYPES: Record<string, string> = {
  '.3fr': 'image/x-hasselblad-3fr', '.ari': 'image/x-arriflex-ari', '.arw': 'image/x-sony-arw', '.cap': 'image/x-phaseone-cap',
  '.cin': 'image/x-phantom-cin', '.cr2': 'image/x-canon-cr2', '.cr3': 'image/x-canon-cr3', '.crw': 'image/x-canon-crw',
  '.dcr': 'image/x-kodak-dcr', '.dng': 'image/x-adobe-dng', '.erf': 'image/x-epson-erf', '.fff': 'image/x-hasselblad-fff',
  '.iiq': 'image/x-phaseone-iiq', '.k25': 'image/x-kodak-k25', '.kdc': 'image/x-kodak-kdc', '.mrw': 'image/x-minolta-mrw',
  '.nef': 'image/x-nikon-nef', '.nrw': 'image/x-nikon-nrw', '.orf': 'image/x-olympus-orf', '.ori': 'image/x-olympus-ori',
  '.pef': 'image/x-pentax-pef', '.psd': 'image/vnd.adobe.photoshop', '.raf': 'image/x-fuji-raf', '.raw': 'image/x-panasonic-raw',
  '.rw2': 'image/x-panasonic-rw2', '.rwl': 'image/x-leica-rwl', '.sr2': 'image/x-sony-sr2', '.srf': 'image/x-sony-srf',
  '.srw': 'image/x-samsung-srw', '.x3f': 'image/x-sigma-x3f', '.avif': 'image/avif', '.bmp': 'image/bmp', '.gif': 'image/gif',
  '.heic': 'image/heic', '.heif': 'image/heif', '.hif': 'image/hif', '.insp': 'image/jpeg', '.jp2': 'image/jp2',
  '.jpe': 'image/jpeg', '.jpeg': 'image/jpeg', '.jpg': 'image/jpeg', '.jxl': 'image/jxl', '.png': 'image/png',
  '.svg': 'image/svg', '.tif': 'image/tiff', '.tiff': 'image/tiff', '.webp': 'image/webp',
};
const VIDEO_TYPES: Record<string, string> = {
  '.3gp': 'video/3gpp', '.3gpp': 'video/3gpp', '.avi': 'video/avi', '.flv': 'video/x-flv', '.insv': 'video/mp4',
  '.m2t': 'video/mp2t', '.m2ts': 'video/mp2t', '.m4v': 'video/x-m4v', '.mkv': 'video/x-matroska', '.mov': 'video/quicktime',
  '.mp4': 'video/mp4', '.mpe': 'video/mpeg', '.mpeg': 'video/mpeg', '.mpg': 'video/mpeg', '.mts': 'video/mp2t',
  '.vob': 'video/mpeg', '.webm': 'video/webm', '.wmv': 'video/x-ms-wmv',
};

export function mediaTypeOf(filename: string): { ext: string; mime: string; type: AssetType } | undefined {
  const ext = path.extname(filename).toLowerCase();
  if (IMAGE_TYPES[ext]) return { ext, mime: IMAGE_TYPES[ext], type: 'IMAGE' };
  if (VIDEO_TYPES[ext]) return { ext, mime: VIDEO_TYPES[ext], type: 'VIDEO' };
  return undefined;
}

const FIELD_LIMIT = 1024 * 1024;
const SIDECAR_LIMIT = 16 * 1024 * 1024;

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'Invalid ISO 8601 date' });
const metadataItem = z.object({ key: z.string().min(1), value: z.record(z.string(), z.unknown()) });

// Multipart text fields arrive as strings; unknown fields (deviceAssetId, deviceId) are dropped.
const UploadFields = z.object({
  fileCreatedAt: isoDate,
  fileModifiedAt: isoDate,
  filename: z.string().optional(),
  isFavorite: z.enum(['true', 'false']).optional(),
  visibility: z.enum(['archive', 'timeline', 'hidden', 'locked']).optional(),
  livePhotoVideoId: z.uuid().optional(),
  duration: z.string().optional(),
  metadata: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'Invalid JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.array(metadataItem))
    .optional(),
});

type FilePart = { name: string; writer: BlobWriter; hash: Hash; size: number };

function textSink(fields: Record<string, string>, name: string): PartSink {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    write(chunk) {
      size += chunk.length;
      if (size > FIELD_LIMIT) throw new ApiError(400, `Field value too long - ${name}`);
      chunks.push(chunk);
    },
    end() {
      fields[name] = Buffer.concat(chunks).toString('utf8');
    },
  };
}

/** Counts body bytes and, when a drop fault is armed, kills the socket part-way through. */
async function* countedBody(ex: Exchange, dropAfter: number): AsyncIterable<Buffer> {
  for await (const chunk of chunksOf(ex)) {
    ex.bytesIn += chunk.length;
    yield chunk;
    if (ex.bytesIn >= dropAfter) {
      ex.dropped = true;
      ex.req.socket.destroy();
      return;
    }
  }
}

async function upload(ctx: Ctx): Promise<Reply> {
  const { ex, auth, env } = ctx;
  const rawHeader = ex.req.headers['x-immich-checksum'];
  const checksumHeader = Array.isArray(rawHeader) ? rawHeader[0] : rawHeader;
  const log = (entry: Partial<UploadLogEntry> & Pick<UploadLogEntry, 'status' | 'result'>) =>
    env.uploads.push({
      at: new Date().toISOString(),
      assetId: undefined,
      receivedSha1: undefined,
      filename: undefined,
      message: undefined,
      checksumHeader,
      bytes: ex.bytesIn,
      ...entry,
    });

  // TRAP (as in Immich's AssetUploadInterceptor): a known checksum header answers "duplicate"
  // before the body is looked at, so different bytes sent with that header are never stored.
  if (checksumHeader) {
    const existing = env.store.findByChecksum(auth.user.id, fromChecksum(checksumHeader));
    if (existing) {
      await drain(ex);
      log({ status: 200, result: 'duplicate', assetId: existing.id });
      return json(200, { id: existing.id, status: 'duplicate' });
    }
  }

  const fields: Record<string, string> = {};
  let file: FilePart | undefined;
  let sidecar: { chunks: Buffer[]; size: number } | undefined;
  const expected = Number(ex.req.headers['content-length'] ?? 0);
  const dropAfter = env.faults.takeDrop('POST', '/assets') ? Math.max(1, Math.floor(expected / 2)) : Infinity;

  const onPart = (info: PartInfo): PartSink => {
    if (info.filename === undefined) return textSink(fields, info.name);
    const filename = info.filename;
    // TRAP: the type comes from the part's own filename (a nameless Blob is "blob"), not the `filename` field.
    if (info.name === 'assetData' && !file) {
      if (!mediaTypeOf(filename)) throw new ApiError(400, `Unsupported file type ${filename}`);
      const part: FilePart = { name: filename, writer: env.store.blobs.begin(), hash: createHash('sha1'), size: 0 };
      file = part;
      return {
        write(chunk) {
          part.hash.update(chunk);
          part.size += chunk.length;
          return part.writer.write(chunk);
        },
        end() {},
      };
    }
    if (info.name === 'sidecarData' && !sidecar) {
      if (path.extname(filename).toLowerCase() !== '.xmp') throw new ApiError(400, `Unsupported file type ${filename}`);
      const part = { chunks: [] as Buffer[], size: 0 };
      sidecar = part;
      return {
        write(chunk) {
          part.size += chunk.length;
          if (part.size > SIDECAR_LIMIT) throw new ApiError(413, 'File too large');
          part.chunks.push(chunk);
        },
        end() {},
      };
    }
    // What multer says for any file part it was not told about (e.g. the SDK's typed `metadata`).
    throw new ApiError(400, `Unexpected field - ${info.name}`);
  };

  const boundary = boundaryOf(ex.req.headers['content-type']);
  try {
    if (boundary) await parseMultipart(countedBody(ex, dropAfter), boundary, onPart);
    else await drain(ex);
  } catch (error) {
    await (file as FilePart | undefined)?.writer.abort();
    if (ex.dropped || ex.req.destroyed) {
      ex.dropped = true;
      log({ status: 0, result: 'dropped', filename: (file as FilePart | undefined)?.name });
      return json(0, {});
    }
    await drain(ex);
    const apiError = error instanceof ApiError ? error : new ApiError(400, (error as MultipartError).message);
    log({ status: apiError.status, result: 'rejected', message: apiError.message });
    throw apiError;
  }

  const part = file as FilePart | undefined;
  if (!part) {
    log({ status: 400, result: 'rejected', message: 'File is required' });
    throw new ApiError(400, 'File is required');
  }
  const receivedSha1 = part.hash.digest();
  const reject = async (error: ApiError) => {
    await part.writer.abort();
    log({ status: error.status, result: 'rejected', message: error.message, receivedSha1: receivedSha1.toString('hex'), filename: part.name });
    return error;
  };
  const parsed = UploadFields.safeParse(fields);
  if (!parsed.success) throw await reject(validationError(parsed.error.issues));
  const dto = parsed.data;

  // Finish storing before the duplicate check so check + insert run without an await between
  // them: concurrent uploads of the same bytes then give one "created" and the rest "duplicate".
  const blob = await part.writer.finish();
  const existing = env.store.findByChecksum(auth.user.id, receivedSha1);
  if (existing) {
    await env.store.blobs.remove(blob);
    log({ status: 200, result: 'duplicate', assetId: existing.id, receivedSha1: receivedSha1.toString('hex'), filename: part.name });
    return json(200, { id: existing.id, status: 'duplicate' });
  }

  const media = mediaTypeOf(part.name)!;
  const xmp = sidecar ? Buffer.concat(sidecar.chunks).toString('utf8') : null;
  const asset = env.store.addAsset({
    ownerId: auth.user.id,
    checksum: receivedSha1,
    originalFileName: dto.filename || part.name,
    extension: media.ext,
    mimeType: media.mime,
    type: media.type,
    fileCreatedAt: new Date(dto.fileCreatedAt).toISOString(),
    fileModifiedAt: new Date(dto.fileModifiedAt).toISOString(),
    localDateTime: new Date(dto.fileCreatedAt).toISOString(),
    isFavorite: dto.isFavorite === 'true',
    visibility: dto.visibility ?? 'timeline',
    duration: dto.duration ? Number(dto.duration) || null : null,
    livePhotoVideoId: dto.livePhotoVideoId ?? null,
    blob,
    size: part.size,
    sidecarXmp: xmp,
    sidecar: xmp === null ? null : parseSidecar(xmp),
    description: '',
    rating: null,
    dateTimeOriginal: null,
    latitude: null,
    longitude: null,
    tags: [],
  });
  const at = new Date().toISOString();
  for (const item of dto.metadata ?? []) asset.metadata.set(item.key, { value: item.value, updatedAt: at });
  scheduleExtraction(ctx, asset.id);
  log({ status: 201, result: 'created', assetId: asset.id, receivedSha1: receivedSha1.toString('hex'), filename: part.name });
  return json(201, { id: asset.id, status: 'created' });
}

/** Immich extracts metadata in a background job; by default the double does it at once. */
function scheduleExtraction({ env }: Ctx, assetId: string): void {
  const apply = () => {
    const asset = env.store.assets.get(assetId);
    if (asset) env.store.applySidecar(asset);
  };
  const delay = env.faults.extractionDelayMs;
  if (delay <= 0) return apply();
  const timer = setTimeout(() => {
    env.timers.delete(timer);
    apply();
  }, delay);
  env.timers.add(timer);
}

const BulkCheck = z.object({ assets: z.array(z.object({ id: z.string(), checksum: z.string() })) });

async function bulkUploadCheck(ctx: Ctx): Promise<Reply> {
  const dto = parseWith(BulkCheck, await ctx.body());
  const results = dto.assets.map(({ id, checksum }) => {
    const duplicate = ctx.env.store.findByChecksum(ctx.auth.user.id, fromChecksum(checksum));
    if (!duplicate) return { id, action: 'accept' };
    return { id, action: 'reject', reason: 'duplicate', assetId: duplicate.id, isTrashed: duplicate.deletedAt !== null };
  });
  return json(200, { results });
}

export const uploadRoutes: Route[] = [
  { method: 'POST', path: '/assets', permission: 'asset.upload', handle: upload },
  { method: 'POST', path: '/assets/bulk-upload-check', permission: 'asset.upload', handle: bulkUploadCheck },
];
