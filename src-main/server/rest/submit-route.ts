import { open, rm, type FileHandle } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { ApiError, RestSubmitted } from '../../contract/index.ts';
import type { RestContext } from './context.ts';
import { formBoundary, MultipartError, multipartWriter, type PartSink } from './multipart.ts';
import { readBody } from './read-body.ts';
import { RestFailure } from './reply.ts';
import { sendValid } from './send-valid.ts';

/** The text fields next to the file, and how long each may be. */
const FIELDS = { preset: 200, recipe: 1_000_000 } as const;
type Field = keyof typeof FIELDS;

function tooLarge(max: number): RestFailure {
  return new RestFailure('too-large', `The upload is larger than this server accepts (${Math.floor(max / (1024 * 1024))} MB for a photo). Start the server with a larger --max-upload-mb to send it.`);
}

/**
 * POST /photos: the multipart body is streamed to a temp file in the library's inbox (never held
 * in memory), with a byte cap that holds for chunked bodies too; then the engine checks it and
 * records it exactly as a dropped file. Whatever goes wrong, the temp file does not stay.
 */
export async function submitPhoto(ctx: RestContext): Promise<void> {
  const { req, limits } = ctx;
  const boundary = formBoundary(req.headers['content-type']);
  if (!boundary) {
    throw new RestFailure('bad-request', 'Send the photo as multipart/form-data with a "file" part, e.g. curl -F file=@photo.jpg.', { status: 415 });
  }
  // Fields and part headers ride along with the photo: the body may be that much larger than it.
  const bodyCap = limits.maxUploadBytes + FIELDS.recipe + FIELDS.preset + 64 * 1024;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > bodyCap) throw tooLarge(limits.maxUploadBytes);
  ctx.proceed();

  const tempPath = await ctx.rest.uploadTempPath();
  let handle: FileHandle | null = null;
  let file: { name: string; bytes: number } | null = null;
  const fields: Partial<Record<Field, string>> = {};
  try {
    const onPart = (part: { name: string; filename: string | null }): PartSink => {
      if (part.name === 'file') {
        if (file) throw new RestFailure('bad-request', 'Send one file per request.');
        if (part.filename === null) throw new RestFailure('bad-request', 'The "file" part must be a file (curl -F file=@photo.jpg), not a text field.');
        // Old browsers send a whole Windows path (C:\fakepath\IMG.jpg): the name is its last part.
        const current = { name: part.filename.split(/[\\/]/).pop() ?? '', bytes: 0 };
        file = current;
        return {
          data: async (chunk) => {
            current.bytes += chunk.length;
            if (current.bytes > limits.maxUploadBytes) throw tooLarge(limits.maxUploadBytes);
            handle ??= await open(tempPath, 'wx');
            await handle.write(chunk);
          },
          end: async () => {
            handle ??= await open(tempPath, 'wx');
            // The inbox copy is what the ingest job reads after we answered: it must survive a power cut.
            await handle.sync();
          },
        };
      }
      if (!Object.hasOwn(FIELDS, part.name)) throw new RestFailure('bad-request', `Unknown form field "${part.name}": the fields are file, preset and recipe.`);
      const field = part.name as Field;
      if (fields[field] !== undefined) throw new RestFailure('bad-request', `The field "${field}" is given twice.`);
      const chunks: Buffer[] = [];
      let length = 0;
      return {
        data: (chunk) => {
          length += chunk.length;
          if (length > FIELDS[field]) throw new RestFailure('too-large', `The field "${field}" is longer than ${FIELDS[field]} bytes.`);
          chunks.push(chunk);
        },
        end: () => {
          fields[field] = Buffer.concat(chunks).toString('utf8');
        },
      };
    };
    let received = 0;
    const cap = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        callback(received > bodyCap ? tooLarge(limits.maxUploadBytes) : null, chunk);
      },
    });
    await readBody(req, cap, multipartWriter(boundary, onPart)).catch((error: unknown) => {
      if (error instanceof MultipartError) throw new RestFailure('bad-request', `The form cannot be read: ${error.message}`);
      throw error;
    });
    await (handle as FileHandle | null)?.close();
    handle = null;
    const sent = file as { name: string; bytes: number } | null;
    if (!sent) throw new RestFailure('bad-request', 'The form has no "file" part: send the photo as -F file=@photo.jpg.');
    const submitted = await ctx.rest
      .submit({ tempPath, fileName: sent.name, preset: fields.preset, recipe: fields.recipe, sender: { tokenId: ctx.caller.tokenId, name: ctx.caller.name } })
      .catch((error: unknown) => {
        // An unknown preset is a problem of the form, not a missing resource at this URL.
        if (error instanceof ApiError && error.code === 'not-found') throw new RestFailure('not-found', error.message, { status: 422 });
        throw error;
      });
    sendValid(ctx, 202, RestSubmitted, submitted, { Location: submitted.links.self });
  } finally {
    await (handle as FileHandle | null)?.close().catch(() => undefined);
    // submit() consumed it when it got that far; otherwise nothing half-written may stay.
    await rm(tempPath, { force: true });
  }
}
