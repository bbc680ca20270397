import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  ApiError,
  commands,
  type Api,
  type CommandInput,
  type CommandName,
  type CommandOutput,
  type EventName,
  type EventPayload,
  type HotFolder,
  type Photo,
  type WireMessage,
} from '../contract/index.ts';
import { createHttpServer, type RunningHttpServer } from './http-server.ts';

/**
 * A tiny Api built from the contract table: only these transport tests may use one (they test the
 * wire, not the engine). Every command's input is parsed as the engine would.
 */
function createTestApi() {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const folders: HotFolder[] = [];
  const api: Api = {
    async call<K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandOutput<K>> {
      const parsed = commands[name].input.parse(input) as Record<string, unknown>;
      const out = (value: unknown) => value as CommandOutput<K>;
      switch (name) {
        case 'folders.list':
          return out(folders);
        case 'folders.add': {
          const folder = { ...parsed, id: folders.length + 1, createdAt: '2024-05-01T10:00:00.000Z' } as HotFolder;
          folders.push(folder);
          return out(folder);
        }
        case 'photos.get':
          if (parsed.id === 13) return out({ id: 13, fileName: 'half-a-photo.jpg' }); // breaks the output schema
          if (parsed.id === 66) throw new Error('disk on fire at /secret/path');
          throw new ApiError('not-found', `There is no photo ${String(parsed.id)} in this library.`);
        default:
          throw new ApiError('internal', `${name} is not in the test api`);
      }
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
  const emit = (event: EventName, payload: unknown) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  const listenerCount = () => [...listeners.values()].reduce((n, set) => n + set.size, 0);
  return { api, emit, listenerCount };
}

function photo(id: number, fileName: string): Photo {
  return {
    id, folderId: 1, sha256: 'a'.repeat(64), sha1: 'b'.repeat(40), fileName, sourcePath: `/hot/${fileName}`,
    originalPath: `originals/2024/05/aaaaaaaa_${fileName}`, bytes: 1234, format: 'jpeg', width: 640, height: 480,
    orientation: 1, captureDate: null, gps: null, metadata: null, stage: 'ingested', error: null, warnings: [],
    duplicates: 0, mediaRev: 0, createdAt: '2024-05-01T10:00:00.000Z', updatedAt: '2024-05-01T10:00:00.000Z',
  };
}

type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };

/** Raw node:http, so the test controls Host, Origin and Cookie exactly as an attacker could. */
function get(port: number, pathname: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: pathname, method, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function openSocket(port: number, headers: Record<string, string>, origin: string | undefined = `http://127.0.0.1:${port}`): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers, ...(origin ? { origin } : {}) });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Sends requests and collects every message, so a test can await the one it expects. */
function client(ws: WebSocket) {
  const messages: WireMessage[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as WireMessage);
    for (const wake of waiters.splice(0)) wake();
  });
  const next = async (match: (m: WireMessage) => boolean): Promise<WireMessage> => {
    for (;;) {
      const found = messages.find(match);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  let nextId = 1;
  return {
    messages,
    next,
    async call(method: string, input: unknown): Promise<WireMessage> {
      const id = nextId++;
      ws.send(JSON.stringify({ id, method, input }));
      return next((m) => m.type !== 'event' && m.id === id);
    },
  };
}

describe('createHttpServer', () => {
  let dir: string;
  let server: RunningHttpServer;
  let testApi: ReturnType<typeof createTestApi>;
  const logged: string[] = [];
  const thumbBytes = Buffer.from('not really a jpeg, but bytes the route must pass through unchanged');
  let auth: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-server-'));
    await mkdir(path.join(dir, 'ui/assets'), { recursive: true });
    await writeFile(path.join(dir, 'ui/index.html'), '<!doctype html><title>Lightbox UI</title>');
    await writeFile(path.join(dir, 'ui/assets/app-1234.js'), 'console.log("ui")');
    await writeFile(path.join(dir, 'secret.txt'), 'outside the static dir');
    await writeFile(path.join(dir, 'thumb-7.jpg'), thumbBytes);
    testApi = createTestApi();
    server = await createHttpServer({
      api: testApi.api,
      staticDir: path.join(dir, 'ui'),
      port: 0,
      resolveMedia: async (kind, id) => (kind === 'thumb' && id === 7 ? { path: path.join(dir, 'thumb-7.jpg'), contentType: 'image/jpeg' } : null),
      log: (message, error) => logged.push(`${message} ${error instanceof Error ? error.message : ''}`),
    });
    auth = { Cookie: `lightbox-token-${server.port}=${server.token}` };
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a loopback link carrying a 256-bit token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(Buffer.from(server.token, 'base64url')).toHaveLength(32);
  });

  it('refuses every request without the token with 401 and a pointer to the printed link', async () => {
    for (const target of ['/', '/assets/app-1234.js', '/media/thumb/7', '/api']) {
      const reply = await get(server.port, target);
      expect(reply.status, target).toBe(401);
      expect(reply.body.toString()).toContain('lightbox serve');
    }
    expect((await get(server.port, '/', { Cookie: `lightbox-token-${server.port}=${server.token}x` })).status).toBe(401);
    expect((await get(server.port, '/?token=wrong')).status).toBe(401);
    await expect(openSocket(server.port, {})).rejects.toThrow('HTTP 401');
  });

  it('trades a query token for an HttpOnly SameSite=Strict cookie and redirects to the clean URL', async () => {
    const reply = await get(server.port, `/?token=${server.token}&view=grid`);
    expect(reply.status).toBe(302);
    expect(reply.headers.location).toBe('/?view=grid');
    const cookie = String(reply.headers['set-cookie']);
    expect(cookie).toContain(`lightbox-token-${server.port}=${server.token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');

    const page = await get(server.port, '/?view=grid', { Cookie: cookie.split(';')[0] ?? '' });
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('<title>Lightbox UI</title>');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('accepts the token as a Bearer header', async () => {
    expect((await get(server.port, '/', { Authorization: `Bearer ${server.token}` })).status).toBe(200);
  });

  it('refuses a foreign Host header with 403 even with the token (DNS rebinding)', async () => {
    const reply = await get(server.port, '/', { ...auth, Host: `evil.example:${server.port}` });
    expect(reply.status).toBe(403);
    expect((await get(server.port, '/', { ...auth, Host: `localhost:${server.port}` })).status).toBe(200);
    await expect(openSocket(server.port, { ...auth, Host: `evil.example:${server.port}` }, `http://evil.example:${server.port}`)).rejects.toThrow('HTTP 403');
  });

  it('refuses a WebSocket upgrade from a foreign or missing Origin with 403', async () => {
    await expect(openSocket(server.port, auth, 'http://evil.example')).rejects.toThrow('HTTP 403');
    await expect(openSocket(server.port, auth, `http://127.0.0.1:${server.port + 1}`)).rejects.toThrow('HTTP 403');
    await expect(openSocket(server.port, auth, null as unknown as undefined)).rejects.toThrow('HTTP 403');
  });

  it('refuses a cross-origin non-GET request with 403', async () => {
    const reply = await get(server.port, '/', { ...auth, Origin: 'http://evil.example' }, 'POST');
    expect(reply.status).toBe(403);
  });

  it('runs a command round trip and validates input, output and errors', async () => {
    const ws = await openSocket(server.port, auth);
    const c = client(ws);
    try {
      const added = await c.call('folders.add', { path: '/photos/hot' });
      expect(added).toMatchObject({ type: 'result', output: { id: 1, path: '/photos/hot', recursive: true, afterIngest: 'keep' } });
      expect(await c.call('folders.list', {})).toMatchObject({ type: 'result', output: [{ id: 1, path: '/photos/hot' }] });

      const bad = await c.call('folders.add', { path: 42 });
      expect(bad.type).toBe('error');
      expect(bad.type === 'error' && bad.error.code).toBe('bad-request');
      expect(bad.type === 'error' && bad.error.message).toMatch(/folders\.add.*path/s);

      const unknown = await c.call('photos.delete-everything', {});
      expect(unknown).toMatchObject({ type: 'error', error: { code: 'bad-request' } });

      expect(await c.call('photos.get', { id: 5 })).toMatchObject({
        type: 'error', error: { code: 'not-found', message: 'There is no photo 5 in this library.' },
      });
      const crashed = await c.call('photos.get', { id: 66 });
      expect(crashed).toMatchObject({ type: 'error', error: { code: 'internal' } });
      expect(JSON.stringify(crashed)).not.toContain('/secret/path');
      expect(logged.join('\n')).toContain('disk on fire at /secret/path');

      const malformed = await c.call('photos.get', { id: 13 });
      expect(malformed).toMatchObject({ type: 'error', error: { code: 'internal' } });
      expect(logged.join('\n')).toMatch(/photos\.get returned output that does not match/);
    } finally {
      ws.close();
    }
  });

  it('closes a connection that sends something other than a JSON WireRequest', async () => {
    const ws = await openSocket(server.port, auth);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('hello?');
    expect(await closed).toBe(1008);
  });

  it('pushes every engine event to every client and unsubscribes on close', async () => {
    const [a, b] = await Promise.all([openSocket(server.port, auth), openSocket(server.port, auth)]);
    const ca = client(a);
    const cb = client(b);
    testApi.emit('photo.changed', { ...photo(9, 'broken.jpg'), stage: 'nonsense' }); // invalid: must not be sent
    testApi.emit('photo.changed', photo(7, 'IMG_0007.jpg'));
    testApi.emit('queue.stats', { kinds: { ingest: { queued: 1, running: 0, done: 2, failed: 0, dead: 0 } }, idle: false });
    expect(testApi.listenerCount()).toBeGreaterThanOrEqual(8); // 4 events x 2 clients
    for (const c of [ca, cb]) {
      const changed = await c.next((m) => m.type === 'event' && m.event === 'photo.changed');
      expect(changed).toMatchObject({ type: 'event', payload: { id: 7, fileName: 'IMG_0007.jpg' } });
      expect(await c.next((m) => m.type === 'event' && m.event === 'queue.stats')).toMatchObject({ payload: { idle: false } });
      expect(c.messages.filter((m) => m.type === 'event' && m.event === 'photo.changed')).toHaveLength(1);
    }
    expect(logged.join('\n')).toMatch(/event photo\.changed does not match the contract/);

    const closedA = new Promise((resolve) => a.once('close', resolve));
    const closedB = new Promise((resolve) => b.once('close', resolve));
    a.close();
    b.close();
    await Promise.all([closedA, closedB]);
    // The server sees the close a moment after the client does, so poll with a deadline. Every
    // socket of the earlier tests is closed by now too: nothing may stay subscribed.
    const deadline = Date.now() + 5000;
    while (testApi.listenerCount() !== 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(testApi.listenerCount()).toBe(0);
  });

  it('streams media with type, ETag and long caching for ?rev= URLs, 304 on revalidation, 404 otherwise', async () => {
    const thumb = await get(server.port, '/media/thumb/7?rev=3', auth);
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect(thumb.body.equals(thumbBytes)).toBe(true);
    expect(thumb.headers['cache-control']).toContain('immutable');
    const etag = String(thumb.headers.etag);
    expect(etag).toMatch(/^W\/".+"$/);
    expect((await get(server.port, '/media/thumb/7?rev=3', { ...auth, 'If-None-Match': etag })).status).toBe(304);

    expect((await get(server.port, '/media/preview/7', auth)).status).toBe(404);
    expect((await get(server.port, '/media/thumb/8', auth)).status).toBe(404);
    expect((await get(server.port, '/media/thumb/..%2f..%2fsecret.txt', auth)).status).toBe(404);
    expect((await get(server.port, '/media/thumb/99999999999999999999999', auth)).status).toBe(404);
  });

  it('serves assets with their MIME type, falls back to index.html for routes, never leaves the static dir', async () => {
    const js = await get(server.port, '/assets/app-1234.js', auth);
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');

    const route = await get(server.port, '/photos/12', auth);
    expect(route.status).toBe(200);
    expect(route.body.toString()).toContain('Lightbox UI');
    expect((await get(server.port, '/assets/missing.js', auth)).status).toBe(404);

    for (const sneaky of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const reply = await get(server.port, sneaky, auth);
      expect(reply.body.toString(), sneaky).not.toContain('outside the static dir');
    }
  });
});
