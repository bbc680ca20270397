import sharp from 'sharp';
import type { RgbImage } from './rgb-image.ts';

/**
 * A 512-bit gradient hash: the photo shrunk to 17x16 (and 16x17) grey pixels, one bit per
 * horizontal (and vertical) neighbour pair saying which is brighter. Gradients survive resizing,
 * recompression and global tone changes (HDR on/off, exposure), which average hashes do not.
 * Stored as 128 hex characters.
 */
export const HASH_BITS = 512;
const N = 16;

async function greyAt(image: RgbImage, width: number, height: number): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .greyscale()
    .resize({ width, height, fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer();
}

/** Bits from grey samples: rows of a (N+1)xN image, then columns of an Nx(N+1) image. */
export function hashFromGrey(horizontal: Uint8Array, vertical: Uint8Array): string {
  if (horizontal.length !== (N + 1) * N || vertical.length !== N * (N + 1)) {
    throw new RangeError(`expected ${(N + 1) * N} grey samples for each direction`);
  }
  const bits: number[] = [];
  for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) bits.push(horizontal[y * (N + 1) + x + 1]! > horizontal[y * (N + 1) + x]! ? 1 : 0);
  for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) bits.push(vertical[(y + 1) * N + x]! > vertical[y * N + x]! ? 1 : 0);
  let hex = '';
  for (let i = 0; i < bits.length; i += 4) hex += ((bits[i]! << 3) | (bits[i + 1]! << 2) | (bits[i + 2]! << 1) | bits[i + 3]!).toString(16);
  return hex;
}

export async function gradientHash(image: RgbImage): Promise<string> {
  const [h, v] = await Promise.all([greyAt(image, N + 1, N), greyAt(image, N, N + 1)]);
  return hashFromGrey(h, v);
}

const POPCOUNT = Array.from({ length: 16 }, (_, i) => (i & 1) + ((i >> 1) & 1) + ((i >> 2) & 1) + ((i >> 3) & 1));

/** Number of differing bits between two hashes of the same length. */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length) throw new RangeError(`hashes differ in length (${a.length} vs ${b.length})`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d += POPCOUNT[parseInt(a[i]!, 16) ^ parseInt(b[i]!, 16)]!;
  return d;
}
