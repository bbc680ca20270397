import { SQRT_STEPS, decodeTransfer, encodeBySqrtTable, linearTable } from '../../recipes/colour-math.ts';

/**
 * sRGB -> Display P3 into 16-bit working samples. Both spaces share the D65 white and the sRGB
 * transfer curve, so it is decode curve -> 3x3 matrix on linear light -> encode curve. Done here rather than
 * by sharp because sharp's ICC step on an 8-bit image writes 8-bit output: converting an untagged
 * JPEG to P3 there would quantise twice and cost up to 7 levels in dark, saturated channels.
 * Matrix = inverse(P3 RGB->XYZ) * (sRGB RGB->XYZ), from the published primaries.
 */
const M = [
  [0.8224621, 0.177538, 0.0],
  [0.0331941, 0.9668058, 0.0],
  [0.0170827, 0.0723974, 0.9105199],
] as const;

/** Linear sRGB -> linear Display P3 (analysis simulates the tone ops in the renderer's working space). */
export const SRGB_TO_P3: readonly (readonly number[])[] = M;

/** In place on 16-bit sRGB samples (16-bit originals). */
export function srgbToP3InPlace(px: Uint16Array): void {
  convert(px, px, linearTable());
}

let linear8: Float32Array | undefined;

/**
 * In place on 16-bit samples that carry 8-bit sRGB levels in their high byte (sharp's 16-bit read
 * of an 8-bit original; the low byte is ignored): the result is that of the 8-bit levels, bit for
 * bit. Reading at 16 bits lets a render hold one full-size buffer (6 bytes a pixel) where an
 * 8-bit read plus a 16-bit copy held two (9 bytes a pixel). With `then` (curve tables, see
 * tone.ts: one for all channels or one each), every converted sample is looked up in them too, in
 * the same pass: the same samples as applying them afterwards.
 */
export function srgbHighToP3InPlace(px: Uint16Array, then?: Uint16Array[]): void {
  const tables = pairTables();
  const [tr, tg, tb] = then ? (then.length === 1 ? [then[0]!, then[0]!, then[0]!] : then) : [null, null, null];
  // A curve after red and green's lookups is one more lookup of the same pair: folded into a copy.
  const red = tr ? tables.red.map((v) => tr[v]!) : tables.red;
  const green = tg ? tables.green.map((v) => tg[v]!) : tables.green;
  const { blueRg, toLinear } = tables;
  const E = encodeBySqrtTable();
  const S = SQRT_STEPS;
  const m22 = M[2][2];
  for (let i = 0; i < px.length; i += 3) {
    const rg = (px[i]! & 0xff00) | (px[i + 1]! >> 8);
    const z = blueRg[rg]! + m22 * toLinear[px[i + 2]! >> 8]!;
    px[i] = red[rg]!;
    px[i + 1] = green[rg]!;
    const b = E[z >= 1 ? S : (Math.sqrt(z) * S + 0.5) | 0]!;
    px[i + 2] = tb ? tb[b]! : b;
  }
}

type PairTables = { red: Uint16Array; green: Uint16Array; blueRg: Float64Array; toLinear: Float32Array };
let pairs: PairTables | undefined;

/**
 * For 8-bit input: P3 red and green come from sRGB red and green alone (the matrix has no blue
 * term there), so each is looked up by the (red, green) pair, 65,536 entries, and blue gets the
 * pair's share of its sum. Filled by convert()'s own arithmetic in the same order, so the samples
 * are the same to the bit (srgb-to-p3.test.ts checks every pair); the hot loop keeps one square root
 * of three. Built once per thread, in about a millisecond.
 */
function pairTables(): PairTables {
  if (pairs) return pairs;
  linear8 ??= Float32Array.from({ length: 256 }, (_, i) => decodeTransfer(i / 255));
  const L = linear8;
  const E = encodeBySqrtTable();
  const S = SQRT_STEPS;
  const [m00, m01] = M[0], [m10, m11] = M[1], [m20, m21] = M[2];
  const red = new Uint16Array(65_536);
  const green = new Uint16Array(65_536);
  const blueRg = new Float64Array(65_536);
  for (let r8 = 0; r8 < 256; r8++) {
    for (let g8 = 0; g8 < 256; g8++) {
      const r = L[r8]!, g = L[g8]!, k = (r8 << 8) | g8;
      const x = m00 * r + m01 * g, y = m10 * r + m11 * g;
      red[k] = E[x >= 1 ? S : (Math.sqrt(x) * S + 0.5) | 0]!;
      green[k] = E[y >= 1 ? S : (Math.sqrt(y) * S + 0.5) | 0]!;
      blueRg[k] = m20 * r + m21 * g;
    }
  }
  pairs = { red, green, blueRg, toLinear: L };
  return pairs;
}

function convert(src: Uint16Array, dst: Uint16Array, toLinear: Float32Array): void {
  const E = encodeBySqrtTable();
  const S = SQRT_STEPS;
  const [m00, m01] = M[0], [m10, m11] = M[1], [m20, m21, m22] = M[2];
  // Hot loop: both matrices' red and green rows have no blue term; no closures, lookups inlined.
  for (let i = 0; i < src.length; i += 3) {
    const r = toLinear[src[i]!]!, g = toLinear[src[i + 1]!]!, b = toLinear[src[i + 2]!]!;
    const x = m00 * r + m01 * g, y = m10 * r + m11 * g, z = m20 * r + m21 * g + m22 * b;
    dst[i] = E[x >= 1 ? S : (Math.sqrt(x) * S + 0.5) | 0]!;
    dst[i + 1] = E[y >= 1 ? S : (Math.sqrt(y) * S + 0.5) | 0]!;
    dst[i + 2] = E[z >= 1 ? S : (Math.sqrt(z) * S + 0.5) | 0]!;
  }
}
