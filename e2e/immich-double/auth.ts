import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from './http.ts';

/** Immich permission names (the subset an uploader touches, plus "all"). */
export type Permission =
  | 'all'
  | 'asset.upload'
  | 'asset.read'
  | 'asset.update'
  | 'asset.delete'
  | 'asset.view'
  | 'asset.download'
  | 'album.create'
  | 'album.read'
  | 'albumAsset.create'
  | 'stack.create'
  | 'stack.read'
  | 'stack.update'
  | 'stack.delete'
  | (string & {});

export type ApiKeySpec = {
  key: string;
  /** Shown by GET /api-keys/me. Default "key-<n>". */
  name?: string;
  /** Default ['all'], like a key created with `permissions: ['all']`. */
  permissions?: Permission[];
  /** Owner of the key; keys with the same user share assets. Default "admin". */
  user?: string;
};

export type User = { id: string; name: string; email: string; createdAt: string };
export type KeyInfo = { id: string; name: string; createdAt: string; permissions: readonly Permission[] };
export type Auth = { user: User; permissions: readonly Permission[]; key: KeyInfo | null };

/** What a route asks of the caller: nothing (public), any valid key, or a key with this permission. */
export type Requirement = false | 'authenticated' | Permission;

export class KeyRing {
  private keys = new Map<string, { info: KeyInfo; user: string }>();
  private users = new Map<string, User>();

  constructor(specs: ReadonlyArray<string | ApiKeySpec> | undefined) {
    this.set(specs && specs.length > 0 ? specs : [randomBytes(24).toString('base64url')]);
  }

  set(specs: ReadonlyArray<string | ApiKeySpec>): void {
    const at = new Date().toISOString();
    this.keys = new Map(
      specs.map((s, i) => {
        const spec = typeof s === 'string' ? { key: s } : s;
        const info: KeyInfo = { id: randomUUID(), name: spec.name ?? `key-${i + 1}`, createdAt: at, permissions: spec.permissions ?? ['all'] };
        return [spec.key, { info, user: spec.user ?? 'admin' }];
      }),
    );
  }

  first(): string {
    return this.keys.keys().next().value ?? '';
  }

  userNamed(name: string): User {
    let user = this.users.get(name);
    if (!user) {
      user = { id: randomUUID(), name, email: `${name}@immich.test`, createdAt: new Date().toISOString() };
      this.users.set(name, user);
    }
    return user;
  }

  /**
   * Immich's AuthService.validate + authenticate, for a server that has API keys and no sessions.
   * Session credentials are looked at before API keys (so a key sent as `Authorization: Bearer` is
   * an unknown session token); the key comes from `x-api-key` or `?apiKey=`.
   */
  authenticate(headers: IncomingHttpHeaders, query: URLSearchParams, required: Exclude<Requirement, false>): Auth {
    const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
    const bearer = /^Bearer\s+(.+)$/i.exec(one(headers['authorization']) ?? '')?.[1];
    const session = one(headers['x-immich-user-token']) ?? one(headers['x-immich-session-token']) ?? query.get('sessionKey') ?? bearer;
    if (session) throw new ApiError(401, 'Invalid user token');
    const key = one(headers['x-api-key']) ?? query.get('apiKey') ?? undefined;
    if (!key) throw new ApiError(401, 'Authentication required');
    const entry = this.keys.get(key);
    if (!entry) throw new ApiError(401, 'Invalid API key');
    const { permissions } = entry.info;
    if (required !== 'authenticated' && !permissions.includes('all') && !permissions.includes(required)) {
      throw new ApiError(403, `Missing required permission: ${required}`);
    }
    return { user: this.userNamed(entry.user), permissions, key: entry.info };
  }
}
