import { createReadStream, type Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { etagFor, etagMatches } from './respond.ts';

/**
 * A file answer with a validator: 304 when the browser's copy is current, the headers alone for HEAD,
 * else the bytes streamed (a thumbnail or a bundle is never read whole into memory).
 */
export async function sendFile(req: IncomingMessage, res: ServerResponse, file: { path: string; info: Stats; contentType: string; cacheControl: string }): Promise<void> {
  const etag = etagFor(file.info.size, file.info.mtimeMs);
  const headers: Record<string, string> = { 'Content-Type': file.contentType, ETag: etag, 'Cache-Control': file.cacheControl };
  if (etagMatches(req.headers['if-none-match'], etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': String(file.info.size) });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await streamFile(file.path, res);
}

function streamFile(file: string, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const stream = createReadStream(file);
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
