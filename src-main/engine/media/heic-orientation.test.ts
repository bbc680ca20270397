import type { Sharp } from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus, readManifest } from '../../../test-support/corpus.ts';
import { openImage } from './decode.ts';
import { stopHeicWorker } from './heic-decoder.ts';
import { isSwapped } from './orientation.ts';

/**
 * HEIC orientation follows libvips (which MANIFEST.tsv reflects): an EXIF Orientation tag wins over
 * the HEIF irot/imir; without one the HEIF transforms apply. The Nokia file is the case that tells
 * the rules apart: irot 270° but EXIF 1, and only EXIF gives an upright photo.
 */

type Thirds = { top: number; bottom: number; left: number; right: number };

/** Mean luminance of the outer thirds of a small greyscale render. */
async function thirds(pipeline: Sharp): Promise<Thirds> {
  const { data, info } = await pipeline.resize(96, 96, { fit: 'inside' }).greyscale().raw().toBuffer({ resolveWithObject: true });
  const mean = (x0: number, x1: number, y0: number, y1: number) => {
    let sum = 0;
    let n = 0;
    for (let y = Math.floor(y0 * info.height); y < Math.floor(y1 * info.height); y++) {
      for (let x = Math.floor(x0 * info.width); x < Math.floor(x1 * info.width); x++) {
        sum += data[(y * info.width + x) * info.channels]!;
        n++;
      }
    }
    return sum / n;
  };
  return { top: mean(0, 1, 0, 1 / 3), bottom: mean(0, 1, 2 / 3, 1), left: mean(0, 1 / 3, 0, 1), right: mean(2 / 3, 1, 0, 1) };
}

/** The sky is the bright part of the Nokia photo: upright means it is at the top. */
function skyOnTop(t: Thirds): boolean {
  return t.top > t.bottom + 30 && t.top > t.left + 30 && t.top > t.right + 30;
}

describe.skipIf(!hasCorpus)('HEIC orientation (EXIF Orientation wins over irot/imir, as in libvips)', () => {
  afterAll(async () => { await stopHeicWorker(); });

  const rows = readManifest().filter((r) => r.path.startsWith('heic/'));

  it('covers every HEIC/HEIF file of the corpus', () => {
    expect(rows.map((r) => r.path)).toContain('heic/HMD_Nokia_8.3_5G.heif');
    expect(rows.length).toBeGreaterThanOrEqual(9);
  });

  it.each(rows.map((r) => [r.path, r] as const))('%s has the manifest size, swapped for orientation 5–8', async (rel, row) => {
    const img = await openImage(corpusPath(rel));
    const orientation = row.orientation ?? 1;
    expect(img.orientation).toBe(orientation);
    expect([img.width, img.height]).toEqual(isSwapped(orientation) ? [row.height, row.width] : [row.width, row.height]);
    // pipeline() must produce what width/height promise.
    const { info } = await img.pipeline().resize(64, 64, { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true });
    expect(Math.sign(info.width - info.height)).toBe(Math.sign(img.width - img.height));
  });

  it('shows the Nokia HEIF upright although its irot says 270°', async () => {
    const img = await openImage(corpusPath('heic/HMD_Nokia_8.3_5G.heif'));
    const upright = await thirds(img.pipeline());
    expect(skyOnTop(upright), JSON.stringify(upright)).toBe(true);
    // The check can tell: the irot-applied result (a quarter turn clockwise) puts the sky on the right.
    const irotApplied = await thirds(img.pipeline().rotate(90));
    expect(skyOnTop(irotApplied), JSON.stringify(irotApplied)).toBe(false);
    expect(irotApplied.right).toBeGreaterThan(irotApplied.top + 30);
  });
});
