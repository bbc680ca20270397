import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

/**
 * Where uploaded bytes live. In memory the chunks are kept as received (never concatenated),
 * on disk they are streamed to a file: either way a huge upload is held once, not twice.
 */
export type BlobRef = { readonly kind: 'memory'; readonly chunks: readonly Buffer[] } | { readonly kind: 'disk'; readonly file: string };

export interface BlobWriter {
  write(chunk: Buffer): void | Promise<void>;
  finish(): Promise<BlobRef>;
  abort(): Promise<void>;
}

export interface BlobStore {
  begin(): BlobWriter;
  read(ref: BlobRef): AsyncIterable<Buffer>;
  remove(ref: BlobRef): Promise<void>;
}

export function memoryBlobs(): BlobStore {
  return {
    begin() {
      const chunks: Buffer[] = [];
      return {
        write: (chunk) => void chunks.push(chunk),
        finish: () => Promise.resolve({ kind: 'memory', chunks }),
        abort: () => Promise.resolve(void (chunks.length = 0)),
      };
    },
    async *read(ref) {
      if (ref.kind !== 'memory') throw new Error('not a memory blob');
      yield* ref.chunks;
    },
    remove: () => Promise.resolve(),
  };
}

export function diskBlobs(dir: string): BlobStore {
  let ready: Promise<unknown> | undefined;
  return {
    begin() {
      const file = path.join(dir, randomUUID());
      let stream: WriteStream | undefined;
      const open = async () => {
        ready ??= mkdir(dir, { recursive: true });
        await ready;
        stream ??= createWriteStream(file);
        return stream;
      };
      return {
        async write(chunk) {
          const s = await open();
          // Honour backpressure so a slow disk slows the upload instead of filling memory.
          if (!s.write(chunk)) await new Promise<void>((resolve) => s.once('drain', () => resolve()));
        },
        async finish() {
          const s = await open();
          await new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())));
          return { kind: 'disk', file };
        },
        async abort() {
          stream?.destroy();
          await rm(file, { force: true });
        },
      };
    },
    read(ref) {
      if (ref.kind !== 'disk') throw new Error('not a disk blob');
      return createReadStream(ref.file) as AsyncIterable<Buffer>;
    },
    async remove(ref) {
      if (ref.kind === 'disk') await rm(ref.file, { force: true });
    },
  };
}

export async function readAll(store: BlobStore, ref: BlobRef): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of store.read(ref)) chunks.push(chunk);
  return Buffer.concat(chunks);
}
