import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelManager } from '../models/model-manager.ts';
import { OnnxPool } from '../onnx-pool.ts';
import type { RgbImage } from '../rgb-image.ts';
import { ClipModel } from './clip-model.ts';
import { clipImageTensor } from './clip-preprocess.ts';
import { rankByCosine, zeroShotTags } from './clip-search.ts';
import { ClipTokenizer, END, parseMerges, START } from './clip-tokenizer.ts';
import { buildStandInClip, STAND_IN_DIM, STAND_IN_SPEC } from './stand-in-clip.ts';
import { hostStandInClip, type StandInHost } from './stand-in-host.ts';

const standIn = buildStandInClip();
const V = standIn.vocab;

function solid(r: number, g: number, b: number, width = 320, height = 240): RgbImage {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set([r, g, b], i * 3);
  return { data, width, height };
}

/** What the stand-in must return for a uniform image, computed here from CLIP's normalisation. */
function expectedImage(rgb: [number, number, number]): number[] {
  const v = rgb.map((x, c) => (x / 255 - STAND_IN_SPEC.image.mean[c]!) / STAND_IN_SPEC.image.std[c]!);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

describe('CLIP tokenizer', () => {
  const tok = new ClipTokenizer(V, parseMerges(standIn.files['merges.txt']!.toString()), { contextLength: 77 });

  it('splits, lower-cases and merges words with the model files, framed by start/end and padded to 77', () => {
    const ids = tok.encode('  A photo of a   RED dog ');
    expect(ids).toBeInstanceOf(BigInt64Array);
    expect(ids.length).toBe(77);
    const want = [START, 'a</w>', 'photo</w>', 'of</w>', 'a</w>', 'red</w>', 'dog</w>', END].map((t) => BigInt(V[t]!));
    expect(Array.from(ids.slice(0, 8))).toEqual(want);
    expect(ids.slice(8).every((x) => x === 0n)).toBe(true);
  });

  it('leaves unmerged letters as letters, and cuts long text to keep <|endoftext|> last', () => {
    expect(tok.ids('rod')).toEqual([V['r']!, V['o']!, V['d</w>']!]);
    const long = tok.encode(Array(100).fill('red').join(' '));
    expect(long[75]).toBe(BigInt(V['red</w>']!));
    expect(long[76]).toBe(BigInt(V[END]!));
  });

  it('refuses a malformed merges file', () => {
    expect(() => parseMerges('#version: 0.2\na b c\n')).toThrow(/malformed/);
  });
});

describe('CLIP preprocessing', () => {
  it('resizes the short side to 224 and centre-crops, NCHW, normalised per channel', async () => {
    // 400x200: left half red, right half blue; after 448x224 the centre crop keeps x 112..335.
    const img = solid(255, 0, 0, 400, 200);
    for (let y = 0; y < 200; y++) for (let x = 200; x < 400; x++) img.data.set([0, 0, 255], (y * 400 + x) * 3);
    const t = await clipImageTensor(img, STAND_IN_SPEC.image);
    expect(t.length).toBe(3 * 224 * 224);
    const at = (c: number, x: number, y: number) => t[c * 224 * 224 + y * 224 + x]!;
    const { mean, std } = STAND_IN_SPEC.image;
    expect(at(0, 5, 100)).toBeCloseTo((1 - mean[0]) / std[0], 4);
    expect(at(2, 5, 100)).toBeCloseTo((0 - mean[2]) / std[2], 4);
    expect(at(0, 218, 100)).toBeCloseTo((0 - mean[0]) / std[0], 4);
    expect(at(2, 218, 100)).toBeCloseTo((1 - mean[2]) / std[2], 4);
  });
});

describe('CLIP on a stand-in model installed through the model manager', () => {
  let host: StandInHost | undefined;
  let dir: string;
  let pool: OnnxPool;
  let clip: ClipModel;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-clip-'));
    host = await hostStandInClip(standIn, dir, { id: 'clip-stand-in', version: '1' });
    const manager = new ModelManager({ modelsDir: dir });
    pool = new OnnxPool({ modelsDir: dir });
    await expect(ClipModel.open(manager, 'clip-stand-in', pool)).rejects.toMatchObject({ code: 'not-installed' });
    await manager.download('clip-stand-in');
    clip = await ClipModel.open(manager, 'clip-stand-in', pool);
  });

  afterAll(async () => {
    await pool?.close();
    await host?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('image embeddings are [512], unit length, and equal the graph applied to the normalised pixels', async () => {
    const v = await clip.encodeImage(solid(200, 40, 90));
    expect(v.length).toBe(STAND_IN_DIM);
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    const want = expectedImage([200, 40, 90]);
    for (let c = 0; c < 3; c++) expect(v[c]).toBeCloseTo(want[c]!, 4);
    expect(v.slice(3).every((x) => x === 0)).toBe(true);
  });

  it('text embeddings are [512], unit length, the mean of the gathered token rows', async () => {
    const red = await clip.encodeText('red');
    expect(red.length).toBe(STAND_IN_DIM);
    expect(red[0]).toBeCloseTo(1, 6);
    const v = await clip.encodeText('a photo of a red dog');
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    const sum = new Float32Array(STAND_IN_DIM);
    for (const t of ['a</w>', 'photo</w>', 'of</w>', 'a</w>', 'red</w>', 'dog</w>']) for (let d = 0; d < STAND_IN_DIM; d++) sum[d]! += standIn.table[V[t]! * STAND_IN_DIM + d]!;
    const n = Math.hypot(...sum);
    for (let d = 0; d < STAND_IN_DIM; d++) expect(v[d]).toBeCloseTo(sum[d]! / n, 5);
  });

  it('search ranks photos by cosine with the text', async () => {
    const photos: Array<[string, [number, number, number]]> = [['grey', [128, 128, 128]], ['blue', [30, 30, 220]], ['red', [220, 30, 30]], ['green', [30, 220, 30]]];
    const items = await Promise.all(photos.map(async ([name, c]) => ({ item: name, embedding: await clip.encodeImage(solid(...c)) })));
    const red = rankByCosine(await clip.encodeText('red'), items);
    // Cosine with "red" (the first axis) is the normalised red channel: 0.65, 0.20, -0.54, -0.59.
    expect(red.map((r) => r.item)).toEqual(['red', 'grey', 'blue', 'green']);
    for (const r of red) expect(r.score).toBeCloseTo(expectedImage(photos.find(([n]) => n === r.item)![1])[0]!, 4);
    // Mid grey leans blue after CLIP's normalisation (blue has the lowest mean): 0.88 against 0.65.
    const blue = rankByCosine(await clip.encodeText('blue'), items, { limit: 2 });
    expect(blue.map((r) => r.item)).toEqual(['grey', 'blue']);
    expect(blue[0]!.score).toBeCloseTo(expectedImage([128, 128, 128])[2]!, 4);
    // Grey scores 0.44 on the green axis, the green photo 0.67: the threshold keeps one.
    expect(rankByCosine(await clip.encodeText('a photo of green'), items, { minScore: 0.5 }).map((r) => r.item)).toEqual(['green']);
  });

  it('zero-shot tags pick the label whose prompt is closest', async () => {
    const labels = ['red', 'green', 'blue'];
    const prompts = await Promise.all(labels.map(async (label) => ({ label, embedding: await clip.encodeText(`a photo of a ${label}`) })));
    const tags = zeroShotTags(await clip.encodeImage(solid(40, 60, 230)), prompts, { logitScale: 100 });
    expect(tags[0]!.label).toBe('blue');
    expect(tags[0]!.probability).toBeGreaterThan(0.99);
  });
});
