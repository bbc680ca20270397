import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkImmich, REQUIRED_SCOPES } from './server-check.ts';
import { createImmichClient } from './immich-client.ts';
import { onDouble, startTestServer, type TestServer } from './test-server.ts';

describe('checkImmich', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());

  it('reports reachable, version and an accepted key', async () => {
    const result = await checkImmich(server.client());
    expect(result.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(result.checks.map((c) => [c.name, c.ok])).toEqual([
      ['reachable', true],
      ['version', true],
      ['auth', true],
      ['permissions', true],
    ]);
    expect(result.ok).toBe(true);
  });

  it('a wrong key fails the auth check and the whole result', async () => {
    const result = await checkImmich(server.client('definitely-not-a-key'));
    expect(result.ok).toBe(false);
    expect(result.checks.find((c) => c.name === 'auth')).toMatchObject({ ok: false });
    expect(result.checks.find((c) => c.name === 'reachable')).toMatchObject({ ok: true });
  });

  it('an unreachable server fails at the first check, with the URL in the message', async () => {
    const result = await checkImmich(createImmichClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'x' }));
    expect(result).toMatchObject({ ok: false, version: null });
    expect(result.checks).toHaveLength(1);
    expect(result.checks[0]).toMatchObject({ name: 'reachable', ok: false });
    expect(result.checks[0]!.message).toContain('http://127.0.0.1:9/api');
  });

  it.skipIf(!onDouble)('names a missing scope from GET /api-keys/me (double: keys with limited permissions)', async () => {
    server.double!.setApiKeys([{ key: 'read-only', permissions: ['album.read'] }]);
    const result = await checkImmich(server.client('read-only'));
    const permissions = result.checks.find((c) => c.name === 'permissions');
    expect(permissions).toMatchObject({ ok: false });
    expect(permissions!.message).toContain('The key lacks asset.upload, asset.read, asset.update, album.create, albumAsset.create, stack.create.');
    expect(result.ok).toBe(false);
  });

  it.skipIf(!onDouble)('the README\'s scopes are enough for uploads; re-render cleanup is named as extra', async () => {
    server.double!.setApiKeys([{ key: 'uploader', permissions: [...REQUIRED_SCOPES] }]);
    const result = await checkImmich(server.client('uploader'));
    expect(result.ok).toBe(true);
    expect(result.checks.find((c) => c.name === 'permissions')!.message).toBe('The key has every scope uploads need; replacing re-rendered files also needs stack.update, asset.delete');
  });
});
