import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RestPhoto, RestSubmitted } from '../src-main/contract/index.ts';
import { corpusPath, hasCorpus } from '../test-support/corpus.ts';
import { openApiProblems, schemaValidators } from '../test-support/openapi-31.ts';
import { waitFor } from '../test-support/temp-dir.ts';
import { connectApi, type ApiClient } from './api-client.ts';
import { assertPrerequisites, startServer, stopServer, type RunningServer } from './headless-server.ts';

/**
 * What a script does with curl, done with plain fetch against `lightbox serve` (real analysis, real
 * renders): submit -> status -> approve -> processed, and every refusal a script can meet.
 */
describe.skipIf(!hasCorpus)('REST API against lightbox serve (plain fetch)', () => {
  let dir: string;
  let server: RunningServer;
  let base: string;
  let session: string;
  let ws: ApiClient;
  let validate: ReturnType<typeof schemaValidators>['validate'];
  const portrait = corpusPath('content/people/fr-obama.jpg');

  const call = (pathname: string, token: string | null, init: RequestInit = {}) =>
    fetch(`${base}${pathname}`, { ...init, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string> | undefined) } });
  const submit = async (bytes: Buffer, name: string, token: string) => {
    const form = new FormData();
    form.append('file', new Blob([bytes]), name);
    return call('/photos', token, { method: 'POST', body: form });
  };
  const photo = async (id: number, token: string) => (await (await call(`/photos/${id}`, token)).json()) as RestPhoto;

  beforeAll(async () => {
    assertPrerequisites();
    dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-rest-e2e-'));
    server = await startServer(path.join(dir, 'library'), [], ['--max-upload-mb', '4']);
    const link = new URL(server.url);
    base = `${link.origin}/api/v1`;
    session = link.searchParams.get('token')!;
    ws = await connectApi(server.url);
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as Record<string, unknown>;
    expect(openApiProblems(doc)).toEqual([]);
    validate = schemaValidators(doc).validate;
  }, 90_000);

  afterAll(async () => {
    ws?.close();
    if (server) await stopServer(server.child);
    await rm(dir, { recursive: true, force: true });
  });

  it('submit -> analysing -> needs-review -> approve -> completed, then the processed file', async () => {
    const token = (await ws.call('apiTokens.create', { name: 'e2e script', scope: 'full' })).secret;
    const bytes = await readFile(portrait);
    const reply = await submit(bytes, 'obama.jpg', token);
    expect(reply.status).toBe(202);
    const submitted = (await reply.json()) as RestSubmitted;
    expect(validate('Submitted', submitted)).toEqual([]);

    // Real analysis proposes a crop that waits for review; its summary names the models that ran.
    const waiting = await waitFor('the AI crop to wait for review', async () => {
      const p = await photo(submitted.id, token);
      if (p.status === 'failed') throw new Error(JSON.stringify(p.error));
      return p.status === 'needs-review' ? p : null;
    }, 120_000, 250);
    expect(validate('Photo', waiting)).toEqual([]);
    expect(waiting.submittedBy).toMatchObject({ name: 'e2e script' });
    expect(waiting.analysis.faces).toBeGreaterThanOrEqual(1);
    const models = waiting.analysis.generatedBy.filter((run) => run.status === 'completed').map((run) => run.task);
    expect(models).toEqual(expect.arrayContaining(['faces', 'quality', 'crops']));
    for (const run of waiting.analysis.generatedBy) expect(run.version).not.toBe('');
    const crop = waiting.recipe!.steps[0]!;
    expect(crop).toMatchObject({ op: 'crop', source: 'ai:crop-proposals@1', needsReview: true });
    expect((await call(`/photos/${submitted.id}/processed`, token)).status).toBe(409);

    const approved = await call(`/photos/${submitted.id}/approve`, token, { method: 'POST' });
    expect(approved.status).toBe(200);
    const done = await waitFor('the approved photo to be rendered', async () => {
      const p = await photo(submitted.id, token);
      return p.status === 'completed' ? p : null;
    }, 60_000, 250);
    expect(done.processed).toBeDefined();

    const file = await call(`/photos/${submitted.id}/processed`, token);
    expect(file.status).toBe(200);
    const rendered = Buffer.from(await file.arrayBuffer());
    const meta = await sharp(rendered).metadata();
    const source = await sharp(bytes).metadata();
    const box = crop.params as { w: number; h: number };
    expect(meta.format).toBe('jpeg');
    expect(Math.abs(meta.width! - box.w * source.width!)).toBeLessThanOrEqual(2);
    expect(Math.abs(meta.height! - box.h * source.height!)).toBeLessThanOrEqual(2);
    expect(done.processed).toMatchObject({ width: meta.width, height: meta.height, bytes: rendered.length });
  }, 240_000);

  it('refuses: 401 without a token, 403 for a read-only one, 413 too large, 422 not a photo, 404 unknown, 429 too fast', async () => {
    const none = await call('/photos', null);
    expect([none.status, ((await none.json()) as { error: { code: string } }).error.code]).toEqual([401, 'unauthorized']);

    const reader = (await ws.call('apiTokens.create', { name: 'read only', scope: 'read' })).secret;
    expect((await call('/photos', reader)).status).toBe(200);
    const forbidden = await submit(await readFile(portrait), 'obama.jpg', reader);
    expect([forbidden.status, ((await forbidden.json()) as { error: { code: string } }).error.code]).toEqual([403, 'forbidden']);
    expect((await call('/photos/1/approve', reader, { method: 'POST' })).status).toBe(403);

    const big = await submit(Buffer.alloc(5 * 1024 * 1024, 0xff), 'big.jpg', session);
    expect([big.status, ((await big.json()) as { error: { code: string } }).error.code]).toEqual([413, 'too-large']);

    const text = await submit(Buffer.from('this is not a photo'), 'notes.jpg', session);
    const textError = (await text.json()) as { error: { code: string; message: string } };
    expect([text.status, textError.error.code]).toEqual([422, 'not-an-image']);
    expect(validate('ErrorBody', textError)).toEqual([]);

    const bad = await call('/photos/1/recipe', session, { method: 'PUT', body: JSON.stringify({ steps: [{ op: 'nope' }, { op: 'exposure', v: 2, enabled: true, params: { ev: 12 }, source: 'user' }] }) });
    const badError = (await bad.json()) as { error: { code: string; problems: unknown[] } };
    expect([bad.status, badError.error.code, badError.error.problems.length >= 2]).toEqual([422, 'invalid-recipe', true]);

    expect((await call('/photos/424242', session)).status).toBe(404);

    const runaway = (await ws.call('apiTokens.create', { name: 'runaway', scope: 'read' })).secret;
    const replies = await Promise.all(Array.from({ length: 400 }, () => call('/photos?limit=1', runaway)));
    const limited = replies.find((r) => r.status === 429);
    expect(limited).toBeDefined();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Only the library's one real photo: nothing refused above was recorded.
    expect((await ws.call('photos.list', {})).total).toBe(1);
  }, 60_000);
});
