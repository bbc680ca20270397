import { MAX_VALUE } from './pixels.ts';

/**
 * sRGB -> Display P3 at 16 bits, in place. Both spaces share the D65 white and the sRGB transfer
 * curve, so it is decode curve -> 3x3 matrix on linear light -> encode curve. Done here rather than
 * by sharp because sharp's ICC step on an 8-bit image writes 8-bit output: converting an untagged
 * JPEG to P3 there would quantise twice and cost up to 7 levels in dark, saturated channels.
 * Matrix = inverse(P3 RGB->XYZ) * (sRGB RGB->XYZ), from the published primaries.
 */
const M = [
  [0.8224621, 0.177538, 0.0],
  [0.0331941, 0.9668058, 0.0],
  [0.0170827, 0.0723974, 0.9105199],
] as const;

const decode = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
const encode = (v: number) => (v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055);

let tables: { toLinear: Float32Array; toEncoded: Uint16Array } | undefined;
/** Linear light is indexed at 2^20 steps so the darkest encoded levels keep their precision. */
const LINEAR_STEPS = 1 << 20;

function lookupTables() {
  if (tables) return tables;
  const toLinear = new Float32Array(MAX_VALUE + 1);
  for (let i = 0; i <= MAX_VALUE; i++) toLinear[i] = decode(i / MAX_VALUE);
  const toEncoded = new Uint16Array(LINEAR_STEPS + 1);
  for (let i = 0; i <= LINEAR_STEPS; i++) toEncoded[i] = Math.round(encode(i / LINEAR_STEPS) * MAX_VALUE);
  return (tables = { toLinear, toEncoded });
}

export function srgbToP3InPlace(px: Uint16Array): void {
  const { toLinear, toEncoded } = lookupTables();
  const q = (v: number) => toEncoded[Math.min(LINEAR_STEPS, Math.max(0, Math.round(v * LINEAR_STEPS)))]!;
  for (let i = 0; i < px.length; i += 3) {
    const r = toLinear[px[i]!]!, g = toLinear[px[i + 1]!]!, b = toLinear[px[i + 2]!]!;
    px[i] = q(M[0][0] * r + M[0][1] * g + M[0][2] * b);
    px[i + 1] = q(M[1][0] * r + M[1][1] * g + M[1][2] * b);
    px[i + 2] = q(M[2][0] * r + M[2][1] * g + M[2][2] * b);
  }
}
