import { createReadStream, type Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ifRangeHolds, requestedRange, type ByteRange } from './byte-range.ts';
import { etagFor, etagMatches } from './respond.ts';

export type FileAnswer = {
  path: string;
  info: Stats;
  contentType: string;
  cacheControl: string;
  /** A strong validator when the caller knows the content's hash; else a weak one from size and mtime. */
  etag?: string;
  headers?: Record<string, string>;
};

/**
 * A file answer with a validator: 304 when the client's copy is current, the headers alone for HEAD,
 * a single byte range (206) when asked for one, else the bytes streamed (never read whole into memory).
 */
export async function sendFile(req: IncomingMessage, res: ServerResponse, file: FileAnswer): Promise<void> {
  const size = file.info.size;
  const etag = file.etag ?? etagFor(size, file.info.mtimeMs);
  const lastModified = file.info.mtime.toUTCString();
  const headers: Record<string, string> = {
    'Content-Type': file.contentType,
    ETag: etag,
    'Last-Modified': lastModified,
    'Cache-Control': file.cacheControl,
    'Accept-Ranges': 'bytes',
    ...file.headers,
  };
  if (etagMatches(req.headers['if-none-match'], etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const ifRange = req.headers['if-range'];
  const range = req.method === 'GET' && ifRangeHolds(typeof ifRange === 'string' ? ifRange : undefined, etag, lastModified) ? requestedRange(req.headers.range, size) : null;
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(`The file has ${size} bytes; the requested range is outside it.\n`);
    return;
  }
  if (range) {
    res.writeHead(206, { ...headers, 'Content-Range': `bytes ${range.start}-${range.end}/${size}`, 'Content-Length': String(range.end - range.start + 1) });
  } else {
    res.writeHead(200, { ...headers, 'Content-Length': String(size) });
  }
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await streamFile(file.path, res, range ?? undefined);
}

function streamFile(file: string, res: ServerResponse, range?: ByteRange): Promise<void> {
  return new Promise((resolve) => {
    const stream = createReadStream(file, range ? { start: range.start, end: range.end } : {});
    stream.on('error', () => {
      // Headers are gone already: cutting the connection is the only honest signal left.
      res.destroy();
      resolve();
    });
    res.on('close', () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
}
