import type { ApiToken, ApiTokenScope } from '../../contract/index.ts';
import type { Db } from './database.ts';

type TokenRow = { id: number; name: string; scope: ApiTokenScope; prefix: string; created_at: string; last_used_at: string | null; revoked_at: string | null };

const COLUMNS = 'id, name, scope, prefix, created_at, last_used_at, revoked_at';

/** Named REST API tokens (migration 016). Only the secret's hash is stored; it is never read back out. */
export class ApiTokensRepo {
  #insert;
  #list;
  #get;
  #byHash;
  #revoke;
  #touch;

  constructor(db: Db) {
    this.#insert = db.prepare<[Record<string, unknown>], TokenRow>(`
      INSERT INTO api_tokens (name, scope, secret_hash, prefix, created_at) VALUES (@name, @scope, @secret_hash, @prefix, @now)
      RETURNING ${COLUMNS}`);
    this.#list = db.prepare<[], TokenRow>(`SELECT ${COLUMNS} FROM api_tokens ORDER BY revoked_at IS NOT NULL, id DESC`);
    this.#get = db.prepare<[number], TokenRow>(`SELECT ${COLUMNS} FROM api_tokens WHERE id = ?`);
    this.#byHash = db.prepare<[string], TokenRow>(`SELECT ${COLUMNS} FROM api_tokens WHERE secret_hash = ? AND revoked_at IS NULL`);
    this.#revoke = db.prepare<[string, number]>('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
    // A write per request would cost more than the request: at most one a minute per token.
    this.#touch = db.prepare<[string, number, string]>('UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)');
  }

  insert(token: { name: string; scope: ApiTokenScope; secretHash: string; prefix: string }): ApiToken {
    return toToken(this.#insert.get({ name: token.name, scope: token.scope, secret_hash: token.secretHash, prefix: token.prefix, now: new Date().toISOString() })!);
  }

  list(): ApiToken[] {
    return this.#list.all().map(toToken);
  }

  get(id: number): ApiToken | null {
    const row = this.#get.get(id);
    return row ? toToken(row) : null;
  }

  /** The live (not revoked) token with this secret hash. */
  byHash(secretHash: string): ApiToken | null {
    const row = this.#byHash.get(secretHash);
    return row ? toToken(row) : null;
  }

  revoke(id: number): boolean {
    return this.#revoke.run(new Date().toISOString(), id).changes > 0;
  }

  touch(id: number, now: Date = new Date()): void {
    this.#touch.run(now.toISOString(), id, new Date(now.getTime() - 60_000).toISOString());
  }
}

function toToken(row: TokenRow): ApiToken {
  return { id: row.id, name: row.name, scope: row.scope, prefix: row.prefix, createdAt: row.created_at, lastUsedAt: row.last_used_at, revokedAt: row.revoked_at };
}
