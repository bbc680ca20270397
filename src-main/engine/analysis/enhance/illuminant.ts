import type { PixelGrid } from './pixel-grid.ts';

/**
 * Estimates of the light's colour from the pixels, as a chromaticity in log ratios: u = ln(R/G),
 * v = ln(B/G) of what a neutral surface looks like in the photo. A correct white balance puts
 * neutral at (0, 0); a colour cast (the same channel gains on every pixel) moves every estimate by
 * the same amount, so the estimates differ only in how the scene's own colours fool them.
 */
export type Chroma = { u: number; v: number };

/** Blocks this bright in any channel may be clipped: their colour is the sensor's limit, not the light's. */
const CLIP = 0.92;
/** Blocks darker than this are mostly noise and JPEG rounding. */
const DARK = 0.004;

const chromaOf = (r: number, g: number, b: number): Chroma => ({ u: Math.log(r / g), v: Math.log(b / g) });

/**
 * Grey-edge (van de Weijer, Gevers and Gijsenij): the colour DIFFERENCES between neighbouring blocks
 * average to grey. Edges sample many surfaces, so a large uniform coloured area (a red wall, a lawn)
 * fools it much less than grey-world. The Minkowski norm p leans on the strongest edges: p = 6 had
 * the smallest error on the tuning photos (median 0.12 in ln-ratio units, against 0.24 for p = 2
 * and 0.19 for the brightest blocks).
 */
export function greyEdge(grid: PixelGrid, p = 6): Chroma | null {
  const { width: w, height: h, rgb } = grid;
  const sum = [0, 0, 0];
  for (let y = 0; y < h - 1; y++) {
    for (let x = 0; x < w - 1; x++) {
      const k = y * w + x;
      const right = k + 1;
      const down = k + w;
      if (Math.max(rgb[3 * k]!, rgb[3 * k + 1]!, rgb[3 * k + 2]!, rgb[3 * right]!, rgb[3 * right + 1]!, rgb[3 * right + 2]!, rgb[3 * down]!, rgb[3 * down + 1]!, rgb[3 * down + 2]!) >= CLIP) continue;
      for (let c = 0; c < 3; c++) {
        const dx = rgb[3 * right + c]! - rgb[3 * k + c]!;
        const dy = rgb[3 * down + c]! - rgb[3 * k + c]!;
        const m2 = dx * dx + dy * dy;
        // p = 6 (the default) needs no power: a power call per channel and block was most of the pass.
        sum[c]! += p === 6 ? m2 * m2 * m2 : Math.sqrt(m2) ** p;
      }
    }
  }
  const [r, g, b] = sum.map((x) => x ** (1 / p)) as [number, number, number];
  return r > 0 && g > 0 && b > 0 ? chromaOf(r, g, b) : null;
}

/** White patch, robustly: the brightest few percent of unclipped blocks (white walls, clouds, paper). */
export function brightPixels(grid: PixelGrid, share = 0.01): Chroma | null {
  const usable = new Float32Array(grid.lum.length);
  let n = 0;
  for (let k = 0; k < grid.lum.length; k++) {
    if (Math.max(grid.rgb[3 * k]!, grid.rgb[3 * k + 1]!, grid.rgb[3 * k + 2]!) < CLIP && grid.lum[k]! >= DARK) usable[n++] = grid.lum[k]!;
  }
  if (n < 20) return null;
  const sorted = usable.subarray(0, n).sort();
  const threshold = sorted[Math.max(0, n - Math.max(5, Math.round(n * share)))]!;
  let r = 0, g = 0, b = 0;
  for (let k = 0; k < grid.lum.length; k++) {
    if (grid.lum[k]! < threshold || Math.max(grid.rgb[3 * k]!, grid.rgb[3 * k + 1]!, grid.rgb[3 * k + 2]!) >= CLIP) continue;
    r += grid.rgb[3 * k]!;
    g += grid.rgb[3 * k + 1]!;
    b += grid.rgb[3 * k + 2]!;
  }
  return r > 0 && g > 0 && b > 0 ? chromaOf(r, g, b) : null;
}

/** Log-chroma histogram resolution: 0.025 ln units per bin over ±1.5 (a 1% cast is below one bin, a visible one spans several). */
const BIN = 0.025;
const HALF = 60;

/**
 * The peak of the photo's log-chroma histogram (blocks weighted by the square root of luminance, so
 * lit surfaces count more than shadows; smoothed over about ±0.05, as single bins are JPEG noise):
 * finished photos hold many near-neutral surfaces (walls, clothes, sky, tarmac, shadows) that a cast
 * moves together, keeping the peak. A cast moves this estimate exactly as it moves grey-edge, so
 * when the two disagree the difference is the scene's own colour fooling one of them.
 */
export function chromaPeak(grid: PixelGrid): Chroma | null {
  const size = 2 * HALF + 1;
  let a = new Float32Array(size * size);
  let used = 0;
  for (let k = 0; k < grid.lum.length; k++) {
    const r = grid.rgb[3 * k]!, g = grid.rgb[3 * k + 1]!, b = grid.rgb[3 * k + 2]!;
    if (Math.max(r, g, b) >= CLIP || grid.lum[k]! < DARK || Math.min(r, g, b) <= 0) continue;
    const x = Math.round(Math.log(r / g) / BIN) + HALF, y = Math.round(Math.log(b / g) / BIN) + HALF;
    if (x < 0 || x >= size || y < 0 || y >= size) continue;
    a[y * size + x]! += Math.sqrt(grid.lum[k]!);
    used++;
  }
  if (used < 20) return null;
  // A 5-bin box blur along x then y, twice (close to a Gaussian).
  let b = new Float32Array(a.length);
  for (let pass = 0; pass < 4; pass++) {
    const horizontal = pass % 2 === 0;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let sum = 0;
        for (let d = -2; d <= 2; d++) {
          const xx = horizontal ? x + d : x, yy = horizontal ? y : y + d;
          if (xx >= 0 && xx < size && yy >= 0 && yy < size) sum += a[yy * size + xx]!;
        }
        b[y * size + x] = sum;
      }
    }
    [a, b] = [b, a];
  }
  let best = 0;
  for (let k = 1; k < a.length; k++) if (a[k]! > a[best]!) best = k;
  return { u: ((best % size) - HALF) * BIN, v: (Math.floor(best / size) - HALF) * BIN };
}
