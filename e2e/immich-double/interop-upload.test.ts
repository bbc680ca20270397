import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hasCorpus } from '../../test-support/corpus.ts';
import { waitFor } from '../../test-support/temp-dir.ts';
import { DATES, targetName, useTarget, type Part } from './interop-target.ts';

/** Findings §a and §b (POST /assets, x-immich-checksum, bulk-upload-check), against the double or a real server. */
const XMP = Buffer.from('<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="3"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>');
const sha1 = (b: Buffer) => createHash('sha1').update(b).digest();

describe.skipIf(!hasCorpus)(`POST /assets field order and validation on ${targetName}`, () => {
  const target = useTarget();
  const file = async (filename: string, data?: Buffer): Promise<Part> => ({ name: 'assetData', filename, data: data ?? (await target().jpeg()), type: 'image/jpeg' });
  const sidecar = (filename = 'x.xmp'): Part => ({ name: 'sidecarData', filename, data: XMP, type: 'application/xml' });
  const name = (value: string): Part => ({ name: 'filename', value });
  const nameOf = async (id: string) => (await target().call('GET', `/assets/${id}`)).body['originalFileName'];

  it('judges each file part on arrival by the filename field received so far (a5, a7, a10 refused; a6, a8, a9 fine)', async () => {
    const t = target();
    const refused: Array<[string, Part[]]> = [
      ['a5.jpg', [name('a5.jpg'), await file('a5.jpg'), sidecar()]],
      ['a7.jpg', [await file('a7.jpg'), name('a7.jpg'), sidecar()]],
      ['a10.jpg', [name('a10.jpg'), sidecar(), await file('a10.jpg')]],
    ];
    for (const [judged, parts] of refused) {
      expect(await t.upload([...DATES, ...parts])).toEqual({ status: 400, body: { message: `Unsupported file type ${judged}` } });
    }
    for (const parts of [[await file('a6.jpg'), sidecar(), name('a6.jpg')], [sidecar(), await file('a8.jpg'), name('a8.jpg')], [sidecar(), await file('a9.jpg')]]) {
      const answered = await t.upload([...DATES, ...parts]);
      expect(answered.status).toBe(201);
      expect(answered.body.status).toBe('created');
    }
  });

  it('takes the name from the filename field wherever it is, the type from it only when it came first (a1-a4, a14, a15, a17, a18)', async () => {
    const t = target();
    const a2 = await t.upload([...DATES, await file('blob.jpg'), name('a2.jpg')]);
    expect(await nameOf(a2.body.id!)).toBe('a2.jpg');
    expect(await t.upload([...DATES, await file('blob'), name('a3.jpg')])).toEqual({ status: 400, body: { message: 'Unsupported file type blob' } });
    const a4 = await t.upload([...DATES, name('a4.jpg'), await file('blob')]);
    expect(a4.status).toBe(201);
    expect(await nameOf(a4.body.id!)).toBe('a4.jpg');
    const upper = await t.upload([...DATES, await file('A14.JPG')]);
    expect(await nameOf(upper.body.id!)).toBe('A14.JPG');
    expect(await t.upload([...DATES, await file('a17.txt')])).toEqual({ status: 400, body: { message: 'Unsupported file type a17.txt' } });
    expect(await t.upload([...DATES, name('a18.txt'), await file('ok.jpg')])).toEqual({ status: 400, body: { message: 'Unsupported file type a18.txt' } });
    expect(await t.upload([...DATES, await file('a.jpg'), { ...sidecar('x.txt') }])).toEqual({ status: 400, body: { message: 'Unsupported file type x.txt' } });
    expect((await t.upload([...DATES, await file('a35.jpg'), sidecar('X.XMP')])).status).toBe(201);
  });

  it('refuses malformed bodies with the server\'s own messages (a12, a13, a32, a33, a36)', async () => {
    const t = target();
    const bytes = await t.jpeg();
    expect(await t.upload([...DATES, { name: 'assetData', data: bytes }])).toEqual({ status: 400, body: { message: 'File is required' } });
    expect(await t.upload([...DATES, name('a13.jpg'), { name: 'assetData', data: bytes }])).toEqual({ status: 400, body: { message: 'File is required' } });
    expect(await t.upload([...DATES, await file('a.jpg'), await file('b.jpg')])).toEqual({ status: 400, body: { message: 'Unexpected field - assetData' } });
    expect(await t.upload([...DATES, sidecar()])).toEqual({ status: 400, body: { message: 'Field(s) assetData should not be empty' } });
    expect(await t.upload([...DATES, await file('empty.jpg', Buffer.alloc(0))])).toEqual({ status: 400, body: { message: 'File is empty' } });
    const typedMetadata = await t.upload([...DATES, await file('m.jpg'), { name: 'metadata', filename: 'blob', data: Buffer.from('[]'), type: 'application/json' }]);
    expect(typedMetadata).toEqual({ status: 400, body: { message: 'Unexpected field - metadata' } });
  });

  it('validates the text fields like v3.1 (a19, a22, a23, a24, a25, a27, a28, a31)', async () => {
    const t = target();
    const noDate = await t.upload([DATES[1], await file('a19.jpg')]);
    expect(noDate).toEqual({ status: 400, body: { message: 'Validation failed', errors: [{ expected: 'string', code: 'invalid_type', path: ['fileCreatedAt'], message: 'Invalid input: expected ISO 8601 datetime string, received undefined' }] } });
    const zoneless = await t.upload([{ name: 'fileCreatedAt', value: '2020-01-01T14:34:00' }, DATES[1], await file('a22.jpg')]);
    expect(zoneless.status).toBe(400);
    expect(zoneless.body.errors).toEqual([expect.objectContaining({ code: 'invalid_format', format: 'datetime', path: ['fileCreatedAt'], message: 'Invalid input: expected ISO 8601 datetime string, received string' })]);
    const withOffset = [{ name: 'fileCreatedAt', value: '2020-01-01T14:34:00+02:00' }, { name: 'fileModifiedAt', value: '2020-01-01T14:34:00+02:00' }];
    expect((await t.upload([...withOffset, await file('a23.jpg'), { name: 'foo', value: 'bar' }, { name: 'deviceAssetId', value: 'x' }])).status).toBe(201);
    const badJson = await t.upload([...DATES, await file('a27.jpg'), { name: 'metadata', value: '{not json' }]);
    expect(badJson.body).toEqual({ message: 'Validation failed', errors: [{ code: 'custom', message: 'Invalid input: expected JSON string, received string', path: ['metadata'] }] });
    const object = await t.upload([...DATES, await file('a28.jpg'), { name: 'metadata', value: '{"key":"lightbox","value":{}}' }]);
    expect(object.body.errors).toEqual([{ expected: 'array', code: 'invalid_type', path: ['metadata'], message: 'Invalid input: expected array, received object' }]);
    const favourite = await t.upload([...DATES, await file('a31.jpg'), { name: 'isFavorite', value: '1' }]);
    expect(favourite.body.errors).toEqual([expect.objectContaining({ code: 'invalid_value', path: ['isFavorite'], message: 'Invalid option: expected one of "true"|"false"' })]);
    const stored = await t.upload([...DATES, await file('a26.jpg'), { name: 'metadata', value: JSON.stringify([{ key: 'lightbox', value: { v: 1 } }]) }]);
    expect((await t.call('GET', `/assets/${stored.body.id}/metadata/lightbox`)).body).toMatchObject({ key: 'lightbox', value: { v: 1 } });
  });

  it('trusts a known x-immich-checksum before reading the body, hashes the body itself otherwise (c2-c6)', async () => {
    const t = target();
    const bytes = await t.jpeg();
    const first = await t.upload([...DATES, await file('c1.jpg', bytes)], { 'x-immich-checksum': sha1(bytes).toString('hex') });
    expect(first).toEqual({ status: 201, body: { id: expect.any(String), status: 'created' } });
    const id = first.body.id;
    expect(await t.upload([...DATES, await file('c3.jpg')], { 'x-immich-checksum': sha1(bytes).toString('base64') })).toEqual({ status: 200, body: { status: 'duplicate', id } });
    expect(await t.upload([name('c5.txt')], { 'x-immich-checksum': sha1(bytes).toString('hex') })).toEqual({ status: 200, body: { status: 'duplicate', id } });
    const other = await t.jpeg();
    const garbage = await t.upload([...DATES, await file('c4.jpg', other)], { 'x-immich-checksum': 'not-a-checksum' });
    expect(garbage.status).toBe(201);
    expect((await t.call('GET', `/assets/${garbage.body.id}`)).body['checksum']).toBe(sha1(other).toString('base64'));
    // Same bytes, no header: stored, found by the unique constraint, answered with the first id.
    expect(await t.upload([...DATES, await file('again.jpg', bytes)])).toEqual({ status: 200, body: { status: 'duplicate', id } });
  });

  it('bulk-upload-check: hex, base64 and upper-case hex, trashed duplicates flagged, the empty list a 500 (b3-b9, b14, b15)', async () => {
    const t = target();
    const bytes = await t.jpeg();
    const id = (await t.upload([...DATES, await file('b1.jpg', bytes)])).body.id;
    const hex = sha1(bytes).toString('hex');
    const fresh = sha1(await t.jpeg()).toString('hex');
    const check = (assets: unknown) => t.call('POST', '/assets/bulk-upload-check', { assets });
    const reject = (key: string, isTrashed: boolean) => ({ id: key, action: 'reject', reason: 'duplicate', assetId: id, isTrashed });
    expect((await check([{ id: 'hex', checksum: hex }, { id: 'b64', checksum: sha1(bytes).toString('base64') }, { id: 'upper', checksum: hex.toUpperCase() }, { id: 'new', checksum: fresh }, { id: 'garbage', checksum: 'xyz' }, { id: 'hex', checksum: hex }])).body).toEqual({
      results: [reject('hex', false), reject('b64', false), reject('upper', false), { id: 'new', action: 'accept' }, { id: 'garbage', action: 'accept' }, reject('hex', false)],
    });
    expect(await check([])).toEqual({ status: 500, body: { message: 'Failed to check bulk upload' } });
    expect((await check([{ checksum: hex }])).body.errors).toEqual([expect.objectContaining({ path: ['assets', 0, 'id'], code: 'invalid_type' })]);

    expect((await t.call('DELETE', '/assets', { ids: [id] })).status).toBe(204);
    expect((await check([{ id: 'trashed', checksum: hex }])).body).toEqual({ results: [reject('trashed', true)] });
    expect(await t.upload([...DATES, await file('b9.jpg', bytes)])).toEqual({ status: 200, body: { status: 'duplicate', id } });
    expect((await t.call('GET', `/assets/${id}`)).body['isTrashed']).toBe(true);
    expect((await t.call('DELETE', '/assets', { ids: [id], force: true })).status).toBe(204);
    // The real server deletes in a background job: poll until the checksum is free.
    await waitFor('the force-deleted checksum to be free', async () => ((await check([{ id: 'gone', checksum: hex }])).body['results'] as Array<{ action: string }>)[0]?.action === 'accept');
    const again = await t.upload([...DATES, await file('b15.jpg', bytes)]);
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(id);
  });
});
