import { z } from 'zod';
import type { Auth, KeyRing, Requirement } from './auth.ts';
import type { FaultControlImpl } from './faults.ts';
import { parseWith, type Exchange, type Reply } from './http.ts';
import type { Store } from './store.ts';

/** One line of the request log: everything the double received, faults included. */
export type RequestLogEntry = {
  method: string;
  path: string;
  status: number;
  /** `x-immich-checksum` as received, if any. */
  checksumHeader: string | undefined;
  /** Request body bytes actually received. */
  bytes: number;
  at: string;
  durationMs: number;
  /** Set when a fault shaped this answer: 'fail' | 'rateLimit' | 'drop' | 'delay'. */
  fault: string | undefined;
};

/** One POST /assets attempt, with what the server made of it. */
export type UploadLogEntry = {
  at: string;
  status: number;
  result: 'created' | 'duplicate' | 'rejected' | 'dropped';
  assetId: string | undefined;
  checksumHeader: string | undefined;
  /** SHA-1 (hex) of the asset bytes received; undefined when the body was never read. */
  receivedSha1: string | undefined;
  bytes: number;
  filename: string | undefined;
  message: string | undefined;
  /** The multipart parts in the order they arrived: text fields by name, files as `name(filename)`. */
  parts: string[];
};

export type Env = {
  store: Store;
  keys: KeyRing;
  faults: FaultControlImpl;
  uploads: UploadLogEntry[];
  /** Timers of simulated background jobs, cleared on close. */
  timers: Set<NodeJS.Timeout>;
};

export type Ctx = {
  ex: Exchange;
  params: Record<string, string>;
  query: URLSearchParams;
  auth: Auth;
  env: Env;
  /** The JSON body (read once, on demand). */
  body(): Promise<unknown>;
};

export type Route = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  path: string;
  /** `false` for public endpoints (ping, version), 'authenticated' for any valid key (api-keys/me). */
  permission: Requirement;
  /** Route params that must be v4 UUIDs (Immich validates them before the handler runs). */
  uuidParams?: readonly string[];
  handle(ctx: Ctx): Promise<Reply> | Reply;
};

export type CompiledRoute = Route & { regex: RegExp; names: string[] };

export function compile(routes: readonly Route[]): CompiledRoute[] {
  return routes.map((route) => {
    const names: string[] = [];
    const pattern = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { ...route, names, regex: new RegExp(`^${pattern}/?$`) };
  });
}

export function match(
  routes: readonly CompiledRoute[],
  method: string,
  path: string,
): { route: CompiledRoute; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const m = route.regex.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1] ?? '')));
    return { route, params };
  }
  return undefined;
}

export function checkUuidParams(route: Route, params: Record<string, string>): void {
  if (!route.uuidParams?.length) return;
  const shape = Object.fromEntries(route.uuidParams.map((name) => [name, z.uuidv4()]));
  parseWith(z.object(shape), params);
}
