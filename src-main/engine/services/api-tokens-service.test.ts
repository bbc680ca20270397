import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { ApiTokensRepo } from '../library/api-tokens-repo.ts';
import { openLibrary, type Library } from '../library/index.ts';
import { ApiTokensService } from './api-tokens-service.ts';

describe('ApiTokensService (real SQLite)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let library: Library;
  let tokens: ApiTokensService;

  beforeEach(async () => {
    dir = await tempDir();
    library = openLibrary(path.join(dir.path, 'lightbox.db'));
    tokens = new ApiTokensService(new ApiTokensRepo(library.db));
  });
  afterEach(async () => {
    library.close();
    await dir.cleanup();
  });

  it('returns the secret once and stores only its SHA-256', () => {
    const { token, secret } = tokens.create('NAS script', 'read');
    expect(secret).toMatch(/^lbx_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({ name: 'NAS script', scope: 'read', prefix: secret.slice(0, 10), lastUsedAt: null, revokedAt: null });
    const stored = library.db.prepare('SELECT * FROM api_tokens').all();
    expect(JSON.stringify(stored)).not.toContain(secret.slice(4));
    expect(JSON.stringify(tokens.list())).not.toContain(secret.slice(4));
    expect(tokens.create('other', 'full').secret).not.toBe(secret);
  });

  it('authenticates a live token, records when it was last used, and refuses it once revoked', () => {
    const { token, secret } = tokens.create('CI', 'full');
    expect(tokens.authenticate(secret)).toMatchObject({ id: token.id, scope: 'full' });
    expect(tokens.list().find((t) => t.id === token.id)?.lastUsedAt).not.toBeNull();
    expect(tokens.authenticate(`${secret}x`)).toBeNull();
    expect(tokens.authenticate('not-a-lightbox-token')).toBeNull();

    const revoked = tokens.revoke(token.id);
    expect(revoked.revokedAt).not.toBeNull();
    expect(tokens.authenticate(secret)).toBeNull();
    // Still listed (its uploads keep a name), after the live ones.
    tokens.create('newer', 'read');
    expect(tokens.list().map((t) => [t.name, t.revokedAt === null])).toEqual([['newer', true], ['CI', false]]);
    expect(() => tokens.revoke(999)).toThrow(/no API token 999/);
  });

  it('writes last-used at most once a minute', () => {
    const repo = new ApiTokensRepo(library.db);
    const { token } = tokens.create('busy', 'read');
    repo.touch(token.id, new Date('2026-01-01T10:00:00Z'));
    repo.touch(token.id, new Date('2026-01-01T10:00:30Z'));
    expect(repo.get(token.id)?.lastUsedAt).toBe('2026-01-01T10:00:00.000Z');
    repo.touch(token.id, new Date('2026-01-01T10:01:01Z'));
    expect(repo.get(token.id)?.lastUsedAt).toBe('2026-01-01T10:01:01.000Z');
  });
});
