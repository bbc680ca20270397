import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, REST_BASE, type Api } from '../../contract/index.ts';
import { openApiDocument } from '../../contract/rest-openapi.ts';
import { restRoutes, type RestOperationId, type RestRoute } from '../../contract/rest-routes.ts';
import type { DispatchLog } from '../../engine/api/dispatch.ts';
import type { RestPort } from '../../engine/engine.ts';
import { bearerToken, identify } from './bearer.ts';
import { DEFAULT_MAX_UPLOAD_BYTES, type RestContext, type RestLimits } from './context.ts';
import { photoEvents } from './events-route.ts';
import { PhotoEventLog } from './photo-event-log.ts';
import { approvePhoto, getPhoto, getProcessed, listPhotos, putRecipe, rejectPhoto } from './photo-routes.ts';
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimit } from './rate-limit.ts';
import { RestFailure, sendError, sendJson } from './reply.ts';
import { submitPhoto } from './submit-route.ts';

export type RestOptions = {
  api: Api;
  rest: RestPort;
  sessionToken: string;
  log: DispatchLog;
  limits?: Partial<RestLimits>;
  rateLimit?: RateLimit;
};

type Handler = (ctx: RestContext) => void | Promise<void>;

/** Every operation of the contract's route table has its handler here; the type checker sees to it. */
const HANDLERS: Record<RestOperationId, Handler> = {
  submitPhoto,
  listPhotos,
  getPhoto,
  getProcessed,
  approvePhoto,
  rejectPhoto,
  putRecipe,
  events: photoEvents,
  openApi: async (ctx) => sendJson(ctx.res, 200, openApiDocument((await ctx.api.call('app.info', {})).version)),
};

type Compiled = { route: RestRoute; pattern: RegExp; handler: Handler };

const COMPILED: Compiled[] = (restRoutes as readonly RestRoute[]).map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/\{\w+\}/g, '([^/]+)')}$`),
  handler: HANDLERS[route.operationId as RestOperationId],
}));

export function isRestPath(pathname: string): boolean {
  return pathname === REST_BASE || pathname.startsWith(`${REST_BASE}/`);
}

const UNAUTHORIZED = 'This needs a token: send "Authorization: Bearer <token>" with the token `lightbox serve` printed, or one made in Settings › API tokens.';

/**
 * The REST API under /api/v1: route by the contract's table, then token, rate, scope, the route.
 * Errors leave as `{ error: { code, message, problems? } }` with the status their code maps to; an
 * unexpected one is logged and answered as a plain internal error (no paths or stacks leak).
 */
export function createRestHandler(opts: RestOptions) {
  const limiter = new RateLimiter(opts.rateLimit ?? DEFAULT_RATE_LIMIT);
  const limits: RestLimits = { maxUploadBytes: opts.limits?.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES };
  let eventLog: PhotoEventLog | null = null;
  const events = () => (eventLog ??= new PhotoEventLog(opts.api, opts.rest));

  return async function handleRest(req: IncomingMessage, res: ServerResponse, url: URL, expectsContinue: boolean): Promise<void> {
    let continued = !expectsContinue;
    const proceed = () => {
      if (continued) return;
      continued = true;
      res.writeContinue();
    };
    try {
      const sub = url.pathname.slice(REST_BASE.length);
      const onPath = COMPILED.filter((c) => c.pattern.test(sub));
      // HEAD is a GET without the body (curl -I on a processed file), except for the endless event stream.
      const method = req.method === 'HEAD' ? 'get' : req.method?.toLowerCase();
      const matched = onPath.find((c) => c.route.method === method && !(req.method === 'HEAD' && c.route.operationId === 'events'));
      if (!matched) {
        if (onPath.length === 0) throw new RestFailure('not-found', `There is no ${url.pathname} in the Lightbox API; GET ${REST_BASE}/openapi.json lists what there is.`);
        const allow = onPath.map((c) => c.route.method.toUpperCase()).join(', ');
        throw new RestFailure('bad-request', `${req.method} is not allowed here; use ${allow}.`, { status: 405, headers: { Allow: allow } });
      }
      const { route, handler } = matched;
      const ctx: RestContext = { req, res, url, id: 0, caller: { key: 'anonymous', scope: 'read', tokenId: null, name: 'anonymous' }, api: opts.api, rest: opts.rest, limits, log: opts.log, events, proceed };
      if (route.scope !== 'none') {
        const presented = bearerToken(req);
        const caller = presented === null ? null : identify(presented, opts.sessionToken, opts.rest.authenticate);
        if (!caller) {
          const challenge = presented === null ? 'Bearer realm="lightbox"' : 'Bearer realm="lightbox", error="invalid_token"';
          throw new RestFailure('unauthorized', presented === null ? UNAUTHORIZED : 'This token is not known here, or it was revoked.', { headers: { 'WWW-Authenticate': challenge } });
        }
        const allowed = limiter.take(caller.key);
        if (!allowed.ok) {
          throw new RestFailure('rate-limited', `Too many requests with this token; wait ${allowed.retryAfterSeconds} s.`, { headers: { 'Retry-After': String(allowed.retryAfterSeconds) } });
        }
        if (route.scope === 'full' && caller.scope !== 'full') {
          throw new RestFailure('forbidden', `The token "${caller.name}" is read-only; ${route.summary.toLowerCase()} needs a token with full access.`);
        }
        ctx.caller = caller;
      }
      const idText = matched.pattern.exec(sub)?.[1];
      if (idText !== undefined) {
        const id = /^[1-9]\d{0,15}$/.test(idText) ? Number(idText) : NaN;
        if (!Number.isSafeInteger(id)) throw new RestFailure('not-found', `There is no photo ${JSON.stringify(decodeURIComponent(idText))} in this library.`);
        ctx.id = id;
      }
      await handler(ctx);
    } catch (error) {
      fail(req, res, error, opts.log, !continued);
    }
  };
}

/**
 * A refusal may come before or in the middle of a body (a wrong token, a too-large upload). A client
 * that waits for `100 Continue` has sent nothing: the connection is closed. One that sends at once
 * (fetch does) would see its write fail, not our answer, if we closed now: what it still sends is
 * read and dropped, up to a budget, and then it is cut off.
 */
function fail(req: IncomingMessage, res: ServerResponse, error: unknown, log: DispatchLog, bodyHeldBack: boolean): void {
  const unread = hasBody(req) && !req.readableEnded;
  const close: Record<string, string> = unread && bodyHeldBack ? { Connection: 'close' } : {};
  if (error instanceof RestFailure) sendError(res, error.error, error.status, { ...error.headers, ...close });
  else if (error instanceof ApiError) sendError(res, error.toJSON(), undefined, close);
  else {
    log(`REST ${req.method} ${req.url} failed`, error);
    sendError(res, { code: 'internal', message: 'Lightbox hit an internal error; the details are in its log.' }, 500, close);
  }
  if (unread && !bodyHeldBack) discardRest(req);
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** What a refused request may still send before it is cut off: enough for a photo in flight, not for a disk. */
const DISCARD_BYTES = 64 * 1024 * 1024;
const DISCARD_MS = 30_000;

function discardRest(req: IncomingMessage): void {
  let dropped = 0;
  const timer = setTimeout(() => req.destroy(), DISCARD_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DISCARD_BYTES) req.destroy();
  });
  req.on('close', () => clearTimeout(timer));
  req.resume();
}
