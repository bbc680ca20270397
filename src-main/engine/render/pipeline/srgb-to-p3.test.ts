import { describe, expect, it } from 'vitest';
import { srgbHighToP3InPlace, srgbToP3InPlace } from './srgb-to-p3.ts';
import { applyTables } from './tone.ts';

const BLUES = [0, 1, 2, 17, 64, 128, 200, 254, 255];

/** 8-bit levels as sharp's 16-bit read carries them: in the high byte. */
const high = (bytes: Uint8Array) => Uint16Array.from(bytes, (v) => v << 8);

function srgb8ToP3(bytes: Uint8Array): Uint16Array {
  const px = high(bytes);
  srgbHighToP3InPlace(px);
  return px;
}

function everyPair(): Uint8Array {
  const bytes = new Uint8Array(65_536 * BLUES.length * 3);
  let i = 0;
  for (const b of BLUES) {
    for (let rg = 0; rg < 65_536; rg++, i += 3) {
      bytes[i] = rg >> 8;
      bytes[i + 1] = rg & 255;
      bytes[i + 2] = b;
    }
  }
  return bytes;
}

/** A made-up curve table: any mapping of 16-bit levels will do. */
const table = (k: number) => Uint16Array.from({ length: 65_536 }, (_, v) => Math.min(65_535, Math.round(v * k + (v % 7) * 3)));

describe('sRGB -> Display P3 working samples', () => {
  it('curve tables looked up during the conversion give the samples of applying them afterwards (one for all channels, or one each)', () => {
    const bytes = everyPair();
    for (const tables of [[table(0.8)], [table(0.7), table(0.9), table(1.1)]]) {
      const after = srgb8ToP3(bytes);
      applyTables(tables, after);
      const during = high(bytes);
      srgbHighToP3InPlace(during, tables);
      expect(Buffer.from(during.buffer).equals(Buffer.from(after.buffer))).toBe(true);
    }
  });

  it('8-bit input through the (red, green) tables gives the very samples of the 16-bit conversion, for every red and green pair', () => {
    const bytes = everyPair();
    // 8-bit v is 16-bit v * 257: the same level, so the same linear light.
    const wide = Uint16Array.from(bytes, (v) => v * 257);
    srgbToP3InPlace(wide);
    const fromBytes = srgb8ToP3(bytes);
    let differing = 0;
    for (let k = 0; k < wide.length; k++) if (fromBytes[k] !== wide[k]) differing++;
    expect(differing).toBe(0);
  });

  it('reads the level from the high byte alone, whatever the low byte holds (sharp fills it unevenly)', () => {
    const bytes = everyPair();
    const clean = srgb8ToP3(bytes);
    const filled = Uint16Array.from(bytes, (v, i) => (v << 8) | ((i * 37) & 0xff));
    srgbHighToP3InPlace(filled);
    expect(Buffer.from(filled.buffer).equals(Buffer.from(clean.buffer))).toBe(true);
  });

  it('keeps white white and black black, and moves a saturated sRGB red inside P3', () => {
    expect([...srgb8ToP3(new Uint8Array([255, 255, 255, 0, 0, 0]))]).toEqual([65_535, 65_535, 65_535, 0, 0, 0]);
    const [r, g, b] = srgb8ToP3(new Uint8Array([255, 0, 0]));
    // sRGB's red primary lies inside P3's gamut: less red, some green and blue in P3 terms.
    expect(r).toBeLessThan(65_535);
    expect(g).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
  });
});
