import sharp from 'sharp';
import type { Sharp } from 'sharp';

/** Greyscale pixels of an image squashed to size×size: a cheap "does it look the same" fingerprint. */
export async function fingerprint(pipeline: Sharp, size = 12): Promise<number[]> {
  const data = await pipeline.resize(size, size, { fit: 'fill' }).greyscale().raw().toBuffer();
  return [...data];
}

export function meanAbsDiff(a: number[], b: number[]): number {
  return a.reduce((sum, v, i) => sum + Math.abs(v - (b[i] ?? 0)), 0) / a.length;
}

export async function meanColour(input: Buffer | string | Sharp): Promise<[number, number, number]> {
  const pipeline = typeof input === 'string' || Buffer.isBuffer(input) ? sharp(input) : input;
  const { data, info } = await pipeline.resize(16, 16, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const sum = [0, 0, 0];
  for (let i = 0; i < data.length; i += info.channels) for (let c = 0; c < 3; c++) sum[c]! += data[i + c]!;
  const n = data.length / info.channels;
  return [sum[0]! / n, sum[1]! / n, sum[2]! / n];
}
