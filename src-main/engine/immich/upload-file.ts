import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { FileChangedError } from './immich-error.ts';

// Only for the part's Content-Type; Immich decides the asset type from the filename's extension.
const MIME_BY_EXT: Record<string, string> = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.tif': 'image/tiff', '.tiff': 'image/tiff',
  '.webp': 'image/webp', '.avif': 'image/avif', '.heic': 'image/heic', '.heif': 'image/heif', '.jxl': 'image/jxl',
  '.dng': 'image/x-adobe-dng', '.gif': 'image/gif', '.xmp': 'application/rdf+xml',
};

export const mimeOf = (fileName: string): string => MIME_BY_EXT[path.extname(fileName).toLowerCase()] ?? 'application/octet-stream';

export type StreamedFileOptions = {
  /** The bytes on disk. */
  filePath: string;
  /** The name Immich sees (its extension decides the asset type). */
  fileName: string;
  size: number;
  /** Hex SHA-1 the bytes must have; the stream errors at its end when they do not. */
  sha1: string;
  lastModified?: number;
  /** Called with each chunk's length as it is read (progress). */
  onBytes?: (n: number) => void;
};

/**
 * A File whose bytes come from disk each time `stream()` is called, so a request body is never held
 * in memory and every retry re-reads the file (a consumed stream cannot be replayed).
 *
 * The stream checks the size and SHA-1 of exactly the bytes it yields and errors before its last
 * chunk if they differ: the request then dies mid-body and the server stores nothing. That matters
 * because Immich trusts `x-immich-checksum` without hashing the body.
 */
export class StreamedFile extends File {
  readonly #filePath: string;
  readonly #size: number;
  readonly #sha1: string;
  readonly #onBytes: ((n: number) => void) | undefined;
  /** How many times the body was opened (one per HTTP attempt). */
  opens = 0;

  constructor(options: StreamedFileOptions) {
    super([], options.fileName, { type: mimeOf(options.fileName), ...(options.lastModified !== undefined ? { lastModified: options.lastModified } : {}) });
    this.#filePath = options.filePath;
    this.#size = options.size;
    this.#sha1 = options.sha1.toLowerCase();
    this.#onBytes = options.onBytes;
    // Blob's `size` is a prototype getter (typed as a property): shadow it with the file's size,
    // which FormData uses for the part length and the request's Content-Length.
    Object.defineProperty(this, 'size', { value: options.size, enumerable: true });
  }

  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    this.opens += 1;
    const filePath = this.#filePath;
    const size = this.#size;
    const expected = this.#sha1;
    const onBytes = this.#onBytes;
    const hash = createHash('sha1');
    let seen = 0;
    let file: ReturnType<typeof createReadStream> | undefined;
    let chunks: AsyncIterator<Buffer> | undefined;
    // Hold back one chunk so a mismatch found at EOF still stops the body before it completes.
    let held: Buffer | undefined;
    // Pull-based on purpose: Readable.toWeb() reads ahead without bound (the whole file ended up
    // in memory in the 128 MiB test); here a chunk is read only when fetch asks for one.
    return new ReadableStream<Uint8Array<ArrayBuffer>>(
      {
        start() {
          file = createReadStream(filePath, { highWaterMark: 256 * 1024 });
          chunks = file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
        },
        async pull(controller) {
          // A pull must enqueue or close, or the stream stalls: the first chunk only fills `held`.
          for (;;) {
            const next = await chunks!.next();
            if (next.done) break;
            const chunk = next.value;
            hash.update(chunk);
            seen += chunk.length;
            if (seen > size) throw new FileChangedError(`${filePath} grew while it was being uploaded`);
            onBytes?.(chunk.length);
            const previous = held;
            held = chunk;
            if (previous) return controller.enqueue(new Uint8Array(previous.buffer, previous.byteOffset, previous.length) as Uint8Array<ArrayBuffer>);
          }
          if (seen !== size) throw new FileChangedError(`${filePath} is ${seen} bytes, expected ${size}: it changed since it was hashed`);
          const actual = hash.digest('hex');
          if (actual !== expected) throw new FileChangedError(`${filePath} has SHA-1 ${actual}, expected ${expected}: it changed since it was hashed`);
          if (held) controller.enqueue(new Uint8Array(held.buffer, held.byteOffset, held.length) as Uint8Array<ArrayBuffer>);
          controller.close();
        },
        cancel() {
          file?.destroy();
        },
      },
      { highWaterMark: 0 },
    );
  }

  // Buffering the whole file is exactly what this class exists to avoid.
  override arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.reject(new Error('StreamedFile is streamed only'));
  }
  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return Promise.reject(new Error('StreamedFile is streamed only'));
  }
  override text(): Promise<string> {
    return Promise.reject(new Error('StreamedFile is streamed only'));
  }
  override slice(): Blob {
    throw new Error('StreamedFile is streamed only');
  }
}

/** Stats the file now: a size that later changes makes the upload fail with FileChangedError. */
export async function openStreamedFile(options: Omit<StreamedFileOptions, 'size' | 'lastModified'>): Promise<StreamedFile> {
  const info = await stat(options.filePath);
  if (!info.isFile()) throw new FileChangedError(`${options.filePath} is not a file`);
  return new StreamedFile({ ...options, size: info.size, lastModified: info.mtimeMs });
}

export type UploadFileInput = {
  path: string;
  /** Name with its real extension, e.g. "IMG_0001.jpg". */
  fileName: string;
  /** Hex SHA-1 of the file. */
  sha1: string;
  createdAt: Date | string;
  modifiedAt: Date | string;
};

const iso = (d: Date | string) => (typeof d === 'string' ? new Date(d) : d).toISOString();

/**
 * The multipart fields of POST /assets, in the order they go on the wire (the SDK appends them in
 * key order). Immich judges each FILE part as it arrives by the `filename` text field received so
 * far, else the part's own name: a `filename` before `sidecarData` makes the server check the
 * photo's name as a sidecar and refuse the whole upload ("Unsupported file type IMG_1.jpg", seen on
 * 3.1.0). So both file parts come first, each named for what it is, and `filename` comes last: it
 * still sets the asset's originalFileName exactly (a part's name is escaped on the wire).
 * assetData leads so the end-of-stream checksum check fails before the body is complete.
 * Keys are left out rather than set to undefined (the SDK would send undefined as a part "blob").
 */
export async function uploadForm(input: UploadFileInput, sidecar?: string, onBytes?: (n: number) => void) {
  const assetData = await openStreamedFile({ filePath: input.path, fileName: input.fileName, sha1: input.sha1, ...(onBytes ? { onBytes } : {}) });
  return {
    assetData,
    ...(sidecar !== undefined ? { sidecarData: new File([sidecar], `${input.fileName}.xmp`, { type: 'application/rdf+xml' }) } : {}),
    fileCreatedAt: iso(input.createdAt),
    fileModifiedAt: iso(input.modifiedAt),
    filename: input.fileName,
  };
}
