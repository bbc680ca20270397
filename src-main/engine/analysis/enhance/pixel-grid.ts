import { decodeTransfer } from '../../recipes/colour-math.ts';
import type { RgbImage } from '../rgb-image.ts';

/**
 * The analysis image reduced to a grid of block means in LINEAR light (light adds up linearly, so a
 * block's mean is what a smaller sensor would have seen), plus the few per-pixel facts block means
 * hide: how much of the frame is clipped to white or black. Every enhance estimate reads this grid;
 * it is made in one pass over the 8-bit pixels.
 */
export type PixelGrid = {
  /** Grid size in blocks. */
  width: number;
  height: number;
  /** Linear RGB per block, interleaved (3 per block), row-major. */
  rgb: Float32Array;
  /** Luminance per block (sRGB/Rec. 709 weights). */
  lum: Float32Array;
  /** Share of pixels with a channel at 255 / all channels at 0..2: what no edit brings back. */
  clippedHigh: number;
  clippedLow: number;
};

const LINEAR_8 = Float32Array.from({ length: 256 }, (_, i) => decodeTransfer(i / 255));

/** Blocks are square, as small as keeps the grid within `maxBlocks` (about 40,000 by default). */
export function pixelGrid(image: RgbImage, maxBlocks = 40_000): PixelGrid {
  const { width: W, height: H, data } = image;
  if (W < 1 || H < 1) throw new RangeError(`cannot analyse an empty image (${W}x${H})`);
  const fit = Math.max(1, Math.ceil(Math.sqrt((W * H) / maxBlocks)));
  // Big blocks are averaged from every other pixel of every other row: a quarter of the reads for
  // the same mean within JPEG noise (a 1024 px analysis image has 64 pixels per block). Their size
  // is then even, so every block starts on a sampled column and row.
  const stride = fit >= 4 ? 2 : 1;
  const step = stride === 2 ? fit + (fit & 1) : fit;
  const width = Math.ceil(W / step);
  const height = Math.ceil(H / step);
  const sums = new Float64Array(width * height * 3);
  const counts = new Uint32Array(width * height);
  // Block column of every x, once: no division per pixel in the loop below.
  const column = Int32Array.from({ length: W }, (_, x) => Math.floor(x / step));
  let high = 0;
  let low = 0;
  let seen = 0;
  for (let y = 0; y < H; y += stride) {
    const row = Math.floor(y / step) * width;
    let i = y * W * 3;
    for (let x = 0; x < W; x += stride, i += 3 * stride) {
      const r = data[i]!, g = data[i + 1]!, b = data[i + 2]!;
      if (r === 255 || g === 255 || b === 255) high++;
      else if (r <= 2 && g <= 2 && b <= 2) low++;
      const k = row + column[x]!;
      sums[3 * k]! += LINEAR_8[r]!;
      sums[3 * k + 1]! += LINEAR_8[g]!;
      sums[3 * k + 2]! += LINEAR_8[b]!;
      counts[k]!++;
    }
    seen += Math.ceil(W / stride);
  }
  const rgb = new Float32Array(width * height * 3);
  const lum = new Float32Array(width * height);
  for (let k = 0; k < counts.length; k++) {
    const n = counts[k]!;
    const r = sums[k * 3]! / n, g = sums[k * 3 + 1]! / n, b = sums[k * 3 + 2]! / n;
    rgb[k * 3] = r;
    rgb[k * 3 + 1] = g;
    rgb[k * 3 + 2] = b;
    lum[k] = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  return { width, height, rgb, lum, clippedHigh: high / seen, clippedLow: low / seen };
}

/** A box in fractions of the frame, as analysis stores faces and subjects. */
export type FractionBox = { x: number; y: number; w: number; h: number };

/** Indices of the grid blocks whose centres fall inside `box`. */
export function blocksIn(grid: Pick<PixelGrid, 'width' | 'height'>, box: FractionBox): number[] {
  const x0 = Math.max(0, Math.floor(box.x * grid.width));
  const y0 = Math.max(0, Math.floor(box.y * grid.height));
  const x1 = Math.min(grid.width, Math.ceil((box.x + box.w) * grid.width));
  const y1 = Math.min(grid.height, Math.ceil((box.y + box.h) * grid.height));
  const out: number[] = [];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out.push(y * grid.width + x);
  return out;
}

/** Log2 histogram resolution: 1/64 stop per bin from 2^-14 (deep black) to 1 (white). */
const BINS_PER_STOP = 64;
const FLOOR_STOPS = 14;

/**
 * Quantiles (0..1) of values in 0..1 (light levels), read off a histogram with 1/64-stop bins: one
 * pass instead of a sort. Values at or below 2^-14 count as 2^-14; the answer is a bin's middle,
 * within 1/128 stop of the exact order statistic.
 */
export function quantiles(values: ArrayLike<number>, ps: readonly number[], count = values.length): number[] {
  const bins = new Uint32Array(FLOOR_STOPS * BINS_PER_STOP + 1);
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    const bin = v >= 1 ? bins.length - 1 : v <= 2 ** -FLOOR_STOPS ? 0 : Math.floor((Math.log2(v) + FLOOR_STOPS) * BINS_PER_STOP);
    bins[bin]!++;
  }
  return ps.map((p) => {
    const rank = p * (count - 1);
    let seen = 0;
    for (let b = 0; b < bins.length; b++) {
      seen += bins[b]!;
      if (seen > rank) return b === bins.length - 1 ? 1 : 2 ** ((b + 0.5) / BINS_PER_STOP - FLOOR_STOPS);
    }
    return 1;
  });
}
