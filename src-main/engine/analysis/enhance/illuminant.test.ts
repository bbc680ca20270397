import { describe, expect, it } from 'vitest';
import { chromaPeak, greyEdge } from './illuminant.ts';
import type { PixelGrid } from './pixel-grid.ts';

/**
 * A scene in linear light: 60% neutral surfaces at many brightnesses, 40% a saturated red wall,
 * lit by light of channel gains `light`. `level` scales it all (1 is no block near clipping).
 */
function scene(light: [number, number, number], level = 1): PixelGrid {
  const width = 100, height = 60;
  const rgb = new Float32Array(width * height * 3);
  const lum = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = y * width + x;
      const shade = level * (0.05 + 0.5 * ((x * 7 + y * 13) % 17) / 17);
      const surface = x < 40 ? [0.6, 0.08, 0.06] : [0.5, 0.5, 0.5];
      for (let c = 0; c < 3; c++) rgb[3 * k + c] = surface[c]! * shade * light[c]!;
      lum[k] = 0.2126 * rgb[3 * k]! + 0.7152 * rgb[3 * k + 1]! + 0.0722 * rgb[3 * k + 2]!;
    }
  }
  return { width, height, rgb, lum, clippedHigh: 0, clippedLow: 0 };
}

describe('chromaPeak', () => {
  it('finds the neutral surfaces that most of the frame holds, not the red wall grey-world would lean to', () => {
    const peak = chromaPeak(scene([1, 1, 1]))!;
    expect(Math.abs(peak.u)).toBeLessThanOrEqual(0.025);
    expect(Math.abs(peak.v)).toBeLessThanOrEqual(0.025);
  });

  it('moves with a cast exactly as grey-edge does, to within a histogram bin', () => {
    const plain = { peak: chromaPeak(scene([1, 1, 1]))!, edge: greyEdge(scene([1, 1, 1]))! };
    const lit = scene([1.25, 1, 0.75]);
    const peak = chromaPeak(lit)!, edge = greyEdge(lit)!;
    expect(peak.u - plain.peak.u).toBeCloseTo(Math.log(1.25), 1);
    expect(peak.v - plain.peak.v).toBeCloseTo(Math.log(0.75), 1);
    // So their disagreement, what white-balance.ts reads as the scene's own colour, does not change with the light.
    expect(Math.hypot(peak.u - edge.u, peak.v - edge.v)).toBeCloseTo(Math.hypot(plain.peak.u - plain.edge.u, plain.peak.v - plain.edge.v), 1);
  });

  it('has no answer when every block is clipped', () => {
    expect(chromaPeak(scene([1, 1, 1], 50))).toBeNull();
  });
});
