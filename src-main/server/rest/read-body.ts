import type { IncomingMessage } from 'node:http';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RestFailure } from './reply.ts';

/**
 * Pipes the request body through `streams`. Unlike pipeline(req, ...), a failure (a cap reached, a
 * malformed form) leaves the request itself alone, so the server can still answer on its socket
 * (413, 400) before it closes the connection.
 */
export async function readBody(req: IncomingMessage, first: Transform, ...rest: Writable[]): Promise<void> {
  const done = pipeline(first, ...(rest as [Writable]));
  const cutOff = () => {
    if (!req.complete) first.destroy(new RestFailure('bad-request', 'The upload was cut off before its end.'));
  };
  req.on('close', cutOff);
  req.pipe(first);
  try {
    await done;
  } finally {
    req.off('close', cutOff);
    req.unpipe(first);
  }
}

/** A text body of at most `max` bytes (a recipe); RestFailure `too-large` beyond it. */
export async function readText(req: IncomingMessage, max: number): Promise<string> {
  const tooLarge = () => new RestFailure('too-large', `The body is larger than ${max} bytes.`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) throw tooLarge();
  const chunks: Buffer[] = [];
  let length = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      length += chunk.length;
      callback(length > max ? tooLarge() : null, chunk);
    },
  });
  await readBody(req, cap, new Writable({ write: (chunk: Buffer, _encoding, callback) => (chunks.push(chunk), callback()) }));
  return Buffer.concat(chunks).toString('utf8');
}
