/**
 * Test helpers: CIE76 ΔE between two 8-bit sRGB rasters, and mean colour. ΔE76 < 1 is invisible,
 * ~2.3 is a "just noticeable difference".
 */
const lin = (v: number) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);

export function srgbToLab(r: number, g: number, b: number): [number, number, number] {
  const R = lin(r), G = lin(g), B = lin(b);
  // D65 XYZ, normalised by the white.
  const x = (0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047;
  const y = 0.2126 * R + 0.7152 * G + 0.0722 * B;
  const z = (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883;
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

export function deltaE(a: Uint8Array, b: Uint8Array, channels = 3): { mean: number; max: number } {
  if (a.length !== b.length) throw new Error(`raster sizes differ: ${a.length} vs ${b.length}`);
  let sum = 0, max = 0, n = 0;
  for (let i = 0; i < a.length; i += channels, n++) {
    const p = srgbToLab(a[i]!, a[i + 1]!, a[i + 2]!);
    const q = srgbToLab(b[i]!, b[i + 1]!, b[i + 2]!);
    const d = Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / n, max };
}

export function meanColour(px: Uint8Array, channels = 3): [number, number, number] {
  const s = [0, 0, 0];
  for (let i = 0; i < px.length; i += channels) for (let c = 0; c < 3; c++) s[c]! += px[i + c]!;
  const n = px.length / channels;
  return [s[0]! / n, s[1]! / n, s[2]! / n];
}

/** 64-bit difference hash of a greyscale 9x8 raster (row-major), as a bit string. */
export function dHash(grey9x8: Uint8Array): string {
  let bits = '';
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) bits += grey9x8[y * 9 + x]! < grey9x8[y * 9 + x + 1]! ? '1' : '0';
  return bits;
}

export const hamming = (a: string, b: string): number => [...a].filter((c, i) => c !== b[i]).length;

/**
 * Mean, 99th percentile and max ΔE76 between two 8-bit sRGB rasters of the same size, and `shift`:
 * the ΔE76 between their average colours, which resampling noise cannot move but a wrong op does.
 */
export function deltaE76Stats(a: Uint8Array, b: Uint8Array, channels = 3): { mean: number; p99: number; max: number; shift: number } {
  if (a.length !== b.length) throw new Error(`raster sizes differ: ${a.length} vs ${b.length}`);
  const d = new Float64Array(a.length / channels);
  let sum = 0;
  for (let i = 0, n = 0; i < a.length; i += channels, n++) {
    const p = srgbToLab(a[i]!, a[i + 1]!, a[i + 2]!);
    const q = srgbToLab(b[i]!, b[i + 1]!, b[i + 2]!);
    d[n] = Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
    sum += d[n]!;
  }
  d.sort();
  const [ma, mb] = [meanColour(a, channels), meanColour(b, channels)];
  const [la, lb] = [srgbToLab(...ma), srgbToLab(...mb)];
  const shift = Math.hypot(la[0] - lb[0], la[1] - lb[1], la[2] - lb[2]);
  return { mean: sum / d.length, p99: d[Math.min(d.length - 1, Math.floor(d.length * 0.99))]!, max: d[d.length - 1]!, shift };
}
