import { invert3 } from '../../recipes/colour-math.ts';
import { SRGB_TO_P3 } from '../../render/pipeline/srgb-to-p3.ts';

/**
 * The renderer runs every tone op on Display P3 values (render/pipeline/pixels.ts), while analysis
 * measures in sRGB. A white-balance gain on P3 channels moves colours further than the same gain on
 * sRGB channels (P3's primaries are wider), so proposals are worked out, and simulated, in P3.
 */
const P3_TO_SRGB = invert3(SRGB_TO_P3);

/** Linear sRGB -> linear P3, one colour. */
export function toP3(r: number, g: number, b: number): [number, number, number] {
  const [m0, m1, m2] = SRGB_TO_P3 as [number[], number[], number[]];
  return [m0[0]! * r + m0[1]! * g + m0[2]! * b, m1[0]! * r + m1[1]! * g + m1[2]! * b, m2[0]! * r + m2[1]! * g + m2[2]! * b];
}

/** Linear P3 -> linear sRGB, one colour. */
export function fromP3(r: number, g: number, b: number): [number, number, number] {
  const [m0, m1, m2] = P3_TO_SRGB as [number[], number[], number[]];
  return [m0[0]! * r + m0[1]! * g + m0[2]! * b, m1[0]! * r + m1[1]! * g + m1[2]! * b, m2[0]! * r + m2[1]! * g + m2[2]! * b];
}
