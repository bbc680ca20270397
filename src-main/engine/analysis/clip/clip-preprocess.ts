import sharp from 'sharp';
import type { RgbImage } from '../rgb-image.ts';
import type { ClipSpec } from '../models/catalogue.ts';

/**
 * CLIP's image preprocessing: shortest side resized to `size` (bicubic), centre crop to
 * size x size, values /255 then normalised per channel with the model's mean and std, laid out
 * NCHW as [1, 3, size, size].
 */
export async function clipImageTensor(rgb: RgbImage, spec: ClipSpec['image']): Promise<Float32Array> {
  const { size, mean, std } = spec;
  const { data, info } = await sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
    .resize({ width: size, height: size, fit: 'cover', position: 'centre', kernel: 'cubic' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== size || info.height !== size || info.channels !== 3) {
    throw new Error(`CLIP preprocessing produced ${info.width}x${info.height}x${info.channels}, expected ${size}x${size}x3`);
  }
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = (data[i * 3 + c]! / 255 - mean[c]!) / std[c]!;
  }
  return out;
}

/** In place; a zero vector stays zero (it matches nothing rather than everything). */
export function l2normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}

/** Cosine of two L2-normalised vectors. */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`embedding widths differ: ${a.length} vs ${b.length}`);
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

/** Stored form of an embedding in analysis_results: little-endian float32, base64 (2.7 kB for 512). */
export function embeddingToBase64(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

export function embeddingFromBase64(s: string): Float32Array {
  const buf = Buffer.from(s, 'base64');
  const copy = new Float32Array(buf.length / 4);
  Buffer.from(copy.buffer).set(buf);
  return copy;
}
