import { createHash, type Hash } from 'node:crypto';
import { z } from 'zod';
import type { BlobWriter } from '../blobs.ts';
import { scheduleExtraction } from '../extraction.ts';
import { ApiError, chunksOf, drain, json, parseWith, validationError, type Exchange, type Reply } from '../http.ts';
import { isSidecarName, mediaTypeOf } from '../media-types.ts';
import { boundaryOf, MultipartError, parseMultipart, type PartInfo, type PartSink } from '../multipart.ts';
import type { Ctx, Route, UploadLogEntry } from '../router.ts';
import { fromChecksum } from '../store.ts';
import { parseSidecar } from '../xmp.ts';

export { mediaTypeOf } from '../media-types.ts';

const FIELD_LIMIT = 1024 * 1024;
const SIDECAR_LIMIT = 16 * 1024 * 1024;

// v3.1's AssetMediaCreateDto rules and messages (observed): dates need a zone, booleans are the
// exact strings, metadata is a JSON string of {key, value: object} items; unknown fields are dropped.
const isoDate = z.iso.datetime({ offset: true, error: (issue) => `Invalid input: expected ISO 8601 datetime string, received ${typeof issue.input}` });
export const MetadataItem = z.object({ key: z.string(), value: z.record(z.string(), z.unknown()) });
const jsonText = z.transform((value: unknown, ctx) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    ctx.issues.push({ code: 'custom', message: `Invalid input: expected JSON string, received ${typeof value}`, input: value });
    return z.NEVER;
  }
});
const UploadFields = z.object({
  fileCreatedAt: isoDate,
  fileModifiedAt: isoDate,
  duration: z.coerce.number().int().min(0).optional(),
  filename: z.string().optional(),
  isFavorite: z.stringbool({ truthy: ['true'], falsy: ['false'], case: 'sensitive' }).optional(),
  visibility: z.enum(['archive', 'timeline', 'hidden', 'locked']).optional(),
  livePhotoVideoId: z.uuidv4().optional(),
  metadata: jsonText.pipe(z.array(MetadataItem)).optional(),
});

type FilePart = { name: string; ext: string; writer: BlobWriter; hash: Hash; size: number };

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
      parts: [],
      ...entry,
    });

  // TRAP (as in Immich's AssetUploadInterceptor): a known checksum header answers "duplicate"
  // before the body is looked at, so different bytes sent with that header are never stored.
  if (checksumHeader) {
    const existing = env.store.findByChecksum(auth.user.id, fromChecksum(checksumHeader));
    if (existing) {
      await drain(ex);
      log({ status: 200, result: 'duplicate', assetId: existing.id });
      return json(200, { status: 'duplicate', id: existing.id });
    }
  }

  const fields: Record<string, string> = {};
  const parts: string[] = [];
  let file: FilePart | undefined;
  let sidecar: { chunks: Buffer[]; size: number } | undefined;
  const expected = Number(ex.req.headers['content-length'] ?? 0);
  const dropAfter = env.faults.takeDrop('POST', '/assets') ? Math.max(1, Math.floor(expected / 2)) : Infinity;

  const onPart = (info: PartInfo): PartSink => {
    parts.push(info.filename === undefined ? info.name : `${info.name}(${info.filename})`);
    if (info.filename === undefined) return textSink(fields, info.name);
    // TRAP (multer's fileFilter -> canUploadFile): each file part is judged when it ARRIVES, by the
    // `filename` text field received so far, else the part's own name. A `filename` sent before
    // sidecarData makes the sidecar "photo.jpg": refused. The stored extension comes from the same name.
    const judged = fields['filename'] || info.filename;
    if (info.name === 'assetData' && !file) {
      const media = mediaTypeOf(judged);
      if (!media) throw new ApiError(400, `Unsupported file type ${judged}`);
      const part: FilePart = { name: info.filename, ext: media.ext, writer: env.store.blobs.begin(), hash: createHash('sha1'), size: 0 };
      file = part;
      return {
        write(chunk) {
          part.hash.update(chunk);
          part.size += chunk.length;
          return part.writer.write(chunk);
        },
        end() {
          if (part.size === 0) throw new ApiError(400, 'File is empty');
        },
      };
    }
    if (info.name === 'sidecarData' && !sidecar) {
      if (!isSidecarName(judged)) throw new ApiError(400, `Unsupported file type ${judged}`);
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
    // What multer says for a file part it was not told about (the SDK's typed `metadata`) or a second one.
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
      log({ status: 0, result: 'dropped', filename: (file as FilePart | undefined)?.name, parts });
      return json(0, {});
    }
    await drain(ex);
    const apiError = error instanceof ApiError ? error : new ApiError(400, (error as MultipartError).message);
    log({ status: apiError.status, result: 'rejected', message: apiError.message, parts });
    throw apiError;
  }

  const part = file as FilePart | undefined;
  if (!part) {
    // Nest's ParseFilePipe: no file at all, or files without the one that must be there.
    const message = sidecar ? 'Field(s) assetData should not be empty' : 'File is required';
    log({ status: 400, result: 'rejected', message, parts });
    throw new ApiError(400, message);
  }
  const receivedSha1 = part.hash.digest();
  const reject = async (error: ApiError) => {
    await part.writer.abort();
    log({ status: error.status, result: 'rejected', message: error.message, receivedSha1: receivedSha1.toString('hex'), filename: part.name, parts });
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
    // Immich hits its (owner, checksum) unique constraint, deletes the new file and answers with
    // the existing asset, trashed or not (it stays in the trash).
    await env.store.blobs.remove(blob);
    log({ status: 200, result: 'duplicate', assetId: existing.id, receivedSha1: receivedSha1.toString('hex'), filename: part.name, parts });
    return json(200, { status: 'duplicate', id: existing.id });
  }

  const media = mediaTypeOf(`x${part.ext}`)!;
  const xmp = sidecar ? Buffer.concat(sidecar.chunks).toString('utf8') : null;
  const createdAt = new Date(dto.fileCreatedAt).toISOString();
  const asset = env.store.addAsset({
    ownerId: auth.user.id,
    checksum: receivedSha1,
    originalFileName: dto.filename || part.name,
    extension: part.ext,
    mimeType: media.mime,
    type: media.type,
    fileCreatedAt: createdAt,
    fileModifiedAt: new Date(dto.fileModifiedAt).toISOString(),
    // Until extraction runs, the uploaded fileCreatedAt is both dates (as on the real server).
    localDateTime: createdAt,
    isFavorite: dto.isFavorite ?? false,
    visibility: dto.visibility ?? 'timeline',
    duration: dto.duration ?? null,
    livePhotoVideoId: dto.livePhotoVideoId ?? null,
    blob,
    size: part.size,
    sidecarXmp: xmp,
    sidecar: xmp === null ? null : parseSidecar(xmp),
    description: '',
    rating: null,
    dateTimeOriginal: null,
    timeZone: null,
    latitude: null,
    longitude: null,
    tags: [],
    extracted: false,
  });
  const at = new Date().toISOString();
  for (const item of dto.metadata ?? []) asset.metadata.set(item.key, { value: item.value, updatedAt: at });
  await scheduleExtraction(env, asset.id);
  log({ status: 201, result: 'created', assetId: asset.id, receivedSha1: receivedSha1.toString('hex'), filename: part.name, parts });
  return json(201, { id: asset.id, status: 'created' });
}

const BulkCheck = z.object({ assets: z.array(z.object({ id: z.string(), checksum: z.string() })) });

async function bulkUploadCheck(ctx: Ctx): Promise<Reply> {
  const dto = parseWith(BulkCheck, await ctx.body());
  // TRAP: v3.1 builds `checksum in ()` for an empty list, which PostgreSQL refuses.
  if (dto.assets.length === 0) throw new ApiError(500, 'Failed to check bulk upload');
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
