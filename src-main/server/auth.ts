import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** 32 random bytes, URL-safe: it travels in the printed link. */
export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time comparison. Both sides are hashed first so neither the content nor the length
 * of the expected token leaks through timing.
 */
export function tokensEqual(candidate: string, expected: string): boolean {
  const a = createHash('sha256').update(candidate).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Cookies are shared across ports on one host, so the name carries the port: two servers do not clash. */
export function cookieName(port: number): string {
  return `lightbox-token-${port}`;
}

export function sessionCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

/** The token a request carries in its cookie or `Authorization: Bearer` header (not the query). */
export function presentedToken(req: IncomingMessage, port: number): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  const cookies = req.headers.cookie;
  if (!cookies) return null;
  const name = cookieName(port);
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * The Host values we answer to. Anything else is refused, so a DNS-rebound name pointing at
 * 127.0.0.1 cannot read the API from a page the browser thinks is another site.
 */
export function allowedHostSet(boundHost: string, port: number, extra: readonly string[] = []): Set<string> {
  const hosts = new Set<string>();
  const add = (name: string) => {
    const lower = name.toLowerCase();
    const bracketed = lower.includes(':') && !lower.startsWith('[') ? `[${lower}]` : lower;
    hosts.add(`${bracketed}:${port}`);
  };
  for (const name of ['127.0.0.1', 'localhost', '::1']) add(name);
  if (boundHost !== '0.0.0.0' && boundHost !== '::') add(boundHost);
  for (const entry of extra) {
    // An explicit entry matches as written (a reverse proxy's `nas.local`) and with our port.
    hosts.add(entry.toLowerCase());
    if (!/:\d+$/.test(entry) || entry.endsWith(']')) add(entry.replace(/^\[|\]$/g, ''));
  }
  return hosts;
}

export function hostAllowed(req: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const host = req.headers.host;
  return host !== undefined && allowed.has(host.toLowerCase());
}

/**
 * Same-origin check: the page's Origin must name the very host the request was sent to (already
 * checked against the allow-list). A missing Origin is refused too: browsers always send it on
 * WebSocket upgrades and non-GET requests, so only a forged or foreign request lacks it.
 */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host?.toLowerCase();
  if (!origin || !host) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.host.toLowerCase() === host && url.pathname === '/';
}
