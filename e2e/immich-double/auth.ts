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
  /** Default ['all'], like a key created with `permissions: ['all']`. */
  permissions?: Permission[];
  /** Owner of the key; keys with the same user share assets. Default "admin". */
  user?: string;
};

export type User = { id: string; name: string; email: string; createdAt: string };
export type Auth = { user: User; permissions: readonly Permission[] };

export class KeyRing {
  private keys = new Map<string, { permissions: readonly Permission[]; user: string }>();
  private users = new Map<string, User>();

  constructor(specs: ReadonlyArray<string | ApiKeySpec> | undefined) {
    this.set(specs && specs.length > 0 ? specs : [randomBytes(24).toString('base64url')]);
  }

  set(specs: ReadonlyArray<string | ApiKeySpec>): void {
    this.keys = new Map(
      specs.map((s) => {
        const spec = typeof s === 'string' ? { key: s } : s;
        return [spec.key, { permissions: spec.permissions ?? ['all'], user: spec.user ?? 'admin' }];
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

  /** Immich's AuthService.validate + authenticate for API keys. */
  authenticate(headers: IncomingHttpHeaders, required: Permission): Auth {
    const raw = headers['x-api-key'];
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!key) throw new ApiError(401, 'Authentication required');
    const entry = this.keys.get(key);
    if (!entry) throw new ApiError(401, 'Invalid API key');
    if (!entry.permissions.includes('all') && !entry.permissions.includes(required)) {
      throw new ApiError(403, `Missing required permission: ${required}`);
    }
    return { user: this.userNamed(entry.user), permissions: entry.permissions };
  }
}
