import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelsProgress, Photo } from '../../../contract/index.ts';
import { tempDir } from '../../../../test-support/temp-dir.ts';
import { createEngine } from '../../engine.ts';
import { requireWeights } from '../test-weights.ts';
import { buildStandInClip, STAND_IN_SPEC } from './stand-in-clip.ts';
import { hostStandInClip, type StandInHost } from './stand-in-host.ts';

type Engine = Awaited<ReturnType<typeof createEngine>>;

/** Photos whose CLIP-normalised colour makes the stand-in's ranking known (see stand-in-clip.ts). */
const COLOURS: Record<string, [number, number, number]> = { red: [220, 30, 30], green: [30, 220, 30], blue: [30, 30, 220] };

/**
 * The real engine with the stand-in CLIP served over loopback: before the download analysis.get
 * says "not installed" and photos.search refuses; models.download installs it (progress events),
 * the engine analyses the library again, and photos.search ranks by cosine.
 */
describe('semantic search through the engine (stand-in CLIP)', () => {
  let library: Awaited<ReturnType<typeof tempDir>>;
  let inbox: Awaited<ReturnType<typeof tempDir>>;
  let models: Awaited<ReturnType<typeof tempDir>>;
  let host: StandInHost | undefined;
  let engine: Engine;
  const photo: Record<string, Photo> = {};
  const progress: ModelsProgress[] = [];

  beforeAll(async () => {
    await requireWeights('blazeface-back-256');
    [library, inbox, models] = await Promise.all([tempDir(), tempDir(), tempDir()]);
    const standIn = buildStandInClip();
    host = await hostStandInClip(standIn, models.path, { id: 'clip-vit-b32', version: 'stand-in-1' });
    for (const [name, [r, g, b]] of Object.entries(COLOURS)) {
      await sharp({ create: { width: 320, height: 240, channels: 3, background: { r, g, b } } }).png().toFile(path.join(inbox.path, `${name}.png`));
    }
    engine = await createEngine({ libraryDir: library.path, watchFolders: false, tuning: { analysis: { subject: false }, models: { dir: models.path } } });
    engine.api.on('models.progress', (e) => progress.push(e));
    expect((await engine.processOnce([inbox.path])).ingested).toBe(3);
    for (const p of (await engine.api.call('photos.list', { limit: 10 })).photos) photo[path.basename(p.fileName, '.png')] = p;
  }, 120_000);

  afterAll(async () => {
    await engine?.close();
    await host?.close();
    await Promise.all([library?.cleanup(), inbox?.cleanup(), models?.cleanup()]);
  });

  it('without the model: analysis.get says not installed, search refuses with the fix', async () => {
    expect(await engine.api.call('models.list', {})).toMatchObject([{ id: 'clip-vit-b32', state: 'not-installed', licence: 'MIT' }]);
    const a = await engine.api.call('analysis.get', { photoId: photo.red!.id });
    expect(a.semantic).toMatchObject({ status: 'not-installed', tags: [], caption: null });
    expect(a.semantic?.message).toContain('lightbox models download clip-vit-b32');
    expect(a.faces).toEqual([]);
    await expect(engine.api.call('photos.search', { text: 'red' })).rejects.toMatchObject({ code: 'not-installed' });
    // The search box by meaning refuses the same way; by words it still works.
    await expect(engine.api.call('photos.list', { text: 'red', semantic: true })).rejects.toMatchObject({ code: 'not-installed' });
    expect((await engine.api.call('photos.list', { text: 'red' })).photos.map((p) => p.id)).toEqual([photo.red!.id]);
  });

  it('models.download installs with progress; the library is embedded and search ranks by cosine', async () => {
    const info = await engine.api.call('models.download', { id: 'clip-vit-b32' });
    expect(info.state).toBe('installed');
    expect(progress.at(-1)).toMatchObject({ id: 'clip-vit-b32', fileIndex: 3, fileCount: 4 });
    expect(progress.at(-1)!.received).toBe(progress.at(-1)!.total);
    expect(await engine.api.call('models.verify', { id: 'clip-vit-b32' })).toMatchObject({ ok: true });
    await engine.whenIdle();
    const red = await engine.api.call('photos.search', { text: 'red' });
    expect(red.model).toBe('clip-vit-b32@stand-in-1');
    expect(red.missing).toBe(0);
    // Cosine with "red" is each photo's CLIP-normalised red channel over its norm: 0.65, -0.54, -0.59.
    expect(red.hits.map((h) => h.photoId)).toEqual([photo.red!.id, photo.blue!.id, photo.green!.id]);
    const { mean, std } = STAND_IN_SPEC.image;
    for (const [name, rgb] of Object.entries(COLOURS)) {
      const v = rgb.map((x, c) => (x / 255 - mean[c]!) / std[c]!);
      expect(red.hits.find((h) => h.photoId === photo[name]!.id)!.score).toBeCloseTo(v[0]! / Math.hypot(...v), 3);
    }
    const green = await engine.api.call('photos.search', { text: 'a photo of green', limit: 1 });
    expect(green.hits.map((h) => h.photoId)).toEqual([photo.green!.id]);
    // The search box by meaning: no file name or word says "a photo of green", CLIP finds it; the
    // cosines of the others (-0.5) are far below the best (0.7), so they are not matches.
    const byWords = { text: 'a photo of green', sort: 'relevance' } as const;
    expect((await engine.api.call('photos.list', byWords)).total).toBe(0);
    const byMeaning = await engine.api.call('photos.list', { ...byWords, semantic: true });
    expect(byMeaning.photos.map((p) => p.id)).toEqual([photo.green!.id]);
    expect(await engine.api.call('photos.counts', { text: 'a photo of green', semantic: true })).toMatchObject({ total: 1 });
    expect(await engine.api.call('photos.ids', { ...byWords, semantic: true })).toEqual([photo.green!.id]);
    // Words and meaning together: "red" is red.png by name and by meaning, once.
    expect((await engine.api.call('photos.list', { text: 'red', semantic: true, sort: 'relevance' })).photos.map((p) => p.id)).toEqual([photo.red!.id]);
    const a = await engine.api.call('analysis.get', { photoId: photo.blue!.id });
    expect(a.semantic?.status).toBe('completed');
    // The stand-in knows no word of the default tag vocabulary: every prompt scores 0, no tag passes.
    expect(a.semantic?.tags).toEqual([]);
    expect(a.semantic?.caption).toBeNull();
  });

  it('remote captions: off by default; once set, a rerun records the remote provider and model', async () => {
    const calls: Array<{ auth: string | undefined; model: string }> = [];
    const vision = http.createServer(async (req, res) => {
      let body = '';
      for await (const c of req) body += String(c);
      calls.push({ auth: req.headers.authorization, model: JSON.parse(body).model });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ model: 'double-vision-1', choices: [{ message: { role: 'assistant', content: 'A plain red square.' } }] }));
    });
    vision.listen(0, '127.0.0.1');
    await once(vision, 'listening');
    const saved = process.env.LIGHTBOX_VISION_KEY;
    process.env.LIGHTBOX_VISION_KEY = 'sk-engine-test';
    try {
      expect(await engine.api.call('analysis.remoteVision.get', {})).toMatchObject({ enabled: false, keySet: true });
      await expect(engine.api.call('analysis.remoteVision.set', { enabled: true })).rejects.toMatchObject({ code: 'bad-request' });
      const set = await engine.api.call('analysis.remoteVision.set', { enabled: true, baseUrl: `http://127.0.0.1:${(vision.address() as AddressInfo).port}/v1`, model: 'double-vision' });
      expect(set).toMatchObject({ enabled: true, model: 'double-vision', keySet: true });
      expect(JSON.stringify(set)).not.toContain('sk-engine-test');
      await engine.api.call('analysis.rerun', { photoIds: [photo.red!.id] });
      await engine.whenIdle();
      expect(calls).toEqual([{ auth: 'Bearer sk-engine-test', model: 'double-vision' }]);
      const a = await engine.api.call('analysis.get', { photoId: photo.red!.id });
      expect(a.semantic?.caption).toEqual({ text: 'A plain red square.', provider: 'remote', model: 'double-vision-1' });
      expect(a.runs.map((r) => r.task)).not.toContain('caption'); // stored beside, shown under semantic
    } finally {
      if (saved === undefined) delete process.env.LIGHTBOX_VISION_KEY;
      else process.env.LIGHTBOX_VISION_KEY = saved;
      vision.close();
    }
  });
});
