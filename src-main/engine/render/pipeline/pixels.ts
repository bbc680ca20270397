import sharp from 'sharp';
import type { Sharp } from 'sharp';
import type { PassSize } from '../../recipes/op-module.ts';

/**
 * The renderer's working image between passes: interleaved 16-bit RGB, sRGB transfer curve on
 * Display P3 primaries (what sharp itself uses as its 16-bit processing space).
 */
export type Pixels = { data: Uint16Array; width: number; height: number };

export const CHANNELS = 3;
export const MAX_VALUE = 65_535;

export function asUint16(buffer: Buffer): Uint16Array {
  // A Uint16Array view needs an even byte offset; sharp's buffers have one, but do not bet on it.
  const bytes = buffer.byteOffset % 2 === 0 ? buffer : Buffer.from(buffer);
  return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
}

/** A sharp instance over the working pixels; raw intermediates are trusted, so no pixel limit here. */
export function fromPixels(px: Pixels): Sharp {
  return sharp(px.data, { raw: { width: px.width, height: px.height, channels: CHANNELS }, limitInputPixels: false });
}

/** Finishes a pass: back to 16-bit RGB pixels, whatever the pass did to depth or alpha. */
export async function toPixels(image: Sharp): Promise<Pixels> {
  const { data, info } = await image.removeAlpha().toColourspace('rgb16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== CHANNELS) throw new Error(`a render pass produced ${info.channels} channels, expected ${CHANNELS}`);
  return { data: asUint16(data), width: info.width, height: info.height };
}

export async function runSharpPass(px: Pixels, pass: (image: Sharp, size: PassSize) => Sharp): Promise<Pixels> {
  return toPixels(pass(fromPixels(px), { width: px.width, height: px.height }));
}
