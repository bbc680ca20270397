import { createHash, randomBytes } from 'node:crypto';
import { ApiError, type ApiToken, type ApiTokenCreated, type ApiTokenScope } from '../../contract/index.ts';
import type { ApiTokensRepo } from '../library/api-tokens-repo.ts';

const SECRET_PREFIX = 'lbx_';

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * Named REST API tokens: created with a scope, the secret returned once, only its hash kept.
 * Looking a token up by the hash of what was presented is a database index lookup, not a string
 * comparison in JavaScript, so there is no timing to measure.
 */
export class ApiTokensService {
  #repo: ApiTokensRepo;

  constructor(repo: ApiTokensRepo) {
    this.#repo = repo;
  }

  list(): ApiToken[] {
    return this.#repo.list();
  }

  create(name: string, scope: ApiTokenScope): ApiTokenCreated {
    // 32 random bytes, URL-safe: it goes into headers and shell scripts as it is.
    const secret = `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
    const token = this.#repo.insert({ name, scope, secretHash: hashSecret(secret), prefix: secret.slice(0, SECRET_PREFIX.length + 6) });
    return { token, secret };
  }

  revoke(id: number): ApiToken {
    const token = this.#repo.get(id);
    if (!token) throw new ApiError('not-found', `There is no API token ${id}.`);
    this.#repo.revoke(id);
    return this.#repo.get(id)!;
  }

  /** The live token this secret belongs to, or null (unknown, revoked, or not a Lightbox token at all). */
  authenticate(secret: string): ApiToken | null {
    if (!secret.startsWith(SECRET_PREFIX)) return null;
    const token = this.#repo.byHash(hashSecret(secret));
    if (token) this.#repo.touch(token.id);
    return token;
  }
}
