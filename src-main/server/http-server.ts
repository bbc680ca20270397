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
  let port = 0;
  let allowedHosts = new Set<string>();

  const authorised = (req: IncomingMessage): boolean => {
    const presented = presentedToken(req, port);
    return presented !== null && tokensEqual(presented, token);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hostAllowed(req, allowedHosts)) return sendText(res, 403, 'Forbidden: unexpected Host header.');
    const reqHost = req.headers.host ?? '';
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(reqHost));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');

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

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`HTTP ${req.method} ${req.url} failed`, error);
      if (!res.headersSent) sendText(res, 500, 'Lightbox hit an internal error; the details are in its log.');
      else res.destroy();
    });
  });

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
