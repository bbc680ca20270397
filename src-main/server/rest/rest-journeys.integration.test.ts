import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCorpus } from '../../../test-support/corpus.ts';
import { schemaValidators } from '../../../test-support/openapi-31.ts';
import type { RestPhoto, RestPhotoPage, RestSubmitted } from '../../contract/index.ts';
import { smallJpegs, startRestHarness, type RestHarness } from './rest-test-harness.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** An AI crop (the left half) waiting for review, as analysis would propose it. */
const aiCrop = { op: 'crop', v: 2, enabled: true, params: { x: 0, y: 0, w: 0.5, h: 1, angle: 0 }, source: 'ai:crop-proposals@1', confidence: 0.42, needsReview: true };

describe.skipIf(!hasCorpus)('REST API journeys (real engine and server, plain fetch)', () => {
  let h: RestHarness;
  let photos: Awaited<ReturnType<typeof smallJpegs>>;
  let validate: ReturnType<typeof schemaValidators>['validate'];

  beforeAll(async () => {
    h = await startRestHarness();
    photos = await smallJpegs(6);
    const doc = (await (await h.call('/openapi.json', { token: null })).json()) as Record<string, unknown>;
    validate = schemaValidators(doc).validate;
  }, 60_000);
  afterAll(async () => h?.close());

  it('submit -> status -> processed: stored once from the bytes sent, rendered, streamed with ETag and Range', async () => {
    const [first] = photos;
    const reply = await h.submit(first!.bytes, first!.name);
    expect(reply.status).toBe(202);
    const submitted = (await reply.json()) as RestSubmitted;
    expect(validate('Submitted', submitted)).toEqual([]);
    expect(submitted).toMatchObject({ duplicate: false, links: { self: `/api/v1/photos/${submitted.id}` } });
    expect(['pending', 'ingesting']).toContain(submitted.status);
    expect(reply.headers.get('location')).toBe(`/api/v1/photos/${submitted.id}`);

    const done = await h.waitForStatus(submitted.id, 'completed');
    expect(validate('Photo', done)).toEqual([]);
    expect(done).toMatchObject({ fileName: first!.name, sha256: sha256(first!.bytes), bytes: first!.bytes.length, width: first!.width, height: first!.height });
    expect(done.submittedBy).toMatchObject({ tokenId: null, name: 'session' });
    expect(done.processed).toMatchObject({ revision: 1, contentType: 'image/jpeg', width: first!.width, height: first!.height });

    // The original in the library is the very bytes sent, and nothing half-written or queued remains.
    const stored = await h.engine.api.call('photos.get', { id: submitted.id });
    expect(stored.sourcePath).toBe(`upload://session/${first!.name}`);
    expect(sha256(await readFile(path.join(h.libraryDir, stored.originalPath!)))).toBe(sha256(first!.bytes));
    expect(await h.leftovers()).toEqual({ temp: [], inbox: [] });

    const file = await h.call(`/photos/${submitted.id}/processed`);
    expect(file.status).toBe(200);
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(sha256(bytes)).toBe(done.processed!.sha256);
    expect(file.headers.get('etag')).toBe(`"${done.processed!.sha256}"`);
    expect(file.headers.get('content-disposition')).toContain(`filename="${first!.name.replace(/\.jpg$/, '')}-r1.jpg"`);
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', first!.width, first!.height]);

    expect((await h.call(`/photos/${submitted.id}/processed`, { headers: { 'If-None-Match': file.headers.get('etag')! } })).status).toBe(304);
    const head = await h.call(`/photos/${submitted.id}/processed`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), (await head.arrayBuffer()).byteLength]).toEqual([200, String(bytes.length), 0]);
    const part = await h.call(`/photos/${submitted.id}/processed`, { headers: { Range: 'bytes=100-199', 'If-Range': file.headers.get('etag')! } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
    // A stale If-Range gets the whole (new) file instead of a piece of it.
    expect((await h.call(`/photos/${submitted.id}/processed`, { headers: { Range: 'bytes=0-9', 'If-Range': '"stale"' } })).status).toBe(200);
    expect((await h.call(`/photos/${submitted.id}/processed`, { headers: { Range: `bytes=${bytes.length}-` } })).status).toBe(416);
  });

  it('the same bytes again are the same photo (duplicate), attributed to the token that sent them last', async () => {
    const [, second] = photos;
    const token = await h.createToken('NAS import', 'full');
    const a = (await (await h.submit(second!.bytes, 'first-name.jpg')).json()) as RestSubmitted;
    await h.waitForStatus(a.id, 'completed');
    const again = await h.submit(second!.bytes, 'second-name.jpg', {}, token);
    expect(again.status).toBe(202);
    const b = (await again.json()) as RestSubmitted;
    expect(b).toMatchObject({ id: a.id, duplicate: true, status: 'completed' });
    const photo = (await (await h.call(`/photos/${a.id}`)).json()) as RestPhoto;
    expect(photo.fileName).toBe('first-name.jpg');
    expect(photo.submittedBy).toMatchObject({ name: 'NAS import' });
    expect(await h.engine.api.call('photos.duplicates', { id: a.id })).toHaveLength(1);
    expect((await h.engine.api.call('photos.list', {})).photos.filter((p) => p.sha256 === sha256(second!.bytes))).toHaveLength(1);
    await h.engine.whenIdle();
    expect(await h.leftovers()).toEqual({ temp: [], inbox: [] });
  });

  it('an AI crop waiting for review: needs-review, 409 on nothing to do, approve renders the crop', async () => {
    const [, , third] = photos;
    const submitted = (await (await h.submit(third!.bytes, third!.name, { recipe: JSON.stringify({ steps: [aiCrop] }) })).json()) as RestSubmitted;
    const waiting = await h.waitForStatus(submitted.id, 'needs-review');
    expect(waiting.recipe).toMatchObject({ needsReview: true, steps: [{ op: 'crop', source: 'ai:crop-proposals@1', needsReview: true }] });
    expect(waiting.processed).toBeUndefined();
    expect((await h.call(`/photos/${submitted.id}/processed`)).status).toBe(409);

    const approved = await h.call(`/photos/${submitted.id}/approve`, { method: 'POST' });
    expect(approved.status).toBe(200);
    expect(((await approved.json()) as RestPhoto).recipe).toMatchObject({ needsReview: false, revision: 2 });
    const done = await h.waitForStatus(submitted.id, 'completed');
    expect(done.processed).toMatchObject({ revision: 2, width: Math.round(third!.width / 2), height: third!.height });
    // Approving again changes nothing and is no error.
    expect((await h.call(`/photos/${submitted.id}/approve`, { method: 'POST' })).status).toBe(200);
  });

  it('reject drops the proposal and renders the photo without it', async () => {
    const [, , , fourth] = photos;
    const submitted = (await (await h.submit(fourth!.bytes, fourth!.name, { recipe: JSON.stringify({ steps: [aiCrop] }) })).json()) as RestSubmitted;
    await h.waitForStatus(submitted.id, 'needs-review');
    expect((await h.call(`/photos/${submitted.id}/reject`, { method: 'POST' })).status).toBe(200);
    const done = await h.waitForStatus(submitted.id, 'completed');
    expect(done.processed).toMatchObject({ width: fourth!.width, height: fourth!.height });
  });

  it('PUT recipe: every problem of a bad one (422), a good one renders a new revision', async () => {
    const [, , , , fifth] = photos;
    const submitted = (await (await h.submit(fifth!.bytes, fifth!.name)).json()) as RestSubmitted;
    const before = await h.waitForStatus(submitted.id, 'completed');

    const bad = await h.call(`/photos/${submitted.id}/recipe`, {
      method: 'PUT',
      body: JSON.stringify({ steps: [{ op: 'exposure', v: 2, enabled: true, params: { ev: 99 }, source: 'user' }, { op: 'warp', v: 1, enabled: true, params: {}, source: 'user' }] }),
    });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { error: { code: string; problems: Array<{ path: string }> } };
    expect(validate('ErrorBody', body)).toEqual([]);
    expect(body.error.code).toBe('invalid-recipe');
    expect(body.error.problems.map((p) => p.path)).toEqual(['steps[0].params.ev', 'steps[1].op']);
    const notJson = await h.call(`/photos/${submitted.id}/recipe`, { method: 'PUT', body: '{"steps": [' });
    expect([notJson.status, ((await notJson.json()) as { error: { code: string } }).error.code]).toEqual([422, 'invalid-recipe']);
    const tooNew = await h.call(`/photos/${submitted.id}/recipe`, { method: 'PUT', body: JSON.stringify({ schema: 7, steps: [] }) });
    expect([tooNew.status, ((await tooNew.json()) as { error: { code: string } }).error.code]).toEqual([422, 'recipe-too-new']);

    const good = await h.call(`/photos/${submitted.id}/recipe`, { method: 'PUT', body: JSON.stringify({ steps: [{ op: 'resize', v: 1, enabled: true, params: { mode: 'long-edge', longEdge: 300, allowUpscale: false }, source: 'user' }] }) });
    expect(good.status).toBe(200);
    const after = await h.waitForStatus(submitted.id, 'completed');
    expect(after.recipe!.revision).toBe(before.recipe!.revision + 1);
    expect(Math.max(after.processed!.width, after.processed!.height)).toBe(300);
  });

  it('pages the list with a cursor, filtered by status and by time of change', async () => {
    await h.engine.whenIdle();
    const all = (await (await h.call('/photos?limit=100')).json()) as RestPhotoPage;
    expect(all.photos.length).toBeGreaterThanOrEqual(5);
    const ids: number[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (await h.call(`/photos?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json()) as RestPhotoPage;
      expect(validate('PhotoPage', page)).toEqual([]);
      expect(page.photos.length).toBeLessThanOrEqual(2);
      ids.push(...page.photos.map((p) => p.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids).toEqual(all.photos.map((p) => p.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    const completed = (await (await h.call('/photos?status=completed&limit=100')).json()) as RestPhotoPage;
    expect(completed.photos.length).toBe(all.photos.length);
    expect(((await (await h.call('/photos?status=needs-review')).json()) as RestPhotoPage).photos).toEqual([]);
    const latest = all.photos.map((p) => p.updatedAt).sort().at(-1)!;
    const since = (await (await h.call(`/photos?since=${encodeURIComponent(latest)}`)).json()) as RestPhotoPage;
    expect(since.photos.map((p) => p.updatedAt)).toEqual(all.photos.filter((p) => p.updatedAt >= latest).map((p) => p.updatedAt));
    expect((await h.call('/photos?status=done')).status).toBe(400);
    expect((await h.call('/photos?cursor=bm9wZQ')).status).toBe(400);
  });

  /** Reads `event:` blocks from an event stream until `until` says enough (or the stream ends). */
  async function readEvents(response: Response, until: (blocks: Array<{ event: string; id: string | null; data: string }>) => boolean) {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const blocks: Array<{ event: string; id: string | null; data: string }> = [];
    let text = '';
    while (!until(blocks)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      for (const block of text.split('\n\n').slice(0, -1)) {
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) blocks.push({ event, id: /^id: (.*)$/m.exec(block)?.[1] ?? null, data });
      }
      text = text.slice(text.lastIndexOf('\n\n') + 2);
    }
    return blocks;
  }

  it('streams status changes as Server-Sent Events until the photo is completed, and resumes after Last-Event-ID', async () => {
    const [, , , , , sixth] = photos;
    const controller = new AbortController();
    const events = await h.call('/events', { signal: controller.signal });
    expect(events.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    // Sent the way an old browser names files: only the last part of the path is the name.
    const submitted = (await (await h.submit(sixth!.bytes, `C:\\fakepath\\${sixth!.name}`)).json()) as RestSubmitted;
    const ours = (blocks: Array<{ event: string; id: string | null; data: string }>) =>
      blocks.filter((b) => b.event === 'photo').map((b) => ({ id: b.id, event: JSON.parse(b.data) as { id: number; status: string } })).filter((b) => b.event.id === submitted.id);
    const blocks = await readEvents(events, (bs) => ours(bs).some((b) => b.event.status === 'completed'));
    controller.abort();
    for (const b of blocks.filter((b) => b.event === 'photo')) expect(validate('PhotoEvent', JSON.parse(b.data))).toEqual([]);
    const seen = ours(blocks).map((b) => b.event.status);
    expect(((await (await h.call(`/photos/${submitted.id}`)).json()) as RestPhoto).fileName).toBe(sixth!.name);
    expect(seen.at(-1)).toBe('completed');
    expect(seen).toContain('rendering');
    // Statuses only move forward, each change once.
    const order = ['pending', 'ingesting', 'analysing', 'needs-review', 'rendering', 'completed'];
    expect(seen.map((s) => order.indexOf(s))).toEqual([...new Set(seen.map((s) => order.indexOf(s)))].sort((a, b) => a - b));

    // Back after the first event: what came after it is sent again, in order, with the same ids.
    const after = ours(blocks).slice(1);
    const again = new AbortController();
    const resumed = await h.call('/events', { signal: again.signal, headers: { 'Last-Event-ID': ours(blocks)[0]!.id! } });
    const replayed = ours(await readEvents(resumed, (bs) => ours(bs).length >= after.length));
    again.abort();
    expect(replayed).toEqual(after);

    // An id this server never gave (another run): one reset event, so the client re-lists.
    const other = new AbortController();
    const reset = await readEvents(await h.call('/events', { signal: other.signal, headers: { 'Last-Event-ID': '00000000-3' } }), (bs) => bs.length > 0);
    other.abort();
    expect(reset[0]!.event).toBe('reset');
    expect(JSON.parse(reset[0]!.data).message).toMatch(/GET \/photos\?since=/);
  });
});
