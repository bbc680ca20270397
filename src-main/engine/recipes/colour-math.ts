/**
 * Colour arithmetic shared by the tone ops and the renderer, on the working pixels: 16-bit samples
 * with the sRGB transfer curve (on Display P3 primaries, see render/pixels.ts).
 */
export const MAX_SAMPLE = 65_535;

export const decodeTransfer = (v: number): number => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
export const encodeTransfer = (v: number): number => (v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055);

let toLinearTable: Float32Array | undefined;

/** 16-bit encoded sample -> linear light, exact per level. */
export function linearTable(): Float32Array {
  if (toLinearTable) return toLinearTable;
  toLinearTable = new Float32Array(MAX_SAMPLE + 1);
  for (let i = 0; i <= MAX_SAMPLE; i++) toLinearTable[i] = decodeTransfer(i / MAX_SAMPLE);
  return toLinearTable;
}

/**
 * Linear -> 16-bit encoded, indexed by sqrt(linear) at 2^16 steps: a quarter of the size of a
 * table indexed by linear light (so it stays in cache in the hot loops) with the same precision in
 * the darks, where the curve is steep: at most ~1.3 sixteen-bit levels off anywhere.
 */
export const SQRT_STEPS = 1 << 16;
let sqrtTable: Uint16Array | undefined;
export function encodeBySqrtTable(): Uint16Array {
  if (sqrtTable) return sqrtTable;
  sqrtTable = new Uint16Array(SQRT_STEPS + 1);
  for (let i = 0; i <= SQRT_STEPS; i++) sqrtTable[i] = Math.round(encodeTransfer((i / SQRT_STEPS) ** 2) * MAX_SAMPLE);
  return sqrtTable;
}

/**
 * The transfer curves for building lookup tables fast (a table is 65,536 evaluations per render):
 * interpolated in the tables above instead of two powers per value; within a 16-bit level.
 */
export function decodeFast(v: number): number {
  const T = linearTable();
  if (v <= 0) return 0;
  if (v >= 1) return 1;
  const x = v * MAX_SAMPLE;
  const i = x | 0;
  return T[i]! + (x - i) * (T[i + 1]! - T[i]!);
}

export function encodeFast(linear: number): number {
  const E = encodeBySqrtTable();
  if (linear <= 0) return 0;
  if (linear >= 1) return 1;
  const x = Math.sqrt(linear) * SQRT_STEPS;
  const i = x | 0;
  return (E[i]! + (x - i) * (E[i + 1]! - E[i]!)) / MAX_SAMPLE;
}

// Lab from linear RGB with the sRGB primaries and D65 white, as libvips' colourspace() computes it
// (sharp's modulate worked there). The white is each matrix row's sum, so greys have no chroma.
const RGB_TO_XYZ = [
  [0.4124, 0.3576, 0.1805],
  [0.2126, 0.7152, 0.0722],
  [0.0193, 0.1192, 0.9505],
] as const;
const XN = 0.4124 + 0.3576 + 0.1805;
const ZN = 0.0193 + 0.1192 + 0.9505;
const XYZ_TO_RGB = invert3(RGB_TO_XYZ);

export function invert3(m: readonly (readonly number[])[]): number[][] {
  const [a, b, c] = m[0]!, [d, e, f] = m[1]!, [g, h, i] = m[2]!;
  const A = e! * i! - f! * h!, B = -(d! * i! - f! * g!), C = d! * h! - e! * g!;
  const det = a! * A + b! * B + c! * C;
  return [
    [A / det, -(b! * i! - c! * h!) / det, (b! * f! - c! * e!) / det],
    [B / det, (a! * i! - c! * g!) / det, -(a! * f! - c! * d!) / det],
    [C / det, -(a! * h! - b! * g!) / det, (a! * e! - b! * d!) / det],
  ];
}

const EPSILON = 216 / 24389;
const KAPPA = 24389 / 27;
const labF = (t: number) => (t > EPSILON ? Math.cbrt(t) : (KAPPA * t + 16) / 116);

/** Lab's f(t) on 0..1 sampled at 8192 steps; linear interpolation keeps it within 1e-5 (ΔE < 0.001). */
const F_STEPS = 8192;
let fTable: Float64Array | undefined;
function labFTable(): Float64Array {
  if (fTable) return fTable;
  // One entry past 1 so interpolating at exactly 1 reads inside the table.
  fTable = new Float64Array(F_STEPS + 2);
  for (let i = 0; i <= F_STEPS + 1; i++) fTable[i] = labF(i / F_STEPS);
  return fTable;
}

/**
 * Scales Lab chroma by k in place (L and hue kept): in f-space a = 500(fx - fy), b = 200(fy - fz),
 * so scaling a and b is moving fx and fz towards or away from fy. Clips to the working gamut.
 */
export function scaleLabChroma(px: Uint16Array, k: number): void {
  const toLinear = linearTable();
  const E = encodeBySqrtTable();
  const T = labFTable();
  const [m0, m1, m2] = RGB_TO_XYZ;
  const [n0, n1, n2] = XYZ_TO_RGB as [number[], number[], number[]];
  const a0 = m0[0] / XN, a1 = m0[1] / XN, a2 = m0[2] / XN;
  const b0 = m1[0], b1 = m1[1], b2 = m1[2];
  const c0 = m2[0] / ZN, c1 = m2[1] / ZN, c2 = m2[2] / ZN;
  const r0 = n0[0]! * XN, r1 = n0[1]!, r2 = n0[2]! * ZN;
  const g0 = n1[0]! * XN, g1 = n1[1]!, g2 = n1[2]! * ZN;
  const q0 = n2[0]! * XN, q1 = n2[1]!, q2 = n2[2]! * ZN;
  const S = SQRT_STEPS;
  // Hot loop (millions of pixels per render): table lookups inlined by hand, no closures.
  for (let i = 0; i < px.length; i += 3) {
    const r = toLinear[px[i]!]!, g = toLinear[px[i + 1]!]!, b = toLinear[px[i + 2]!]!;
    const y = b0 * r + b1 * g + b2 * b;
    let t = (y >= 1 ? 1 : y) * F_STEPS;
    let j = t | 0;
    const fy = T[j]! + (t - j) * (T[j + 1]! - T[j]!);
    t = a0 * r + a1 * g + a2 * b;
    t = (t >= 1 ? 1 : t <= 0 ? 0 : t) * F_STEPS;
    j = t | 0;
    const fx = fy + k * (T[j]! + (t - j) * (T[j + 1]! - T[j]!) - fy);
    t = c0 * r + c1 * g + c2 * b;
    t = (t >= 1 ? 1 : t <= 0 ? 0 : t) * F_STEPS;
    j = t | 0;
    const fz = fy + k * (T[j]! + (t - j) * (T[j + 1]! - T[j]!) - fy);
    const x3 = fx * fx * fx, z3 = fz * fz * fz;
    const xr = x3 > EPSILON ? x3 : (116 * fx - 16) / KAPPA;
    const zr = z3 > EPSILON ? z3 : (116 * fz - 16) / KAPPA;
    const lr = r0 * xr + r1 * y + r2 * zr;
    const lg = g0 * xr + g1 * y + g2 * zr;
    const lb = q0 * xr + q1 * y + q2 * zr;
    px[i] = E[lr <= 0 ? 0 : lr >= 1 ? S : (Math.sqrt(lr) * S + 0.5) | 0]!;
    px[i + 1] = E[lg <= 0 ? 0 : lg >= 1 ? S : (Math.sqrt(lg) * S + 0.5) | 0]!;
    px[i + 2] = E[lb <= 0 ? 0 : lb >= 1 ? S : (Math.sqrt(lb) * S + 0.5) | 0]!;
  }
}

/**
 * CIE L*a*b* (D65) of one linear-light RGB triple, with the same primaries and white as the chroma
 * pass above, so what analysis measures and what the tone ops change are the same quantities.
 */
export function linearToLab(r: number, g: number, b: number): [number, number, number] {
  const [m0, m1, m2] = RGB_TO_XYZ;
  const fx = labF((m0[0] * r + m0[1] * g + m0[2] * b) / XN);
  const fy = labF(m1[0] * r + m1[1] * g + m1[2] * b);
  const fz = labF((m2[0] * r + m2[1] * g + m2[2] * b) / ZN);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** Relative luminance (Rec. 709 / sRGB primaries) of linear RGB: what exposure is measured on. */
export const luminance = (r: number, g: number, b: number): number => 0.2126 * r + 0.7152 * g + 0.0722 * b;
