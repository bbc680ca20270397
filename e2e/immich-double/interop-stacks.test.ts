import { describe, expect, it } from 'vitest';
import { hasCorpus } from '../../test-support/corpus.ts';
import { targetName, useTarget } from './interop-target.ts';

/** Findings §c, §f, §g (stacks, asset metadata, auth), against the double or a real server. */
describe.skipIf(!hasCorpus)(`stacks, metadata and auth on ${targetName}`, () => {
  const target = useTarget();
  const stackOf = async (id: string) => (await target().call('GET', `/assets/${id}`)).body['stack'] ?? null;
  const create = async (assetIds: string[], key?: string) => target().call('POST', '/stacks', { assetIds }, key ? { 'x-api-key': key } : {});
  const members = (answer: { body: Record<string, unknown> }) => (answer.body['assets'] as Array<{ id: string }>).map((a) => a.id);

  it('merges a listed PRIMARY\'s stack, moves a listed non-primary out of its stack (c1-c5)', async () => {
    const [A, B, C, D, E, F] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => target().asset()));
    const s1 = await create([A!, B!]);
    expect(s1.status).toBe(201);
    expect(s1.body['primaryAssetId']).toBe(A);
    expect(await stackOf(B!)).toEqual({ id: s1.body.id, primaryAssetId: A, assetCount: 2 });

    // B is a non-primary member of S1: it moves, S1 keeps only A, which then shows no stack.
    const s2 = await create([C!, B!]);
    expect(members(s2)).toEqual([C, B]);
    expect(await stackOf(A!)).toBeNull();
    expect(await stackOf(B!)).toEqual({ id: s2.body.id, primaryAssetId: C, assetCount: 2 });

    // A is the primary of (what is left of) S1: that stack is dissolved into the new one.
    const s3 = await create([D!, A!]);
    expect(await stackOf(A!)).toEqual({ id: s3.body.id, primaryAssetId: D, assetCount: 2 });
    expect(await stackOf(C!)).toEqual({ id: s2.body.id, primaryAssetId: C, assetCount: 2 });

    // Two primaries listed: both stacks merge, every member joins.
    await create([E!, F!]);
    const s5 = await create([C!, E!]);
    expect(s5.body['primaryAssetId']).toBe(C);
    expect(members(s5)[0]).toBe(C);
    expect(members(s5).sort()).toEqual([B, C, E, F].sort());
    for (const id of [B, C, E, F]) expect(await stackOf(id!)).toEqual({ id: s5.body.id, primaryAssetId: C, assetCount: 4 });
  });

  it('[A, A] makes a one-member stack that no asset shows; trashed members stop counting (c17, c26, c27)', async () => {
    const [A, D, E, F] = await Promise.all([1, 2, 3, 4].map(() => target().asset()));
    await create([D!, A!]);
    const lonely = await create([A!, A!]);
    expect(lonely.status).toBe(201);
    expect(members(lonely)).toEqual([A]);
    expect(await stackOf(A!)).toBeNull();
    expect(await stackOf(D!)).toBeNull();

    const pair = await create([E!, F!]);
    expect((await target().call('DELETE', '/assets', { ids: [F] })).status).toBe(204);
    expect(await stackOf(E!)).toBeNull();
    expect(await stackOf(F!)).toBeNull();
    // The stack itself survives with fewer members: merging it in later brings only the live ones.
    const [G] = await Promise.all([target().asset()]);
    const merged = await create([G!, E!]);
    expect(members(merged).sort()).toEqual([E, G].sort());
    expect(merged.body.id).not.toBe(pair.body.id);
  });

  it('validates stack requests: too small, v4 UUIDs only, ids the caller owns (c16, c19-c21)', async () => {
    const A = await target().asset();
    const tooSmall = await create([A]);
    expect(tooSmall.body).toEqual({ message: 'Validation failed', errors: [expect.objectContaining({ code: 'too_small', minimum: 2, path: ['assetIds'], message: 'Too small: expected array to have >=2 items' })] });
    for (const bad of ['not-a-uuid', '00000000-0000-0000-0000-000000000000']) {
      expect((await create([A, bad])).body.errors).toEqual([expect.objectContaining({ code: 'invalid_format', format: 'uuid', path: ['assetIds', 1], message: 'Invalid UUID' })]);
    }
    expect(await create([A, '00000000-0000-4000-8000-000000000000'])).toEqual({ status: 400, body: { message: 'Not found or no asset.update access' } });
  });

  it('the README\'s scopes: the restricted key creates stacks but cannot read or change them (c22-c25, g13-g23)', async () => {
    const t = target();
    const [E, F] = await Promise.all([t.asset(), t.asset()]);
    const made = await create([E!, F!], t.restricted);
    expect(made.status).toBe(201);
    const as = { 'x-api-key': t.restricted };
    expect(await t.call('GET', `/stacks/${made.body.id}`, undefined, as)).toEqual({ status: 403, body: { message: 'Missing required permission: stack.read' } });
    expect(await t.call('PUT', `/stacks/${made.body.id}`, { primaryAssetId: F }, as)).toEqual({ status: 403, body: { message: 'Missing required permission: stack.update' } });
    expect(await t.call('DELETE', `/stacks/${made.body.id}`, undefined, as)).toEqual({ status: 403, body: { message: 'Missing required permission: stack.delete' } });
    expect(await t.call('DELETE', '/assets', { ids: [E] }, as)).toEqual({ status: 403, body: { message: 'Missing required permission: asset.delete' } });
    expect(await t.call('GET', '/users/me', undefined, as)).toEqual({ status: 403, body: { message: 'Missing required permission: user.read' } });
    expect((await t.call('GET', `/assets/${E}`, undefined, as)).body['stack']).toEqual({ id: made.body.id, primaryAssetId: E, assetCount: 2 });
    expect((await t.call('PUT', `/assets/${E}/metadata`, { items: [{ key: 'lightbox', value: { a: 1 } }] }, as)).status).toBe(200);
    const me = await t.call('GET', '/api-keys/me', undefined, as);
    expect((me.body['permissions'] as string[]).sort()).toEqual(['album.create', 'album.read', 'albumAsset.create', 'asset.read', 'asset.update', 'asset.upload', 'stack.create']);
  });

  it('authenticates like v3.1: x-api-key or ?apiKey=, never Bearer; public routes ignore keys (g1-g31)', async () => {
    const t = target();
    const id = '00000000-0000-4000-8000-000000000000';
    expect(await t.call('GET', `/assets/${id}`, undefined, { 'x-api-key': '' })).toEqual({ status: 401, body: { message: 'Authentication required' } });
    expect(await t.call('GET', '/users/me', undefined, { 'x-api-key': 'wrong-key-123' })).toEqual({ status: 401, body: { message: 'Invalid API key' } });
    const bearer = await fetch(`${t.url}/users/me`, { headers: { authorization: `Bearer ${t.key}` } });
    expect({ status: bearer.status, body: await bearer.json() }).toEqual({ status: 401, body: { message: 'Invalid user token' } });
    const query = await fetch(`${t.url}/api-keys/me?apiKey=${encodeURIComponent(t.key)}`);
    expect(query.status).toBe(200);
    expect((await fetch(`${t.url}/server/ping`, { headers: { 'x-api-key': 'wrong' } })).status).toBe(200);
    expect((await t.call('GET', '/server/version')).body).toEqual({ major: 3, minor: 1, patch: 0, prerelease: null });
    expect((await t.call('GET', '/server/media-types')).body['sidecar']).toEqual(['.xmp']);
    expect(await t.call('GET', '/does-not-exist')).toEqual({ status: 404, body: { message: `Cannot GET ${new URL(t.url).pathname}/does-not-exist` } });
    expect((await t.call('GET', '/assets/not-a-uuid')).body.errors).toEqual([expect.objectContaining({ path: ['id'], message: 'Invalid UUID' })]);
    expect(await t.call('GET', `/assets/${id}`)).toEqual({ status: 400, body: { message: 'Not found or no asset.read access' } });
  });

  it('asset metadata: any string key, object values only, upserts replace, duplicates refused (f6-f21)', async () => {
    const t = target();
    const id = await t.asset();
    const put = (items: unknown) => t.call('PUT', `/assets/${id}/metadata`, { items });
    expect((await put([{ key: '', value: { empty: true } }, { key: 'LIGHTBOX', value: { b: 2 } }])).status).toBe(200);
    expect((await put([{ key: 'lightbox', value: 'just a string' }])).body.errors).toEqual([expect.objectContaining({ expected: 'record', path: ['items', 0, 'value'] })]);
    expect(await put([{ key: 'dup', value: {} }, { key: 'dup', value: {} }])).toEqual({ status: 400, body: { message: 'Duplicate items are not allowed: "dup"' } });
    await put([{ key: 'lightbox', value: { old: 1, keep: 2 } }]);
    const replaced = await put([{ key: 'lightbox', value: { only: 'new' } }]);
    expect(replaced.body).toEqual([{ key: 'lightbox', value: { only: 'new' }, updatedAt: expect.any(String) }]);
    expect((await t.call('GET', `/assets/${id}/metadata/LIGHTBOX`)).body).toMatchObject({ key: 'LIGHTBOX', value: { b: 2 } });
    expect(await t.call('GET', `/assets/${id}/metadata/nope`)).toEqual({ status: 400, body: { message: `Metadata with key "nope" not found for asset with id "${id}"` } });
  });
});
