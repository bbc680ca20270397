import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Auth } from './auth.ts';
import { ApiError, drain, readJsonBody, sendReply, type Exchange, type Reply } from './http.ts';
import { checkUuidParams, compile, match, type Ctx, type Env, type RequestLogEntry } from './router.ts';
import { albumRoutes } from './routes/albums.ts';
import { assetRoutes } from './routes/assets.ts';
import { serverInfoRoutes } from './routes/server-info.ts';
import { stackRoutes } from './routes/stacks.ts';
import { uploadRoutes } from './routes/upload.ts';

const routes = compile([...serverInfoRoutes, ...uploadRoutes, ...assetRoutes, ...albumRoutes, ...stackRoutes]);

export type RunningServer = { port: number; close(): Promise<void> };

async function dispatch(env: Env, ex: Exchange, entry: RequestLogEntry): Promise<Reply> {
  const { req } = ex;
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://double.invalid');
  const apiPath = url.pathname === '/api' || url.pathname.startsWith('/api/') ? url.pathname.slice(4) || '/' : undefined;

  const { verdict, delayed } = await env.faults.before(method, apiPath ?? url.pathname);
  if (delayed) entry.fault = 'delay';
  if (verdict) {
    entry.fault = verdict.status === 429 ? 'rateLimit' : 'fail';
    await drain(ex);
    const data = Buffer.from(verdict.body);
    return { kind: 'bytes', status: verdict.status, contentType: verdict.contentType, data, length: data.length, headers: verdict.headers };
  }

  // Clients find the API below the web root here (the Immich CLI does on every start).
  if (method === 'GET' && url.pathname === '/.well-known/immich') return { kind: 'json', status: 200, body: { api: { endpoint: '/api' } } };
  const found = apiPath === undefined ? undefined : match(routes, method, apiPath);
  if (!found) throw new ApiError(404, `Cannot ${method} ${url.pathname}`);
  const { route, params } = found;
  // Guards (auth) run before pipes (validation) in Nest: 401/403 win over 400.
  // Public routes ignore credentials entirely (a wrong key still gets the answer).
  const auth: Auth =
    route.permission === false
      ? { user: env.keys.userNamed('admin'), permissions: [], key: null }
      : env.keys.authenticate(req.headers, url.searchParams, route.permission);
  checkUuidParams(route, params);
  let body: Promise<unknown> | undefined;
  const ctx: Ctx = { ex, params, query: url.searchParams, auth, env, body: () => (body ??= readJsonBody(ex)) };
  return route.handle(ctx);
}

async function handle(env: Env, requests: RequestLogEntry[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = Date.now();
  const ex: Exchange = { req, res, bytesIn: 0, dropped: false };
  const rawChecksum = req.headers['x-immich-checksum'];
  const entry: RequestLogEntry = {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    status: 0,
    checksumHeader: Array.isArray(rawChecksum) ? rawChecksum[0] : rawChecksum,
    bytes: 0,
    at: new Date(started).toISOString(),
    durationMs: 0,
    fault: undefined,
  };
  res.once('close', () => {
    entry.status = res.writableFinished && !ex.dropped ? res.statusCode : 0;
    entry.bytes = ex.bytesIn;
    entry.durationMs = Date.now() - started;
    if (ex.dropped) entry.fault = 'drop';
    requests.push(entry);
  });
  // Immich answers every request with a correlation id header.
  const headers = { 'x-immich-cid': randomBytes(6).toString('hex') };

  let reply: Reply;
  try {
    reply = await dispatch(env, ex, entry);
  } catch (error) {
    if (ex.dropped || res.destroyed) return;
    const apiError = error instanceof ApiError ? error : undefined;
    if (!apiError) console.error('[immich-double] unexpected error', error);
    reply = apiError
      ? { kind: 'json', status: apiError.status, body: apiError.body, headers: apiError.headers }
      : { kind: 'json', status: 500, body: { message: 'Internal server error' } };
  }
  if (ex.dropped || res.destroyed) return;
  // A handler that ignored the body (GET with a body, early answers) must not leave it unread.
  await drain(ex);
  await sendReply(res, reply, headers);
}

export async function startServer(env: Env, requests: RequestLogEntry[], port: number): Promise<RunningServer> {
  const server: Server = createServer((req, res) => {
    handle(env, requests, req, res).catch((error: unknown) => {
      console.error('[immich-double] failed to answer', error);
      res.destroy();
    });
  });
  const listen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : p);
      });
    });
  const stop = async () => {
    if (!server.listening) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Open keep-alive sockets would otherwise keep serving: an outage must cut them too.
      server.closeAllConnections();
    });
    // Let clients in this process read the FINs before we report "down": their pooled sockets
    // are then known dead and the next request dials anew and gets ECONNREFUSED, as in an outage.
    for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
  };

  const actualPort = await listen(port);
  env.faults.attach({ stop, start: async () => void (await listen(actualPort)), isUp: () => server.listening });
  return {
    port: actualPort,
    async close() {
      env.faults.dispose();
      for (const timer of env.timers) clearTimeout(timer);
      env.timers.clear();
      await stop();
    },
  };
}
