/**
 * The server the interop tests talk to: the double by default, or a REAL Immich when IMMICH_TEST_URL
 * (…/api), IMMICH_TEST_KEY (permission "all") and IMMICH_TEST_RESTRICTED_KEY (the README's upload
 * scopes) are set. The same assertions run against both: they are what Immich 3.1.0 answered in the
 * experiments of the findings, so a double that passes them answers like the server.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import { corpusPath } from '../../test-support/corpus.ts';
import { startImmichDouble, type ImmichDouble } from './index.ts';

export const RESTRICTED_SCOPES = ['asset.upload', 'asset.read', 'asset.update', 'album.create', 'album.read', 'albumAsset.create', 'stack.create'];

const real = process.env['IMMICH_TEST_URL'] && process.env['IMMICH_TEST_KEY'] && process.env['IMMICH_TEST_RESTRICTED_KEY']
  ? { url: process.env['IMMICH_TEST_URL'].replace(/\/+$/, ''), key: process.env['IMMICH_TEST_KEY'], restricted: process.env['IMMICH_TEST_RESTRICTED_KEY'] }
  : null;
export const targetName = real ? `real Immich at ${real.url}` : 'the Immich double';

export type Part = { name: string; value: string } | { name: string; filename?: string; data: Buffer; type?: string };
export type Answer = { status: number; body: { message?: string; errors?: unknown; id?: string; status?: string; [key: string]: unknown } & Record<string, unknown> };

export type Target = {
  url: string;
  key: string;
  restricted: string;
  /** POST /assets with exactly these parts, in this order. */
  upload(parts: Part[], headers?: Record<string, string>): Promise<Answer>;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** A corpus JPEG with a unique trailer: new bytes for the server every time. */
  jpeg(rel?: string): Promise<Buffer>;
  /** Uploads a fresh JPEG and returns its id (deleted for good after the file's tests). */
  asset(rel?: string): Promise<string>;
  double: ImmichDouble | null;
};

const CRLF = '\r\n';

function encode(parts: Part[]): { body: Buffer; type: string } {
  const boundary = `----interop${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    // A file part without `filename` is what a hand-made client can send: busboy reads it as a text field.
    const head = 'data' in part
      ? `Content-Disposition: form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}${CRLF}Content-Type: ${part.type ?? 'application/octet-stream'}`
      : `Content-Disposition: form-data; name="${part.name}"`;
    chunks.push(Buffer.from(`--${boundary}${CRLF}${head}${CRLF}${CRLF}`), 'data' in part ? part.data : Buffer.from(part.value), Buffer.from(CRLF));
  }
  chunks.push(Buffer.from(`--${boundary}--${CRLF}`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Answer['body']) : ({} as Answer['body']) };
}

export const DATES = [
  { name: 'fileCreatedAt', value: '2020-01-01T14:34:00.000Z' },
  { name: 'fileModifiedAt', value: '2020-01-01T14:34:00.000Z' },
] as const;

/** One target per test file: started before, everything uploaded deleted for good after. */
export function useTarget(): () => Target {
  let target: Target | undefined;
  const created = new Set<string>();
  beforeAll(async () => {
    let double: ImmichDouble | null = null;
    let url: string;
    let key: string;
    let restricted: string;
    if (real) {
      ({ url, key, restricted } = real);
    } else {
      double = await startImmichDouble({ apiKeys: [{ key: 'interop-all', name: 'all' }, { key: 'interop-restricted', name: 'restricted', permissions: RESTRICTED_SCOPES }] });
      ({ url } = double);
      key = 'interop-all';
      restricted = 'interop-restricted';
    }
    const call: Target['call'] = async (method, path, body, headers = {}) =>
      answer(
        await fetch(`${url}${path}`, {
          method,
          headers: { 'x-api-key': key, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        }),
      );
    const upload: Target['upload'] = async (parts, headers = {}) => {
      const { body, type } = encode(parts);
      const result = await answer(await fetch(`${url}/assets`, { method: 'POST', body, headers: { 'x-api-key': key, 'content-type': type, ...headers } }));
      if (typeof result.body.id === 'string') created.add(result.body.id);
      return result;
    };
    const jpeg: Target['jpeg'] = async (rel = 'jpeg/camera/Canon_EOS_7D.jpg') => Buffer.concat([await readFile(corpusPath(rel)), randomBytes(16)]);
    const asset: Target['asset'] = async (rel) => {
      const answered = await upload([...DATES, { name: 'assetData', filename: 'interop.jpg', data: await jpeg(rel) }]);
      if (answered.status !== 201 || typeof answered.body.id !== 'string') throw new Error(`upload failed: ${answered.status} ${JSON.stringify(answered.body)}`);
      return answered.body.id;
    };
    target = { url, key, restricted, upload, call, jpeg, asset, double };
  });
  afterAll(async () => {
    if (target && created.size) await target.call('DELETE', '/assets', { ids: [...created], force: true });
    await target?.double?.close();
  });
  return () => target!;
}
