import { describe, expect, it } from 'vitest';
import { srgb8ToP3, srgbToP3InPlace } from './srgb-to-p3.ts';

const BLUES = [0, 1, 2, 17, 64, 128, 200, 254, 255];

describe('sRGB -> Display P3 working samples', () => {
  it('8-bit input through the (red, green) tables gives the very samples of the 16-bit conversion, for every red and green pair', () => {
    const bytes = new Uint8Array(65_536 * BLUES.length * 3);
    let i = 0;
    for (const b of BLUES) {
      for (let rg = 0; rg < 65_536; rg++, i += 3) {
        bytes[i] = rg >> 8;
        bytes[i + 1] = rg & 255;
        bytes[i + 2] = b;
      }
    }
    // 8-bit v is 16-bit v * 257: the same level, so the same linear light.
    const wide = Uint16Array.from(bytes, (v) => v * 257);
    srgbToP3InPlace(wide);
    const fromBytes = srgb8ToP3(bytes);
    let differing = 0;
    for (let k = 0; k < wide.length; k++) if (fromBytes[k] !== wide[k]) differing++;
    expect(differing).toBe(0);
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
