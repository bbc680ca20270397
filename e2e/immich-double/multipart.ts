/**
 * A streaming multipart/form-data parser. Part bodies are handed to a sink chunk by chunk as they
 * arrive (awaiting the sink gives backpressure), so a large file is never held in full here.
 * Written by hand rather than with `Request.formData()` because that buffers every part in memory.
 */

export type PartInfo = {
  name: string;
  /** Present (possibly empty) when the part is a file, as busboy/multer decide it. */
  filename: string | undefined;
  contentType: string | undefined;
};

export interface PartSink {
  write(chunk: Buffer): void | Promise<void>;
  end(): void | Promise<void>;
}

export class MultipartError extends Error {}

const MAX_HEADER_BYTES = 16 * 1024;
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(.)/g, '$1');
  return v;
}

export function parsePartHeaders(block: string): PartInfo {
  let name: string | undefined;
  let filename: string | undefined;
  let contentType: string | undefined;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-type') contentType = value;
    if (key !== 'content-disposition') continue;
    const params = /;\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
    for (let m = params.exec(value); m; m = params.exec(value)) {
      const param = (m[1] ?? '').toLowerCase();
      if (param === 'name') name = unquote(m[2] ?? '');
      else if (param === 'filename') filename ??= unquote(m[2] ?? '');
      else if (param === 'filename*') {
        const encoded = unquote(m[2] ?? '').replace(/^[^']*'[^']*'/, '');
        filename = decodeURIComponent(encoded);
      }
    }
  }
  if (name === undefined) throw new MultipartError('Multipart: part without a name');
  return { name, filename, contentType };
}

type State = 'preamble' | 'afterBoundary' | 'headers' | 'body' | 'done';

export async function parseMultipart(
  source: AsyncIterable<Buffer>,
  boundary: string,
  onPart: (info: PartInfo) => PartSink | Promise<PartSink>,
): Promise<void> {
  // The delimiter includes the CRLF that ends the previous part; seeding the buffer with a CRLF
  // lets the very first boundary (which has none before it) match the same pattern.
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let carry: Buffer = CRLF;
  let state: State = 'preamble';
  let sink: PartSink | undefined;

  for await (const chunk of source) {
    let data: Buffer = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    carry = Buffer.alloc(0);
    let progress = true;
    while (progress && data.length > 0 && state !== 'done') {
      progress = false;
      if (state === 'preamble' || state === 'body') {
        const at = data.indexOf(delimiter);
        if (at < 0) {
          // Keep a tail that could be the start of a delimiter split across chunks.
          const keep = Math.min(data.length, delimiter.length - 1);
          if (state === 'body' && data.length > keep) await sink?.write(data.subarray(0, data.length - keep));
          carry = Buffer.from(data.subarray(data.length - keep));
          data = Buffer.alloc(0);
          break;
        }
        if (state === 'body') {
          if (at > 0) await sink?.write(data.subarray(0, at));
          await sink?.end();
          sink = undefined;
        }
        data = data.subarray(at + delimiter.length);
        state = 'afterBoundary';
        progress = true;
      } else if (state === 'afterBoundary') {
        if (data.length < 2) break;
        const marker = data.subarray(0, 2).toString('latin1');
        if (marker === '--') {
          state = 'done';
        } else if (marker === '\r\n') {
          state = 'headers';
          data = data.subarray(2);
          progress = true;
        } else {
          throw new MultipartError('Multipart: malformed boundary');
        }
      } else if (state === 'headers') {
        const end = data.indexOf(HEADER_END);
        if (end < 0) {
          if (data.length > MAX_HEADER_BYTES) throw new MultipartError('Multipart: headers too large');
          break;
        }
        const info = parsePartHeaders(data.subarray(0, end).toString('utf8'));
        sink = await onPart(info);
        data = data.subarray(end + HEADER_END.length);
        state = 'body';
        progress = true;
      }
    }
    if (state !== 'done' && data.length > 0) carry = Buffer.from(data);
  }
  if (state !== 'done') throw new MultipartError('Unexpected end of form');
}
