import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { openImage } from './decode.ts';
import { makeDerivatives, makePreview, previewAtIngest } from './derivatives.ts';
import { meanColour } from './test-helpers.ts';

type Matrix = [[number, number, number], [number, number, number], [number, number, number]];

/** Linear-light RGB -> linear sRGB (both D65), from the published primaries. */
const P3_TO_SRGB: Matrix = [[1.2249, -0.2247, 0], [-0.0420, 1.0419, 0], [-0.0197, -0.0786, 1.0983]];
const ADOBE_TO_SRGB: Matrix = [[1.3982, -0.3982, 0], [0, 1, 0], [0, -0.0429, 1.0429]];

const srgbDecode = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
const srgbEncode = (v: number) => (v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055);
const adobeDecode = (v: number) => v ** 2.19921875;

/** Reference conversion in plain JS, independent of libvips/lcms: mean sRGB colour of the source. */
async function referenceMean(file: string, decode: (v: number) => number, m: Matrix): Promise<[number, number, number]> {
  const { data, info } = await sharp(file, { ignoreIcc: true }).resize(16, 16, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const sum = [0, 0, 0];
  for (let i = 0; i < data.length; i += info.channels) {
    const lin = [0, 1, 2].map((c) => decode(data[i + c]! / 255));
    for (let c = 0; c < 3; c++) {
      const row = m[c]!;
      const v = row[0] * lin[0]! + row[1] * lin[1]! + row[2] * lin[2]!;
      sum[c]! += 255 * srgbEncode(Math.min(1, Math.max(0, v)));
    }
  }
  const n = data.length / info.channels;
  return [sum[0]! / n, sum[1]! / n, sum[2]! / n];
}

describe.skipIf(!hasCorpus)('makeDerivatives', () => {
  let dir = '';
  beforeAll(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-deriv-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  const outFor = (name: string) => ({ thumbPath: path.join(dir, `${name}.thumb.jpg`), previewPath: path.join(dir, `${name}.preview.jpg`) });

  it.each([
    ['Display P3 PNG', 'other/png/p3.png', srgbDecode, P3_TO_SRGB],
    ['Adobe RGB JPEG', 'content/skimage/rocket.jpg', adobeDecode, ADOBE_TO_SRGB],
    ['Adobe RGB camera JPEG', 'jpeg/camera/Canon_EOS_7D.jpg', adobeDecode, ADOBE_TO_SRGB],
  ] as const)('%s becomes sRGB matching a reference conversion', async (name, rel, decode, matrix) => {
    const out = outFor(name.replaceAll(' ', '_'));
    await makeDerivatives(await openImage(corpusPath(rel)), out);
    const ours = await meanColour(out.thumbPath);
    const reference = await referenceMean(corpusPath(rel), decode, matrix);
    const untouched = await meanColour(sharp(corpusPath(rel), { ignoreIcc: true }));
    const distance = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    expect(distance(ours, reference), `ours ${ours.map(Math.round)} vs reference ${reference.map(Math.round)}`).toBeLessThan(4);
    // The test can fail: skipping the conversion would be clearly further away.
    expect(distance(untouched, reference)).toBeGreaterThan(distance(ours, reference) + 2);
    // No profile embedded: the pixels are sRGB.
    expect((await sharp(out.thumbPath).metadata()).icc).toBeUndefined();
  });

  it('sizes: long edge 256 / 2048, never upscaled, orientation applied', async () => {
    const big = await makeDerivatives(await openImage(corpusPath('jpeg/camera/Leica_T_Typ_701.jpg')), outFor('leica'));
    // 4928x3264 with Orientation 8 -> portrait 3264x4928.
    expect(big.preview).toMatchObject({ width: 1356, height: 2048 });
    expect(big.thumb).toMatchObject({ width: 170, height: 256 });
    expect(big.thumb.bytes).toBeGreaterThan(1000);
    const small = await makeDerivatives(await openImage(corpusPath('jpeg/wikimedia-scaled/Canon_40D.jpg')), outFor('small'));
    expect(small.preview).toMatchObject({ width: 100, height: 68 });
    expect(small.thumb).toMatchObject({ width: 100, height: 68 });
    const custom = await makeDerivatives(await openImage(corpusPath('content/skimage/coffee.png')), outFor('custom'), { thumbSize: 64, previewSize: 300 });
    expect(custom.thumb).toMatchObject({ width: 64, height: 43 });
    expect(custom.preview).toMatchObject({ width: 300, height: 200 });
  });

  it('transparent areas become white, not black', async () => {
    const out = outFor('alpha');
    await makeDerivatives(await openImage(corpusPath('other/png/tbgn2c16.png')), out);
    const { data } = await sharp(out.thumbPath).raw().toBuffer({ resolveWithObject: true });
    // The fixture's corners are fully transparent.
    expect(Math.min(data[0]!, data[1]!, data[2]!)).toBeGreaterThan(240);
  });

  it('writes atomically: no temp files remain, an existing file is replaced whole', async () => {
    const out = outFor('atomic');
    const img = await openImage(corpusPath('content/skimage/chelsea.png'));
    await makeDerivatives(img, out);
    const second = await makeDerivatives(img, out, { thumbSize: 128 });
    expect((await sharp(out.thumbPath).metadata()).width).toBe(second.thumb.width);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a write into a missing folder fails with store-failed and leaves nothing behind', async () => {
    const img = await openImage(corpusPath('content/skimage/coffee.png'));
    const missing = path.join(dir, 'no-such-folder');
    const error = await makeDerivatives(img, { thumbPath: path.join(missing, 't.jpg'), previewPath: path.join(missing, 'p.jpg') }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('store-failed');
  });

  it('makes only the thumbnail without a preview path, oriented like the preview made later', async () => {
    const dirs = { thumbPath: path.join(dir, 'only.thumb.jpg') };
    const img = await openImage(corpusPath('jpeg/orientation/Portrait_6.jpg'), { verify: false });
    const made = await makeDerivatives(img, dirs);
    expect(made.preview).toBeNull();
    expect(await readdir(dir)).not.toContain('only.preview.jpg');
    const previewPath = path.join(dir, 'only.preview.jpg');
    const preview = await makePreview(img, previewPath);
    const [thumbMeta, previewMeta] = await Promise.all([sharp(dirs.thumbPath).metadata(), sharp(previewPath).metadata()]);
    // Same aspect (portrait after orientation 6) in both.
    expect(thumbMeta.height).toBeGreaterThan(thumbMeta.width);
    expect(preview.height).toBe(previewMeta.height);
    expect(Math.abs(thumbMeta.width / thumbMeta.height - preview.width / preview.height)).toBeLessThan(0.01);
  });

  it('reports a JPEG cut mid-scan as truncated from the thumbnail decode when opened unverified', async () => {
    const img = await openImage(corpusPath('bad/truncated-iphone5-halfway.jpg'), { verify: false });
    const error = await makeDerivatives(img, { thumbPath: path.join(dir, 'cut.thumb.jpg') }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('truncated');
    expect((error as Error).message).toMatch(/truncated-iphone5-halfway\.jpg|ends after/);
  });

  it('makes the preview at ingest only for formats without a cheap reduced decode', () => {
    expect(previewAtIngest('jpeg')).toBe(false);
    expect(previewAtIngest('nef')).toBe(false);
    expect(previewAtIngest('webp')).toBe(false);
    expect(previewAtIngest('heic')).toBe(true);
    expect(previewAtIngest('png')).toBe(true);
    expect(previewAtIngest('avif')).toBe(true);
  });
});
