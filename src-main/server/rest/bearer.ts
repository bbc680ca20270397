import type { IncomingMessage } from 'node:http';
import type { ApiToken, ApiTokenScope } from '../../contract/index.ts';
import { tokensEqual } from '../auth.ts';

/** Who is calling: the server's session token (full access) or a named API token. */
export type Caller = { key: string; scope: ApiTokenScope; tokenId: number | null; name: string };

/**
 * The REST API reads its token from `Authorization: Bearer` only. Never the UI's cookie: a request
 * a browser adds credentials to on its own could then be forged by another site (CSRF); never the
 * query string: it ends up in logs and shell history.
 */
export function bearerToken(req: IncomingMessage): string | null {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1] ?? null;
}

export function identify(presented: string, sessionToken: string, authenticate: (secret: string) => ApiToken | null): Caller | null {
  if (tokensEqual(presented, sessionToken)) return { key: 'session', scope: 'full', tokenId: null, name: 'session' };
  const token = authenticate(presented);
  return token ? { key: `token:${token.id}`, scope: token.scope, tokenId: token.id, name: token.name } : null;
}
