import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { HashRequest, HashResponse } from './hash-protocol.ts';
import { lowerThreadPriority } from '../base/background-thread.ts';

lowerThreadPriority();

// Large reads: hashing runs at ~1 GB/s here, so 64 KiB chunks would spend their time in stream overhead.
const CHUNK_BYTES = 1024 * 1024;

async function hash(request: HashRequest): Promise<HashResponse> {
  const sha256 = createHash('sha256');
  const sha1 = request.sha1 ? createHash('sha1') : null;
  let size = 0;
  try {
    for await (const chunk of createReadStream(request.path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
      sha256.update(chunk);
      sha1?.update(chunk);
      size += chunk.length;
    }
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return { id: request.id, ok: false, code: code ?? null, message };
  }
  return { id: request.id, ok: true, sha256: sha256.digest('hex'), sha1: sha1?.digest('hex') ?? null, size };
}

parentPort!.on('message', (request: HashRequest) => {
  void hash(request).then((response) => parentPort!.postMessage(response));
});
