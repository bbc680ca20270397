import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { Api } from '../contract/index.ts';
import { defaultDispatchLog, type DispatchLog } from '../engine/api/dispatch.ts';
import { allowedHostSet, createToken, hostAllowed, originAllowed, presentedToken, sessionCookie, tokensEqual } from './auth.ts';
import { isMediaPath, serveMedia, type ResolveMedia } from './media-route.ts';
import { sendText } from './respond.ts';
import { serveStatic } from './static-route.ts';
import { createWsTransport } from './ws-transport.ts';
import { createRestHandler, isRestPath } from './rest/rest-router.ts';
import type { RestLimits } from './rest/context.ts';
import type { RateLimit } from './rest/rate-limit.ts';
import type { RestPort } from '../engine/engine.ts';

export type HttpServerOptions = {
  api: Api;
  resolveMedia: ResolveMedia;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  /** 127.0.0.1 unless the user asked for another address explicitly. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  /** Extra Host header values to accept (a reverse proxy's name); loopback names are always accepted. */
  allowedHosts?: string[];
  log?: DispatchLog;
  /** The REST API under /api/v1 (rest/rest-router.ts); without it those paths answer 404. */
  rest?: { port: RestPort; limits?: Partial<RestLimits>; rateLimit?: RateLimit };
};

export type RunningHttpServer = {
  /** The link to print: it carries the token once, the server then swaps it for a cookie. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
};

const API_PATH = '/api';

const UNAUTHORIZED_TEXT =
  'Lightbox needs its session token. Open the link that `lightbox serve` printed when it started (it ends in ?token=...).';

/** The UI is built without inline scripts or styles, so the policy can forbid both. */
function contentSecurityPolicy(host: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ws://${host} wss://${host}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The headless twin of the Electron shell: static UI, media and the Api over one loopback port. */
export async function createHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? createToken();
  const log = opts.log ?? defaultDispatchLog;
  const transport = createWsTransport(opts.api, log);
  const handleRest = opts.rest ? createRestHandler({ api: opts.api, rest: opts.rest.port, sessionToken: token, log, limits: opts.rest.limits, rateLimit: opts.rest.rateLimit }) : null;
  let port = 0;
  let allowedHosts = new Set<string>();

  const authorised = (req: IncomingMessage): boolean => {
    const presented = presentedToken(req, port);
    return presented !== null && tokensEqual(presented, token);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, expectsContinue = false): Promise<void> => {
    const reqHost = req.headers.host ?? '';
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(reqHost));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    // The REST API authenticates by Bearer header only, which a browser never adds on its own: no
    // cookie means no CSRF, and a DNS-rebound page cannot know the token, so neither the Host nor
    // the Origin check applies; a script on the NAS reaches it by whatever name it uses. CORS is
    // never granted, so another site's page cannot read an answer either.
    const path = req.url?.split('?')[0] ?? '/';
    if (handleRest && isRestPath(path)) {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://lightbox.invalid');
      } catch {
        return sendText(res, 400, 'Bad request URL.');
      }
      return handleRest(req, res, url, expectsContinue);
    }
    if (expectsContinue) res.writeContinue();
    if (!hostAllowed(req, allowedHosts)) return sendText(res, 403, 'Forbidden: unexpected Host header.');

    const safeMethod = req.method === 'GET' || req.method === 'HEAD';
    if (!safeMethod && !originAllowed(req)) return sendText(res, 403, 'Forbidden: cross-origin request.');

    const url = new URL(req.url ?? '/', `http://${reqHost}`);
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null) {
      if (!safeMethod || !tokensEqual(queryToken, token)) return sendText(res, 401, UNAUTHORIZED_TEXT);
      // Jupyter-style: trade the token in the link for a cookie, then drop it from the address bar.
      url.searchParams.delete('token');
      res.writeHead(302, { 'Set-Cookie': sessionCookie(port, token), Location: `${url.pathname}${url.search}`, 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    if (!authorised(req)) return sendText(res, 401, UNAUTHORIZED_TEXT);

    if (url.pathname === API_PATH) return sendText(res, 426, 'The Lightbox API speaks WebSocket.', { Upgrade: 'websocket' });
    if (isMediaPath(url.pathname)) return serveMedia(req, res, url, opts.resolveMedia);
    return serveStatic(req, res, url, opts.staticDir);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) => {
    handle(req, res, expectsContinue).catch((error: unknown) => {
      log(`HTTP ${req.method} ${req.url} failed`, error);
      if (!res.headersSent) sendText(res, 500, 'Lightbox hit an internal error; the details are in its log.');
      else res.destroy();
    });
  };
  const server = createServer((req, res) => onRequest(req, res, false));
  // `Expect: 100-continue` (curl, for a large body): the REST API decides first (token, size) and
  // may refuse before a byte of the body is sent.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => onRequest(req, res, true));

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
    };
    socket.on('error', () => socket.destroy());
    if (!hostAllowed(req, allowedHosts)) return reject(403, 'Forbidden');
    if (!originAllowed(req)) return reject(403, 'Forbidden');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const queryToken = url.searchParams.get('token');
    const ok = queryToken !== null ? tokensEqual(queryToken, token) : authorised(req);
    if (!ok) return reject(401, 'Unauthorized');
    if (url.pathname !== API_PATH) return reject(404, 'Not Found');
    transport.wss.handleUpgrade(req, socket, head, (ws) => transport.wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  allowedHosts = allowedHostSet(host, port, opts.allowedHosts);

  const linkHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${linkHost}:${port}/?token=${token}`,
    port,
    token,
    async close() {
      transport.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
