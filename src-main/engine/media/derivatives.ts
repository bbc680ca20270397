import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { OutputInfo } from 'sharp';
import type { OpenedImage } from './decode.ts';
import { classifyDecodeError } from './decode-errors.ts';
import { MediaError } from './media-error.ts';

export type DerivativeInfo = { width: number; height: number; bytes: number };
export type Derivatives = { thumb: DerivativeInfo; preview: DerivativeInfo };
export type DerivativeOptions = { thumbSize?: number; previewSize?: number };

const THUMB_QUALITY = 80;
const PREVIEW_QUALITY = 85;

/**
 * Writes a thumbnail and a preview (long edge thumbSize / previewSize, never upscaled), oriented
 * and in sRGB.
 *
 * Decode once: the source is decoded and resized to preview size a single time, then both JPEGs
 * are encoded from that sRGB buffer. Measured on a 6000×4000 q92 JPEG (2 cores, interleaved runs,
 * CPU medians): 213 ms vs 235 ms for two independent pipelines; with 4 images in flight the two
 * were within noise (1082 vs 1014 ms). JPEG's shrink-on-load makes a second decode cheap, but
 * HEIC, AVIF, PNG and WebP have no shrink-on-load and would pay a full second decode (≈1 s for a
 * 12 MP AVIF), so decode-once is kept.
 *
 * Colour: sharp converts from the embedded profile (Display P3, Adobe RGB, ProPhoto, CMYK...) to
 * sRGB while processing. We embed no profile in the output: untagged JPEG means sRGB to browsers
 * and Immich, and a 256 px thumbnail should not carry a profile a large fraction of its size.
 */
export async function makeDerivatives(img: OpenedImage, out: { thumbPath: string; previewPath: string }, opts: DerivativeOptions = {}): Promise<Derivatives> {
  const thumbSize = opts.thumbSize ?? 256;
  const previewSize = opts.previewSize ?? 2048;
  let base: { data: Buffer; info: OutputInfo };
  let preview: { data: Buffer; info: OutputInfo };
  let thumb: { data: Buffer; info: OutputInfo };
  try {
    base = await img.pipeline()
      .resize(previewSize, previewSize, { fit: 'inside', withoutEnlargement: true })
      // JPEG has no alpha: transparent areas become white, as a viewer shows them, not black.
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: base.info.width, height: base.info.height, channels: base.info.channels } } as const;
    [preview, thumb] = await Promise.all([
      sharp(base.data, raw).jpeg({ quality: PREVIEW_QUALITY, mozjpeg: false }).toBuffer({ resolveWithObject: true }),
      sharp(base.data, raw)
        .resize(thumbSize, thumbSize, { fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: THUMB_QUALITY, mozjpeg: false })
        .toBuffer({ resolveWithObject: true }),
    ]);
  } catch (error) {
    // Only MediaError leaves this module: a decode failure here gets the same codes as openImage.
    throw await classifyDecodeError(error, { format: img.format, bytes: 0, name: 'the image', filePath: null });
  }
  await Promise.all([writeAtomically(out.previewPath, preview.data), writeAtomically(out.thumbPath, thumb.data)]);
  return {
    thumb: { width: thumb.info.width, height: thumb.info.height, bytes: thumb.data.length },
    preview: { width: preview.info.width, height: preview.info.height, bytes: preview.data.length },
  };
}

/** Temp file in the same folder, then rename: readers see the old file or the new one, never half. */
export async function writeAtomically(target: string, data: Buffer): Promise<void> {
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw new MediaError('store-failed', `Could not write ${target}: ${(error as Error).message}.`, { cause: error });
  }
}
