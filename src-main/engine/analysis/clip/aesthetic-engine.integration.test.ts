import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Photo } from '../../../contract/index.ts';
import { tempDir } from '../../../../test-support/temp-dir.ts';
import { createEngine } from '../../engine.ts';
import { requireWeights } from '../test-weights.ts';
import { linearHeadOnnx } from './aesthetic-head.ts';
import { buildStandInClip, STAND_IN_SPEC } from './stand-in-clip.ts';

type Engine = Awaited<ReturnType<typeof createEngine>>;

const COLOURS: Record<string, [number, number, number]> = { red: [220, 30, 30], blue: [30, 30, 220] };
/** The stand-in head: LAION's names and shapes (image_embeds [1,512] -> score [1,1]), weights the test knows. */
const W = Float32Array.from({ length: 512 }, (_, i) => (i === 0 ? 3 : i === 1 ? -2 : i === 2 ? 1 : 0.01));
const BIAS = 5;

/** The stand-in CLIP's image embedding of a solid colour: CLIP-normalised channel means, L2-normalised. */
function standInEmbedding([r, g, b]: [number, number, number]): number[] {
  const { mean, std } = STAND_IN_SPEC.image;
  const v = [r, g, b].map((x, c) => (x / 255 - mean[c]!) / std[c]!);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/**
 * The real engine with a stand-in CLIP and a stand-in aesthetic head served over loopback:
 * without the head, quality has no aesthetic score and nothing fails; once the head is installed,
 * every photo gains quality.aesthetic = head(stored embedding), without another CLIP pass.
 */
describe('aesthetic score through the engine (stand-in CLIP + stand-in head)', () => {
  let library: Awaited<ReturnType<typeof tempDir>>;
  let inbox: Awaited<ReturnType<typeof tempDir>>;
  let models: Awaited<ReturnType<typeof tempDir>>;
  let server: http.Server;
  let engine: Engine;
  const photo: Record<string, Photo> = {};

  beforeAll(async () => {
    await requireWeights('blazeface-back-256');
    [library, inbox, models] = await Promise.all([tempDir(), tempDir(), tempDir()]);
    const files: Record<string, Buffer> = { ...buildStandInClip().files, 'head.onnx': linearHeadOnnx({ input: 'image_embeds', output: 'score', dim: 512 }, W, BIAS) };
    server = http.createServer((req, res) => {
      const body = files[path.basename(req.url!)];
      if (!body) res.writeHead(404).end();
      else res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const listed = (names: string[]) => names.map((name) => ({ name, url: `${base}/${name}`, bytes: files[name]!.length, sha256: createHash('sha256').update(files[name]!).digest('hex') }));
    const common = { licence: 'MIT', licenceUrl: 'https://example.org/L', home: 'https://example.org/' };
    const clip = { id: 'clip-vit-b32', version: 'stand-in-1', task: 'embedding', title: 'Stand-in CLIP', ...common, files: listed(Object.keys(buildStandInClip().files)), clip: STAND_IN_SPEC };
    const head = {
      id: 'laion-aesthetic-vit-b32', version: 'stand-in-head-1', task: 'aesthetic', title: 'Stand-in aesthetic head', ...common, files: listed(['head.onnx']),
      aesthetic: { head: 'head.onnx', format: 'onnx', input: 'image_embeds', output: 'score', dim: 512, embeddingModel: 'clip-vit-b32' },
    };
    await writeFile(path.join(models.path, 'manifest.json'), JSON.stringify({ schema: 1, models: [], downloads: [clip, head] }));
    for (const [name, [r, g, b]] of Object.entries(COLOURS)) {
      await sharp({ create: { width: 320, height: 240, channels: 3, background: { r, g, b } } }).png().toFile(path.join(inbox.path, `${name}.png`));
    }
    engine = await createEngine({ libraryDir: library.path, watchFolders: false, tuning: { analysis: { subject: false }, models: { dir: models.path } } });
    expect((await engine.processOnce([inbox.path])).ingested).toBe(2);
    for (const p of (await engine.api.call('photos.list', { limit: 10 })).photos) photo[path.basename(p.fileName, '.png')] = p;
  }, 120_000);

  afterAll(async () => {
    await engine?.close();
    server?.close();
    await Promise.all([library?.cleanup(), inbox?.cleanup(), models?.cleanup()]);
  });

  it('without the head (CLIP installed): quality has no aesthetic score and nothing failed', async () => {
    await engine.api.call('models.download', { id: 'clip-vit-b32' });
    await engine.whenIdle();
    const a = await engine.api.call('analysis.get', { photoId: photo.red!.id });
    expect(a.semantic?.status).toBe('completed');
    expect(a.quality).not.toBeNull();
    expect('aesthetic' in a.quality!).toBe(false);
    expect(a.runs.filter((r) => r.status === 'failed')).toEqual([]);
    expect(a.runs.map((r) => r.task)).not.toContain('aesthetic');
  });

  it('with the head installed: quality.aesthetic is the head applied to the stored embedding', async () => {
    const info = await engine.api.call('models.download', { id: 'laion-aesthetic-vit-b32' });
    expect(info.state).toBe('installed');
    await engine.whenIdle();
    for (const [name, rgb] of Object.entries(COLOURS)) {
      const a = await engine.api.call('analysis.get', { photoId: photo[name]!.id });
      const v = standInEmbedding(rgb);
      const expected = BIAS + v[0]! * W[0]! + v[1]! * W[1]! + v[2]! * W[2]!;
      expect(a.quality!.aesthetic, name).toBeCloseTo(expected, 3);
      expect(a.runs.find((r) => r.task === 'aesthetic')).toMatchObject({ model: 'laion-aesthetic-vit-b32', version: 'stand-in-head-1', status: 'completed' });
    }
    // red and blue differ on the axes the head weighs: the scores are not a constant.
    const [red, blue] = await Promise.all([photo.red!, photo.blue!].map((p) => engine.api.call('analysis.get', { photoId: p.id })));
    expect(Math.abs(red!.quality!.aesthetic! - blue!.quality!.aesthetic!)).toBeGreaterThan(0.5);
  });
});
