import {
  createStack,
  getAssetInfo,
  getServerVersion,
  init,
  isMalformedResponseError,
  pingServer,
  updateAsset,
} from '@immich/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCorpus } from '../../test-support/corpus.ts';
import { startImmichDouble, type ImmichDouble } from './index.ts';
import { corpusFile, doublePerDescribe, errorOf, httpErrorOf, upload, xmpSidecar } from './test-helpers.ts';

const PHOTO = 'jpeg/camera/Nikon_D1X.jpg';
const BIG_PHOTO = 'jpeg/camera/Apple_iPhone_4S.jpg';

describe('Immich double: auth', () => {
  let double: ImmichDouble;
  beforeAll(async () => {
    double = await startImmichDouble({
      apiKeys: ['full', { key: 'no-stacks', permissions: ['asset.upload', 'asset.read', 'asset.update'] }],
    });
  });
  afterAll(() => double.close());

  it('serves ping and version without a key, like v3.1.0', async () => {
    init({ baseUrl: double.url, apiKey: '' });
    expect(await pingServer()).toEqual({ res: 'pong' });
    expect(await getServerVersion()).toEqual({ major: 3, minor: 1, patch: 0, prerelease: null });
  });

  it('answers 401 without a key and for an unknown key, 403 for a key without the scope', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    init({ baseUrl: double.url, apiKey: '' });
    expect(await httpErrorOf(getAssetInfo({ id }))).toMatchObject({ status: 401, data: { message: 'Authentication required' } });
    init({ baseUrl: double.url, apiKey: 'wrong' });
    expect(await httpErrorOf(getAssetInfo({ id }))).toMatchObject({ status: 401, data: { message: 'Invalid API key' } });
    init({ baseUrl: double.url, apiKey: 'no-stacks' });
    const forbidden = await httpErrorOf(createStack({ stackCreateDto: { assetIds: [id, id] } }));
    expect(forbidden).toMatchObject({ status: 403, data: { message: 'Missing required permission: stack.create' } });
    // Same key, a scope it has: past auth, so Immich's own access check answers.
    expect(await httpErrorOf(getAssetInfo({ id }))).toMatchObject({ status: 400, data: { message: 'Not found or no asset.read access' } });
  });

  it('setApiKeys revokes old keys at once', async () => {
    init({ baseUrl: double.url, apiKey: 'full' });
    double.setApiKeys(['rotated']);
    expect((await httpErrorOf(getAssetInfo({ id: '00000000-0000-4000-8000-000000000000' }))).status).toBe(401);
    double.setApiKeys(['full', { key: 'no-stacks', permissions: ['asset.upload', 'asset.read', 'asset.update'] }]);
  });
});

describe.skipIf(!hasCorpus)('Immich double: faults seen from @immich/sdk', () => {
  let double!: ImmichDouble;
  doublePerDescribe((started) => (double = started));

  it('failNext: the next n matching requests get the status, then the server is normal again', async () => {
    init({ baseUrl: double.url, apiKey: double.apiKey });
    double.faults.failNext(2, 503, { path: '/server/version' });
    expect(await pingServer()).toEqual({ res: 'pong' });
    expect((await httpErrorOf(getServerVersion())).status).toBe(503);
    expect((await httpErrorOf(getServerVersion())).status).toBe(503);
    expect(await getServerVersion()).toMatchObject({ major: 3 });
    const failed = double.state.requests.filter((r) => r.fault === 'fail');
    expect(failed.map((r) => [r.path, r.status])).toEqual([
      ['/api/server/version', 503],
      ['/api/server/version', 503],
    ]);
  });

  it('failNext on an upload: the body is consumed, nothing is stored, the retry creates the asset', async () => {
    init({ baseUrl: double.url, apiKey: double.apiKey });
    const { file, bytes } = await corpusFile(PHOTO);
    double.faults.failNext(1, 500, { method: 'POST', path: '/assets' });
    const error = await httpErrorOf(upload(file));
    expect(error).toMatchObject({ status: 500, data: { message: 'Internal server error' } });
    expect(double.state.assets).toHaveLength(0);
    expect(double.state.requests.at(-1)?.bytes).toBeGreaterThan(bytes.length);
    expect((await upload(file)).status).toBe('created');
  });

  it('asProxy: an HTML 502 from a proxy surfaces as MalformedResponseError, not HttpError', async () => {
    init({ baseUrl: double.url, apiKey: double.apiKey });
    double.faults.failNext(1, 502, { asProxy: true });
    const error = await errorOf(pingServer());
    expect(isMalformedResponseError(error)).toBe(true);
    expect((error as unknown as { status: number }).status).toBe(502);
  });

  it('rateLimitNext: 429 with the Retry-After header value the client must honour', async () => {
    init({ baseUrl: double.url, apiKey: double.apiKey });
    double.faults.rateLimitNext(1, 7);
    const error = await httpErrorOf(pingServer());
    expect(error.status).toBe(429);
    expect(error.headers.get('retry-after')).toBe('7');
    expect(await pingServer()).toEqual({ res: 'pong' });
  });

  it('delayMs: matching responses are slow, others are not', async () => {
    init({ baseUrl: double.url, apiKey: double.apiKey });
    double.faults.delayMs(400, { path: '/server/ping' });
    let t = performance.now();
    await pingServer();
    expect(performance.now() - t).toBeGreaterThanOrEqual(390);
    t = performance.now();
    await getServerVersion();
    expect(performance.now() - t).toBeLessThan(300);
  });

  it('dropConnectionMidUpload: the upload fails as a network error, nothing is stored, the retry works', async () => {
    init({ baseUrl: double.url, apiKey: double.apiKey });
    const { file, bytes } = await corpusFile(BIG_PHOTO);
    double.faults.dropConnectionMidUpload(1);
    const error = await errorOf(upload(file));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('fetch failed');
    expect(double.state.assets).toHaveLength(0);
    const dropped = double.state.uploads.at(-1);
    expect(dropped?.result).toBe('dropped');
    expect(dropped?.bytes).toBeGreaterThan(0);
    expect(dropped?.bytes).toBeLessThan(bytes.length);
    expect((await upload(file)).status).toBe('created');
  });

  it('downFor: ECONNREFUSED while down (a real outage), same URL works again afterwards', async () => {
    init({ baseUrl: double.url, apiKey: double.apiKey });
    expect(await pingServer()).toEqual({ res: 'pong' });
    await double.faults.downFor(800);
    const error = await errorOf(pingServer());
    expect(error).toBeInstanceOf(TypeError);
    expect(error.cause?.code).toBe('ECONNREFUSED');
    // Recovery seen the way the uploader will see it: retry until the deadline.
    const deadline = Date.now() + 10_000;
    let answer: unknown;
    while (!answer && Date.now() < deadline) {
      answer = await pingServer().catch(() => double.faults.whenUp().then(() => undefined));
    }
    expect(answer).toEqual({ res: 'pong' });
  });

  it('endOutage: a long outage ends when the test says so, on the same URL', async () => {
    init({ baseUrl: double.url, apiKey: double.apiKey });
    await double.faults.downFor(600_000);
    expect((await errorOf(pingServer())).cause?.code).toBe('ECONNREFUSED');
    await double.faults.endOutage();
    expect(await pingServer()).toEqual({ res: 'pong' });
    // Ending an outage that is not there changes nothing.
    await double.faults.endOutage();
    expect(await pingServer()).toEqual({ res: 'pong' });
  });

  it('slowMetadataExtraction: the sidecar lands after the upload and overwrites a quick PUT (upstream race)', async () => {
    init({ baseUrl: double.url, apiKey: double.apiKey });
    double.faults.slowMetadataExtraction(300);
    const sidecar = new File([xmpSidecar({ description: 'from sidecar', rating: 4 })], 'x.xmp');
    const { id } = await upload((await corpusFile('jpeg/camera/FujiFilm_DX-10.jpg')).file, { sidecarData: sidecar });
    const put = await updateAsset({ id, updateAssetDto: { description: 'from PUT' } });
    expect(put.exifInfo?.description).toBe('from PUT');
    const deadline = Date.now() + 5_000;
    let description = put.exifInfo?.description;
    while (description !== 'from sidecar' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      description = (await getAssetInfo({ id })).exifInfo?.description;
    }
    expect(description).toBe('from sidecar');
    expect((await getAssetInfo({ id })).exifInfo?.rating).toBe(4);
  });
});
