import { createServer, type Server } from 'node:http';
import * as immich from '@immich/sdk';
import { MalformedResponseError } from '@immich/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileChangedError, toImmichError } from './immich-error.ts';

// Real SDK errors, made by real SDK calls: the next answer is whatever `reply` says.
let reply: { status: number; body: string; headers: Record<string, string> } = { status: 200, body: '{}', headers: {} };
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/api`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The error an SDK call fails with. `text`: a call that reads the body as text (DELETE). */
async function http(status: number, data: unknown, headers: Record<string, string> = {}, text = false): Promise<unknown> {
  reply = { status, body: data === null ? '' : JSON.stringify(data), headers };
  const opts = { baseUrl, fetch: immich.jsonOnly(), headers: { 'x-api-key': 'k' } };
  const call = text ? immich.deleteAssets({ assetBulkDeleteDto: { ids: [] } }, opts) : immich.getServerVersion(opts);
  return call.then(
    () => {
      throw new Error('expected an error');
    },
    (error: unknown) => error,
  );
}

describe('toImmichError', () => {
  it('maps statuses to kinds, keeping the server message (JSON text bodies included)', async () => {
    expect(toImmichError(await http(401, { message: 'Invalid API key' }), 'upload')).toMatchObject({ kind: 'auth', status: 401, message: 'upload: Invalid API key' });
    expect(toImmichError(await http(403, { message: 'Missing required permission: asset.upload' }), 'x')).toMatchObject({ kind: 'auth' });
    // DELETE and bulk PUT read the body as text: data is a JSON string.
    expect(toImmichError(await http(400, { message: 'Not found or no asset.delete access' }, {}, true), 'delete')).toMatchObject({
      kind: 'invalid',
      message: 'delete: Not found or no asset.delete access',
    });
    expect(toImmichError(await http(400, { message: 'Validation failed', errors: [{ path: ['fileModifiedAt'], message: 'Required' }] }), 'u').message).toBe(
      'u: Validation failed (fileModifiedAt: Required)',
    );
    expect(toImmichError(await http(404, { message: 'Cannot GET /api/x' }), 'x')).toMatchObject({ kind: 'not-found' });
    for (const status of [408, 429, 500, 502, 503, 504]) expect(toImmichError(await http(status, null), 'x').kind).toBe('retryable');
    expect(toImmichError(await http(429, { message: 'slow down' }, { 'retry-after': '7' }), 'x')).toMatchObject({ kind: 'retryable', retryAfterMs: 7000 });
  });

  it('network errors are retryable, a changed or missing file is not', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(toImmichError(refused, 'x')).toMatchObject({ kind: 'retryable', message: expect.stringContaining('ECONNREFUSED') });
    const socket = new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    expect(toImmichError(socket, 'x').kind).toBe('retryable');
    expect(toImmichError(new TypeError('fetch failed', { cause: new FileChangedError('changed') }), 'x')).toMatchObject({ kind: 'invalid', message: 'x: changed' });
    const gone = new TypeError('fetch failed', { cause: Object.assign(new Error('ENOENT'), { code: 'ENOENT' }) });
    expect(toImmichError(gone, 'x').kind).toBe('invalid');
    expect(toImmichError(new DOMException('timed out', 'TimeoutError'), 'x').kind).toBe('retryable');
  });

  it('an HTML answer (proxy, wrong URL) is retryable when 5xx and invalid when 2xx', () => {
    expect(toImmichError(new MalformedResponseError('Expected a JSON response', 'u', 502, 'text/html'), 'x').kind).toBe('retryable');
    expect(toImmichError(new MalformedResponseError('Expected a JSON response', 'u', 200, 'text/html'), 'x')).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('check the server URL'),
    });
  });
});
