import { Writable } from 'node:stream';

/**
 * A streaming multipart/form-data parser (RFC 7578 over RFC 2046's framing) for the REST upload.
 * Node has none server-side; this one never holds a part's body: bytes are handed on as they
 * arrive, keeping back only what could be the start of the next boundary.
 */

export type PartHeaders = {
  /** The form field's name. */
  name: string;
  /** Present (possibly empty) for a file part. */
  filename: string | null;
  contentType: string | null;
};

export type PartSink = {
  data(chunk: Buffer): void | Promise<void>;
  end(): void | Promise<void>;
};

export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MultipartError';
  }
}

type Event = { type: 'part'; headers: PartHeaders } | { type: 'data'; bytes: Buffer } | { type: 'end-part' } | { type: 'done' };

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 8 * 1024;

/** The boundary of a `multipart/form-data` Content-Type, or null when it is not one. */
export function formBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

/**
 * The byte-level state machine. `feed` returns what the chunk completed, in order; `finish` checks
 * the body ended with the closing boundary.
 */
export class MultipartParser {
  #delimiter: Buffer;
  #state: 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'epilogue' = 'preamble';
  // A CRLF in front of the first delimiter lets every delimiter be searched as CRLF--boundary.
  #carry: Buffer = CRLF;
  #parts = 0;
  #maxParts: number;

  constructor(boundary: string, options: { maxParts?: number } = {}) {
    this.#delimiter = Buffer.from(`\r\n--${boundary}`);
    this.#maxParts = options.maxParts ?? 16;
  }

  feed(chunk: Buffer): Event[] {
    const events: Event[] = [];
    let buf = this.#carry.length > 0 ? Buffer.concat([this.#carry, chunk]) : chunk;
    this.#carry = Buffer.alloc(0);
    for (;;) {
      if (this.#state === 'epilogue') return events;
      if (this.#state === 'preamble' || this.#state === 'body') {
        const at = buf.indexOf(this.#delimiter);
        if (at === -1) {
          // Everything except what could be a delimiter's beginning is body (or ignored preamble).
          const keep = Math.min(buf.length, this.#delimiter.length - 1);
          const safe = buf.length - keep;
          if (this.#state === 'body' && safe > 0) events.push({ type: 'data', bytes: buf.subarray(0, safe) });
          this.#carry = Buffer.from(buf.subarray(safe));
          return events;
        }
        if (this.#state === 'body') {
          if (at > 0) events.push({ type: 'data', bytes: buf.subarray(0, at) });
          events.push({ type: 'end-part' });
        }
        buf = buf.subarray(at + this.#delimiter.length);
        this.#state = 'after-delimiter';
        continue;
      }
      if (this.#state === 'after-delimiter') {
        // `--` closes the body; else optional transport padding, then CRLF and the next part's headers.
        const lineEnd = buf.indexOf(CRLF);
        if (buf.length >= 2 && buf[0] === 0x2d && buf[1] === 0x2d) {
          this.#state = 'epilogue';
          events.push({ type: 'done' });
          return events;
        }
        if (lineEnd === -1) {
          if (buf.length > 256) throw new MultipartError('A boundary line is not followed by a line break.');
          this.#carry = Buffer.from(buf);
          return events;
        }
        if (!/^[ \t]*$/.test(buf.subarray(0, lineEnd).toString('latin1'))) throw new MultipartError('Unexpected bytes after a boundary.');
        buf = buf.subarray(lineEnd + 2);
        this.#state = 'headers';
        continue;
      }
      // headers
      const end = buf.indexOf(HEADER_END);
      // A part without headers starts with the blank line right away.
      const empty = buf.length >= 2 && buf[0] === 0x0d && buf[1] === 0x0a;
      if (end === -1 && !empty) {
        if (buf.length > MAX_HEADER_BYTES) throw new MultipartError(`A part's headers are longer than ${MAX_HEADER_BYTES} bytes.`);
        this.#carry = Buffer.from(buf);
        return events;
      }
      const headerText = empty ? '' : buf.subarray(0, end).toString('utf8');
      buf = buf.subarray(empty ? 2 : end + HEADER_END.length);
      if (++this.#parts > this.#maxParts) throw new MultipartError(`The form has more than ${this.#maxParts} parts.`);
      events.push({ type: 'part', headers: parsePartHeaders(headerText) });
      this.#state = 'body';
    }
  }

  finish(): void {
    if (this.#state !== 'epilogue') throw new MultipartError('The body ended before the closing boundary: the upload was cut off.');
  }
}

function parsePartHeaders(text: string): PartHeaders {
  let disposition: string | null = null;
  let contentType: string | null = null;
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError(`A part header line is malformed: ${JSON.stringify(line.slice(0, 80))}.`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-type') contentType = value;
  }
  if (!disposition || !/^form-data\s*(;|$)/i.test(disposition)) throw new MultipartError('A part has no "Content-Disposition: form-data" header.');
  const params = dispositionParams(disposition);
  const name = params.get('name');
  if (name === undefined) throw new MultipartError('A part has no field name.');
  const filename = params.get('filename*') ?? params.get('filename') ?? null;
  return { name, filename, contentType };
}

/** `form-data; name="file"; filename="a \"b\".jpg"; filename*=UTF-8''%C3%A9.jpg` -> its parameters. */
function dispositionParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /;\s*([A-Za-z0-9_.*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g;
  for (const match of value.matchAll(re)) {
    const key = match[1]!.toLowerCase();
    // Browsers (and undici) write `"`, CR and LF in names as %22, %0D, %0A (WHATWG HTML's form
    // encoding) and leave backslashes alone (an old browser's C:\fakepath\x.jpg); others escape `"`
    // and `\` with a backslash. Only those two escapes are undone, so a Windows path survives.
    if (match[2] !== undefined) params.set(key, match[2].replace(/\\(["\\])/g, '$1').replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n'));
    else if (key.endsWith('*')) {
      const ext = /^([^']*)'[^']*'(.*)$/.exec(match[3] ?? '');
      if (!ext || !/^utf-8$/i.test(ext[1] ?? '')) continue;
      try {
        params.set(key, decodeURIComponent(ext[2] ?? ''));
      } catch {
        // A broken extended value: the plain `filename` (if any) is used instead.
      }
    } else params.set(key, match[3] ?? '');
  }
  return params;
}

/**
 * A Writable to pipe a request into: each part goes to the sink `onPart` returns, and a slow sink
 * (a file on a slow disk) holds the request back through ordinary stream backpressure.
 */
export function multipartWriter(boundary: string, onPart: (headers: PartHeaders) => PartSink, options: { maxParts?: number } = {}): Writable {
  const parser = new MultipartParser(boundary, options);
  let sink: PartSink | null = null;
  const run = async (events: Event[]) => {
    for (const event of events) {
      if (event.type === 'part') sink = onPart(event.headers);
      else if (event.type === 'data') await sink?.data(event.bytes);
      else if (event.type === 'end-part') {
        await sink?.end();
        sink = null;
      }
    }
  };
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      let events: Event[];
      try {
        events = parser.feed(chunk);
      } catch (error) {
        return callback(error as Error);
      }
      run(events).then(() => callback(), callback);
    },
    final(callback) {
      try {
        parser.finish();
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
