import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteVisionSettings, type CaptionResult } from '../../../contract/models.ts';
import type { RgbImage } from '../rgb-image.ts';
import { caption, KEY_ENV } from './caption-provider.ts';

const KEY = 'sk-test-4b1d-never-log-me';
const LOCAL: CaptionResult = { text: 'A photo of a beach', provider: 'local', model: 'clip-vit-b32@openai-2021-q8' };

function image(): RgbImage {
  const width = 1200;
  const height = 800;
  const data = Buffer.alloc(width * height * 3, 90);
  return { data, width, height };
}

type Received = { url: string; auth: string | undefined; body: { model: string; messages: Array<{ content: Array<{ type: string; text?: string; image_url?: { url: string } }> }> } };

describe('caption provider against a loopback OpenAI-compatible double', () => {
  let server: http.Server;
  let base: string;
  const received: Received[] = [];
  let mode: 'ok' | 'error' | 'hang' = 'ok';

  beforeAll(async () => {
    server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      received.push({ url: req.url!, auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString()) });
      if (mode === 'hang') return; // never answers: the client must time out
      if (mode === 'error') {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"boom"}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        id: 'chatcmpl-1', object: 'chat.completion', model: 'vision-mini-2026',
        choices: [{ index: 0, message: { role: 'assistant', content: '  Two people walking on a beach at sunset. ' }, finish_reason: 'stop' }],
      }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
  });

  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const settings = (over: Partial<RemoteVisionSettings> = {}) => RemoteVisionSettings.parse({ enabled: true, baseUrl: base, model: 'vision-mini', timeoutMs: 400, ...over });
  const env = { [KEY_ENV]: KEY };

  it('is off by default: the local caption, and no request leaves', async () => {
    const before = received.length;
    const got = await caption(image(), { settings: RemoteVisionSettings.parse({ baseUrl: base, model: 'vision-mini' }), env, local: () => LOCAL });
    expect(got).toEqual(LOCAL);
    expect(received.length).toBe(before);
  });

  it('when enabled, sends the photo as a JPEG data URL with the key, and records provider and model', async () => {
    mode = 'ok';
    const got = await caption(image(), { settings: settings(), env, local: () => LOCAL });
    expect(got).toEqual({ text: 'Two people walking on a beach at sunset.', provider: 'remote', model: 'vision-mini-2026' });
    const req = received.at(-1)!;
    expect(req.url).toBe('/v1/chat/completions');
    expect(req.auth).toBe(`Bearer ${KEY}`);
    expect(req.body.model).toBe('vision-mini');
    const img = req.body.messages[0]!.content.find((c) => c.type === 'image_url')!.image_url!.url;
    expect(img.startsWith('data:image/jpeg;base64,')).toBe(true);
    const meta = await sharp(Buffer.from(img.slice('data:image/jpeg;base64,'.length), 'base64')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 768, 512]);
  });

  it.each([
    ['a 500', 'error', /answered HTTP 500/],
    ['a timeout', 'hang', /did not answer within 400 ms/],
  ] as const)('falls back to local on %s, and never logs the key', async (_name, m, why) => {
    mode = m;
    const logged: string[] = [];
    const started = Date.now();
    const got = await caption(image(), { settings: settings(), env, local: () => LOCAL, log: (msg) => logged.push(msg) });
    expect(got).toEqual(LOCAL);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(why);
    expect(logged[0]).not.toContain(KEY);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('fails clearly when the remote fails and there is no local caption', async () => {
    mode = 'error';
    await expect(caption(image(), { settings: settings(), env, local: () => null })).rejects.toMatchObject({ code: 'not-installed' });
  });
});
