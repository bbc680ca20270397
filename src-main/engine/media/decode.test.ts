import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus, readManifest } from '../../../test-support/corpus.ts';
import { openImage } from './decode.ts';
import { makeDerivatives } from './derivatives.ts';
import { iccDescription } from './icc.ts';
import { stopHeicWorker } from './heic-decoder.ts';
import { fingerprint, meanAbsDiff } from './test-helpers.ts';

/**
 * Files libvips reads per the manifest but our bundled sharp cannot, or where the manifest's
 * stored size is not the display size, with the reason.
 */
const EXCEPTIONS: Record<string, string> = {
  // The prebuilt libvips has no libjxl: recognised and refused with 'unsupported-format' (bad-files test).
  'other/jxl/test_0001.jxl': 'unsupported-format',
};

/**
 * HEIC display size: with an EXIF Orientation tag that tag decides and irot/imir are ignored (as
 * libvips does); without one libheif applies irot/imir. See heic-orientation.test.ts.
 */
const HEIC_DISPLAY: Record<string, [number, number]> = {
  'heic/iphone_IMG_5195.HEIC': [2566, 3313],
  'heic/iphone_13_pro_max.HEIC': [3024, 4032], // stored 4032x3024 + EXIF 6 (its irot agrees)
  'heic/HMD_Nokia_8.3_5G.heif': [4608, 3456], // EXIF 1 wins over its irot 270 (which would turn it sideways)
  'heic/mei_IMG_2927.HEIC': [3024, 4032],
  'heic/mei_DCI-P3.heic': [1848, 4000], // stored 4000x1848, no irot, EXIF 6
  'heic/exif-at-eof.heic': [3024, 4032],
  'heic/exifr-heic-collection.heic': [1440, 960],
  'heic/image-sequence-msf1.heic': [256, 144], // first frame of the msf1 track, decoded by libheif-js
  'heic/Stonehenge_NikonD5300.heic': [300, 200],
};

describe.skipIf(!hasCorpus)('openImage on the corpus', () => {
  let dir = '';
  beforeAll(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-decode-')); });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await stopHeicWorker();
  });

  const rows = readManifest().filter((r) => /^(jpeg|other|content)\//.test(r.path) && r.vipsHeader === 'ok' && !EXCEPTIONS[r.path]);

  it('covers a meaningful part of the corpus', () => {
    expect(rows.length).toBeGreaterThan(120);
  });

  it.each(rows.map((r) => [r.path, r] as const))('%s opens with oriented dimensions and thumbnails', async (rel, row) => {
    const img = await openImage(corpusPath(rel));
    const swap = row.orientation !== null && row.orientation >= 5;
    // sharp does not apply EXIF orientation inside AVIF (libheif's irot is already applied).
    expect([img.width, img.height]).toEqual(swap && img.format !== 'avif' ? [row.height, row.width] : [row.width, row.height]);
    const base = path.join(dir, rel.replaceAll('/', '_'));
    const out = await makeDerivatives(img, { thumbPath: `${base}.thumb.jpg`, previewPath: `${base}.preview.jpg` });
    expect(Math.max(out.thumb.width, out.thumb.height)).toBe(Math.min(256, Math.max(img.width, img.height)));
    // Aspect ratio survives orientation (within rounding).
    expect(Math.abs(out.thumb.width / out.thumb.height - img.width / img.height)).toBeLessThan(0.1 * Math.max(1, img.width / img.height));
    const meta = await sharp(`${base}.thumb.jpg`).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([out.thumb.width, out.thumb.height, 'jpeg']);
  });

  it.each(Object.entries(HEIC_DISPLAY))('%s decodes through libheif with display size %j', async (rel, [w, h]) => {
    const img = await openImage(corpusPath(rel));
    expect(img.format).toBe('heic');
    expect([img.width, img.height]).toEqual([w, h]);
    const base = path.join(dir, rel.replaceAll('/', '_'));
    const out = await makeDerivatives(img, { thumbPath: `${base}.thumb.jpg`, previewPath: `${base}.preview.jpg` });
    expect(Math.max(out.thumb.width, out.thumb.height)).toBe(256);
    // A decode that silently failed would be flat grey.
    const stats = await sharp(`${base}.thumb.jpg`).stats();
    expect(Math.max(...stats.channels.map((c) => c.stdev))).toBeGreaterThan(5);
  });

  it('reports HEIC collections and sequences with a warning', async () => {
    expect((await openImage(corpusPath('heic/exifr-heic-collection.heic'))).warnings.map((w) => w.code)).toEqual(['multi-image-first']);
    expect((await openImage(corpusPath('heic/image-sequence-msf1.heic'))).warnings.map((w) => w.code)).toEqual(['animated-first-frame']);
  });

  it('keeps the Display P3 profile of an iPhone HEIC on the pipeline', async () => {
    const img = await openImage(corpusPath('heic/iphone_IMG_5195.HEIC'));
    const meta = await img.pipeline().metadata();
    expect(meta.icc?.length).toBe(548);
    expect(iccDescription(meta.icc!)).toBe('Display P3');
  });

  it('rotates an iPhone HEIC (EXIF 6, its irot agrees) to portrait exactly once', async () => {
    // The same scene as a JPEG does not exist, so check the pixels against libheif's own size
    // and that pipeline() output matches the reported display size.
    const img = await openImage(corpusPath('heic/iphone_13_pro_max.HEIC'));
    const { info } = await img.pipeline().resize(100).raw().toBuffer({ resolveWithObject: true });
    expect(info.height).toBe(Math.round((100 * 4032) / 3024));
  });

  it('gives animated images their first frame with a warning', async () => {
    for (const rel of ['other/gif/cogs.gif', 'other/webp/animation_lossy.webp', 'bad/big-height.webp']) {
      const img = await openImage(corpusPath(rel));
      expect(img.warnings.map((w) => w.code)).toContain('animated-first-frame');
    }
    const big = await openImage(corpusPath('bad/big-height.webp'));
    expect([big.width, big.height]).toEqual([13, 169]);
  });

  it('converts CMYK, CIELAB and 16-bit input to 8-bit sRGB derivatives', async () => {
    for (const rel of ['jpeg/colorspace/CMYK_with_profile.jpg', 'other/tiff/cielab-16bit.tiff', 'other/tiff/chessboard_GRAY_U16.tif', 'other/png/tbgn2c16.png']) {
      const img = await openImage(corpusPath(rel));
      const base = path.join(dir, `conv-${path.basename(rel)}`);
      await makeDerivatives(img, { thumbPath: `${base}.t.jpg`, previewPath: `${base}.p.jpg` });
      const meta = await sharp(`${base}.t.jpg`).metadata();
      expect(meta.space).toMatch(/srgb|b-w/);
      expect(meta.depth).toBe('uchar');
      expect(meta.channels === 3 || meta.channels === 1).toBe(true);
    }
    // CMYK decoded without conversion would come out as a colour negative: check it is a plausible photo.
    const cmyk = await sharp(`${path.join(dir, 'conv-CMYK_with_profile.jpg')}.t.jpg`).stats();
    const mean = cmyk.channels.slice(0, 3).reduce((s, c) => s + c.mean, 0) / 3;
    expect(mean).toBeGreaterThan(40);
    expect(mean).toBeLessThan(215);
  });
});

describe.skipIf(!hasCorpus)('orientation', () => {
  it('f1t..f8t all look like f1t once oriented', async () => {
    const reference = await fingerprint((await openImage(corpusPath('jpeg/orientation/tiny/f1t.jpg'))).pipeline());
    for (let o = 1; o <= 8; o++) {
      const img = await openImage(corpusPath(`jpeg/orientation/tiny/f${o}t.jpg`));
      expect(img.orientation).toBe(o);
      expect([img.width, img.height]).toEqual([48, 80]);
      const diff = meanAbsDiff(await fingerprint(img.pipeline()), reference);
      expect(diff, `f${o}t differs from f1t by ${diff.toFixed(1)}`).toBeLessThan(12);
    }
  });

  it.each(['Landscape', 'Portrait'])('%s_0..8 all look like %s_1 once oriented', async (kind) => {
    const reference = await fingerprint((await openImage(corpusPath(`jpeg/orientation/${kind}_1.jpg`))).pipeline());
    // A wrong orientation must be detectable: the mirrored image differs clearly.
    const mirrored = await fingerprint((await openImage(corpusPath(`jpeg/orientation/${kind}_1.jpg`))).pipeline().flop());
    expect(meanAbsDiff(mirrored, reference)).toBeGreaterThan(20);
    for (let o = 0; o <= 8; o++) {
      const img = await openImage(corpusPath(`jpeg/orientation/${kind}_${o}.jpg`));
      const diff = meanAbsDiff(await fingerprint(img.pipeline()), reference);
      expect(diff, `${kind}_${o} differs by ${diff.toFixed(1)}`).toBeLessThan(8);
    }
  });

  it.each(['Landscape', 'Portrait'])('%s_1..8 through fitInside: the oriented picture, fitted in display orientation', async (kind) => {
    const reference = await fingerprint((await openImage(corpusPath(`jpeg/orientation/${kind}_1.jpg`))).pipeline());
    for (let o = 1; o <= 8; o++) {
      const img = await openImage(corpusPath(`jpeg/orientation/${kind}_${o}.jpg`));
      const { data, info } = await img.fitInside(120, 60).png().toBuffer({ resolveWithObject: true });
      // Fitted in the display box: the limiting side reaches it, the aspect is the displayed one.
      expect(info.width <= 120 && info.height <= 60 && (info.width === 120 || info.height === 60), `${kind}_${o}: ${info.width}x${info.height}`).toBe(true);
      expect(info.width / info.height).toBeCloseTo(img.width / img.height, 1);
      const diff = meanAbsDiff(await fingerprint(sharp(data)), reference);
      expect(diff, `${kind}_${o} differs by ${diff.toFixed(1)}`).toBeLessThan(8);
    }
  });
});
