import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat, truncate } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { AnalysisError } from '../analysis-error.ts';

/**
 * One file over HTTP(S) into `<dest>.part`, resuming with a Range request after a dropped
 * connection (or in a later run), then checked against the expected size and SHA-256. The caller
 * renames the .part into place once every file of a model has passed, so a half-fetched or wrong
 * model is never "installed". Redirects are followed (model hubs answer with a CDN redirect).
 */

export type Progress = { received: number; total: number | null };

export type DownloadOptions = {
  url: string;
  /** The .part file; resumed from its current length. */
  partPath: string;
  bytes: number | null;
  sha256: string | null;
  onProgress?: (p: Progress) => void;
  /** Tries after a dropped connection or a server error (5xx) before giving up. */
  attempts?: number;
  /** No byte for this long drops the connection (then resumed). */
  idleTimeoutMs?: number;
  /** Wait between tries; doubles each time. */
  retryDelayMs?: number;
};

export type Downloaded = { bytes: number; sha256: string; resumes: number };

class Transient extends Error {}

const MAX_REDIRECTS = 5;

async function sizeOf(file: string): Promise<number> {
  return stat(file).then((s) => s.size, () => 0);
}

function get(url: string, headers: Record<string, string>, idleTimeoutMs: number): Promise<http.IncomingMessage> {
  const lib = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.get(url, { headers: { 'user-agent': 'Lightbox model manager', ...headers } }, resolve);
    req.setTimeout(idleTimeoutMs, () => req.destroy(new Transient(`no data for ${idleTimeoutMs} ms`)));
    req.on('error', (err) => reject(err instanceof Transient ? err : new Transient(err.message)));
  });
}

/** Where the body of this try starts: the .part's length, or 0 when the server sends it all again. */
async function open(url: string, partPath: string, idleTimeoutMs: number): Promise<{ res: http.IncomingMessage; offset: number; total: number | null }> {
  let target = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const have = await sizeOf(partPath);
    const res = await get(target, have > 0 ? { range: `bytes=${have}-` } : {}, idleTimeoutMs);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      target = new URL(res.headers.location, target).toString();
      continue;
    }
    if (status === 416) {
      // The .part is not a prefix the server can continue (longer, or a different file): start over.
      res.resume();
      await truncate(partPath, 0);
      throw new Transient('the partial file could not be resumed');
    }
    if (status >= 500) {
      res.resume();
      throw new Transient(`the server answered HTTP ${status}`);
    }
    if (status !== 200 && status !== 206) {
      res.resume();
      throw new AnalysisError('download-failed', `Downloading ${url} failed: the server answered HTTP ${status}${status === 404 ? ' (not found: the model may have moved; update Lightbox)' : ''}.`);
    }
    const length = Number(res.headers['content-length']);
    if (status === 206) {
      const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(res.headers['content-range'] ?? ''));
      if (!m || Number(m[1]) !== have) {
        res.resume();
        await truncate(partPath, 0);
        throw new Transient('the server resumed at the wrong place');
      }
      return { res, offset: have, total: m[3] === '*' ? null : Number(m[3]) };
    }
    // 200: the whole file again (no Range support, or no .part yet).
    if (have > 0) await truncate(partPath, 0);
    return { res, offset: 0, total: Number.isFinite(length) ? length : null };
  }
  throw new AnalysisError('download-failed', `Downloading ${url} failed: more than ${MAX_REDIRECTS} redirects.`);
}

async function tryOnce(options: DownloadOptions, idleTimeoutMs: number): Promise<void> {
  const { res, offset, total } = await open(options.url, options.partPath, idleTimeoutMs);
  let received = offset;
  res.on('data', (chunk: Buffer) => {
    received += chunk.length;
    options.onProgress?.({ received, total: total ?? options.bytes });
  });
  try {
    await pipeline(res, createWriteStream(options.partPath, { flags: 'a' }));
  } catch (err) {
    throw new Transient(`the connection dropped after ${received} bytes (${(err as Error).message})`);
  }
  // A closed socket can end the stream cleanly before Content-Length was reached.
  if (total !== null && received < total) throw new Transient(`the connection dropped after ${received} of ${total} bytes`);
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

export async function downloadFile(options: DownloadOptions): Promise<Downloaded> {
  const attempts = options.attempts ?? 6;
  const idle = options.idleTimeoutMs ?? 30_000;
  let delay = options.retryDelayMs ?? 500;
  let resumes = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      await tryOnce(options, idle);
      break;
    } catch (err) {
      if (!(err instanceof Transient)) throw err;
      if (attempt >= attempts) {
        throw new AnalysisError('download-failed', `Downloading ${options.url} failed after ${attempts} tries: ${err.message}. Run the download again to resume it.`);
      }
      resumes++;
      await new Promise((r) => setTimeout(r, delay));
      delay *= 2;
    }
  }
  const bytes = await sizeOf(options.partPath);
  const fail = async (what: string) => {
    // A complete but wrong file cannot be resumed into a right one: drop it.
    await rm(options.partPath, { force: true });
    return new AnalysisError('hash-mismatch', `The download of ${options.url} ${what}; nothing was installed. The file on the server may have changed: update Lightbox, or try again later.`);
  };
  if (options.bytes !== null && bytes !== options.bytes) throw await fail(`is ${bytes} bytes, expected ${options.bytes}`);
  const sha256 = await sha256Of(options.partPath);
  if (options.sha256 !== null && sha256 !== options.sha256) throw await fail(`has SHA-256 ${sha256}, expected ${options.sha256}`);
  return { bytes, sha256, resumes };
}
