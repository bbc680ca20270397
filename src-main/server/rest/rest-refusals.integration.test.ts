import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCorpus } from '../../../test-support/corpus.ts';
import type { RestErrorBody, RestSubmitted } from '../../contract/index.ts';
import { smallJpegs, startRestHarness, type RestHarness } from './rest-test-harness.ts';

const MB = 1024 * 1024;

async function errorOf(reply: Response): Promise<RestErrorBody['error'] & { status: number }> {
  return { status: reply.status, ...((await reply.json()) as RestErrorBody).error };
}

/** Raw node:http: what a client sends (and does not send) is under the test's control. */
function rawUpload(port: number, token: string, headers: Record<string, string>, body: (write: (chunk: Buffer) => boolean) => Promise<void>) {
  return new Promise<{ status: number; text: string; headers: Record<string, unknown>; sentBeforeAnswer: number }>((resolve, reject) => {
    let sent = 0;
    const req = request({ host: '127.0.0.1', port, path: '/api/v1/photos', method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'multipart/form-data; boundary=xyz', ...headers } }, (res) => {
      const sentBeforeAnswer = sent;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers, sentBeforeAnswer }));
    });
    // The server closes the connection after refusing: an EPIPE/ECONNRESET on our side is expected then.
    req.on('error', (error) => (sent > 0 ? undefined : reject(error)));
    req.flushHeaders();
    body((chunk) => {
      if (req.destroyed) return false;
      sent += chunk.length;
      return req.write(chunk);
    }).then(
      // A body announced by Content-Length is never finished here: the server must answer without it.
      () => headers['Content-Length'] === undefined && !req.destroyed && req.end(),
      () => undefined,
    );
  });
}

describe.skipIf(!hasCorpus)('REST API refusals (real engine and server)', () => {
  let h: RestHarness;
  let jpeg: Awaited<ReturnType<typeof smallJpegs>>[number] | undefined;
  let readOnly: string;

  beforeAll(async () => {
    h = await startRestHarness({ maxUploadBytes: 2 * MB, rateLimit: { perSecond: 1, burst: 200 } });
    [jpeg] = await smallJpegs(1);
    readOnly = await h.createToken('dashboard', 'read');
  }, 60_000);
  afterAll(async () => h?.close());

  it('401 without a token, with an unknown or a revoked one; the UI cookie and ?token= do not count', async () => {
    const none = await h.call('/photos', { token: null });
    expect(await errorOf(none)).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="lightbox"');
    const wrong = await h.call('/photos', { token: 'lbx_nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await h.call('/photos', { token: null, headers: { Cookie: `lightbox-token-${h.port}=${h.sessionToken}` } })).status).toBe(401);
    expect((await h.call(`/photos?token=${h.sessionToken}`, { token: null })).status).toBe(401);

    const secret = await h.createToken('soon revoked', 'full');
    expect((await h.call('/photos', { token: secret })).status).toBe(200);
    const id = (await h.engine.api.call('apiTokens.list', {})).find((t) => t.name === 'soon revoked')!.id;
    await h.engine.api.call('apiTokens.revoke', { id });
    expect((await h.call('/photos', { token: secret })).status).toBe(401);
  });

  it('a read-only token may look but not upload, approve, reject or change a recipe (403)', async () => {
    expect((await h.call('/photos', { token: readOnly })).status).toBe(200);
    const upload = await h.submit(jpeg!.bytes, jpeg!.name, {}, readOnly);
    expect(await errorOf(upload)).toMatchObject({ status: 403, code: 'forbidden' });
    for (const [method, path] of [['POST', '/photos/1/approve'], ['POST', '/photos/1/reject'], ['PUT', '/photos/1/recipe']] as const) {
      expect((await h.call(path, { method, token: readOnly, body: method === 'PUT' ? '{"steps":[]}' : null })).status, `${method} ${path}`).toBe(403);
    }
    expect((await h.engine.api.call('photos.list', {})).total).toBe(0);
  });

  it('422 with the ingest codes for what is not a photo, empty or cut off; nothing is recorded or left behind', async () => {
    const cases: Array<[Buffer, string, string]> = [
      [Buffer.from('just some text, not a photo'), 'notes.jpg', 'not-an-image'],
      [Buffer.alloc(0), 'empty.jpg', 'empty-file'],
      [jpeg!.bytes.subarray(0, Math.floor(jpeg!.bytes.length / 2)), 'half.jpg', 'truncated'],
    ];
    for (const [bytes, name, code] of cases) {
      const reply = await h.submit(bytes, name);
      expect(await errorOf(reply), name).toMatchObject({ status: 422, code });
    }
    const badRecipe = await errorOf(await h.submit(jpeg!.bytes, jpeg!.name, { recipe: '{"steps":[{"op":"crop"},{"op":"nope","v":1,"enabled":true,"params":{},"source":"user"}]}' }));
    expect(badRecipe).toMatchObject({ status: 422, code: 'invalid-recipe' });
    expect(badRecipe.problems!.length).toBeGreaterThanOrEqual(2);
    expect(await errorOf(await h.submit(jpeg!.bytes, jpeg!.name, { preset: 'No such look' }))).toMatchObject({ status: 422, code: 'not-found' });
    expect(await errorOf(await h.submit(jpeg!.bytes, jpeg!.name, { colour: 'red' }))).toMatchObject({ status: 400, code: 'bad-request' });
    expect((await h.call('/photos', { method: 'POST', body: JSON.stringify({ file: 'x' }) })).status).toBe(415);
    expect((await h.engine.api.call('photos.list', {})).total).toBe(0);
    expect(await h.leftovers()).toEqual({ temp: [], inbox: [] });
  });

  it('413 before the body is read when Content-Length is too large, and once a chunked body passes the cap', async () => {
    // The request announces 50 MB and sends nothing: the answer must not wait for the body.
    const announced = await rawUpload(h.port, h.sessionToken, { 'Content-Length': String(50 * MB) }, async () => {});
    expect(announced.status).toBe(413);
    expect(JSON.parse(announced.text)).toMatchObject({ error: { code: 'too-large' } });
    expect(announced.sentBeforeAnswer).toBe(0);
    // curl's way: it waits for 100 Continue, gets the refusal instead, and the connection is closed.
    const expecting = await rawUpload(h.port, h.sessionToken, { 'Content-Length': String(50 * MB), Expect: '100-continue' }, async () => {});
    expect([expecting.status, expecting.headers.connection]).toEqual([413, 'close']);

    const head = Buffer.from('--xyz\r\nContent-Disposition: form-data; name="file"; filename="huge.jpg"\r\n\r\n');
    const chunk = Buffer.alloc(256 * 1024, 0xff);
    // Up to 40 MB: the answer comes once the 2 MB cap is passed, long before the body ends.
    const chunked = await rawUpload(h.port, h.sessionToken, { 'Transfer-Encoding': 'chunked' }, async (write) => {
      write(head);
      for (let i = 0; i < 160; i++) {
        if (!write(chunk)) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    });
    expect(chunked.status).toBe(413);
    expect(chunked.sentBeforeAnswer).toBeLessThan(16 * MB);
    await h.engine.whenIdle();
    expect(await h.leftovers()).toEqual({ temp: [], inbox: [] });
  });

  it('404 for an unknown photo or endpoint, 405 for a wrong method, 409 for a photo not ready', async () => {
    expect(await errorOf(await h.call('/photos/999999'))).toMatchObject({ status: 404, code: 'not-found' });
    expect((await h.call('/photos/abc')).status).toBe(404);
    expect((await h.call('/photos/999999/processed')).status).toBe(404);
    expect((await h.call('/nothing-here')).status).toBe(404);
    const wrong = await h.call('/photos/1', { method: 'DELETE' });
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'GET']);
    expect((await h.call('/photos/999999/approve', { method: 'POST' })).status).toBe(404);
  });

  it('429 with Retry-After once a token has spent its burst; other tokens are not affected', async () => {
    const busy = await h.createToken('runaway loop', 'read');
    const replies = await Promise.all(Array.from({ length: 230 }, () => h.call('/photos?limit=1', { token: busy })));
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(25);
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await errorOf(limited[0]!)).toMatchObject({ code: 'rate-limited' });
    expect((await h.call('/photos?limit=1', { token: readOnly })).status).toBe(200);
  });

  it('answers a script that names the server by any host (Bearer only), while the UI keeps its Host check', async () => {
    const viaName = await fetch(`${h.base}/photos`, { headers: { Authorization: `Bearer ${h.sessionToken}`, Host: `nas.local:${h.port}` } });
    expect(viaName.status).toBe(200);
    const ui = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: h.port, path: '/', headers: { Host: `nas.local:${h.port}`, Cookie: `lightbox-token-${h.port}=${h.sessionToken}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(ui).toBe(403);
    // A photo sent afterwards still goes through: the refusals above left the library usable.
    const ok = (await (await h.submit(jpeg!.bytes, jpeg!.name)).json()) as RestSubmitted;
    expect((await h.waitForStatus(ok.id, 'completed')).fileName).toBe(jpeg!.name);
  });
});
