import { describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { assessQuality, qualityFromGrey } from './quality.ts';

const DEGRADED = ['blur', 'motionblur', 'underexposed', 'overexposed', 'jpegq4'] as const;

describe.skipIf(!hasCorpus)('assessQuality on the corpus quality ladders', () => {
  for (const photo of ['coffee', 'chelsea']) {
    it(`ranks ${photo}_good above every degraded copy`, async () => {
      const good = await assessQuality(corpusPath(`content/quality/derived/${photo}_good.jpg`));
      expect(good.flags).toEqual([]);
      expect(good.score).toBeGreaterThan(0.8);
      for (const kind of DEGRADED) {
        const q = await assessQuality(corpusPath(`content/quality/derived/${photo}_${kind}.jpg`));
        expect({ kind, lower: q.score < good.score - 0.05 }).toEqual({ kind, lower: true });
      }
    });

    it(`flags ${photo}'s blur, under- and overexposure`, async () => {
      const flags = async (kind: string) => (await assessQuality(corpusPath(`content/quality/derived/${photo}_${kind}.jpg`))).flags;
      expect(await flags('blur')).toContain('blurry');
      expect(await flags('motionblur')).toContain('blurry');
      expect(await flags('underexposed')).toContain('underexposed');
      expect(await flags('overexposed')).toContain('overexposed');
      expect(await flags('overexposed')).not.toContain('blurry');
      expect(await flags('jpegq4')).not.toContain('overexposed');
    });
  }

  it('flags real motion blur (clock_motion.png)', async () => {
    const q = await assessQuality(corpusPath('content/skimage/clock_motion.png'));
    expect(q.flags).toContain('blurry');
    expect(q.flags).not.toContain('overexposed');
  });

  it('scores the low-contrast saw below the original, with lower contrast', async () => {
    const original = await assessQuality(corpusPath('content/quality/saw-original.jpg'));
    const flat = await assessQuality(corpusPath('content/quality/saw-low-contrast.jpg'));
    expect(flat.score).toBeLessThan(original.score);
    expect(flat.contrast).toBeLessThan(original.contrast - 0.2);
    // The 2725 px original is measured on a 720 px preview.
    expect([original.stats.width, original.stats.height]).toEqual([720, 588]);
  });

  it('does not call a night concert or a sharp portrait blurry or overexposed', async () => {
    for (const rel of ['content/people/concert.jpg', 'content/people/fr-obama.jpg', 'content/skimage/astronaut.png']) {
      const q = await assessQuality(corpusPath(rel));
      expect({ rel, flags: q.flags }).toEqual({ rel, flags: [] });
    }
  });
});

describe('qualityFromGrey on synthetic images', () => {
  const W = 64;
  const H = 48;
  const image = (f: (x: number, y: number) => number) => {
    const L = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) L[y * W + x] = Math.max(0, Math.min(255, Math.round(f(x, y))));
    return L;
  };

  it('a flat grey frame is blurry and low-contrast with zero noise', () => {
    const q = qualityFromGrey(image(() => 128), W, H);
    expect(q.flags).toEqual(['blurry', 'low-contrast']);
    expect(q.sharpness).toBe(0);
    expect(q.noise).toBe(0);
    expect(q.stats.p5).toBe(128);
  });

  it('a checkerboard is sharp; the same board at a quarter brightness is underexposed', () => {
    const board = (x: number, y: number) => ((x >> 2) + (y >> 2)) % 2;
    const bright = qualityFromGrey(image((x, y) => 40 + 170 * board(x, y)), W, H);
    const dark = qualityFromGrey(image((x, y) => 10 + 42 * board(x, y)), W, H);
    expect(bright.flags).toEqual([]);
    expect(bright.sharpness).toBe(1);
    expect(dark.flags).toContain('underexposed');
    expect(dark.score).toBeLessThan(bright.score);
  });

  it('a frame that is 30% pure white is overexposed', () => {
    const q = qualityFromGrey(image((x, y) => (x < W * 0.3 ? 255 : 60 + ((x * 7 + y * 13) % 120))), W, H);
    expect(q.flags).toContain('overexposed');
    expect(q.stats.clippedHigh).toBeCloseTo(0.3125, 3); // 20 of 64 columns
  });

  it('a 1x1 or 2x2 image gets its tones judged and no detail reading (it failed the whole analysis)', () => {
    for (const size of [1, 2]) {
      const q = qualityFromGrey(new Uint8Array(size * size).fill(30), size, size);
      expect(q.flags).toEqual(['underexposed', 'low-contrast']);
      expect(q.sharpness).toBe(0);
      expect(q.noise).toBe(0);
    }
    expect(() => qualityFromGrey(new Uint8Array(3), 2, 2)).toThrow(/expected 2x2 grey samples, got 3/);
  });
});
