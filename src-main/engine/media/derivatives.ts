import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { OutputInfo, Sharp } from 'sharp';
import type { OpenedImage } from './decode.ts';
import { isRawFormat, type DetectedFormat } from './detect-format.ts';
import { classifyDecodeError } from './decode-errors.ts';
import { MediaError } from './media-error.ts';
import { failDiskFull } from '../base/disk-space.ts';

export type DerivativeInfo = { width: number; height: number; bytes: number };
export type Derivatives = { thumb: DerivativeInfo; preview: DerivativeInfo | null };
export type DerivativeOptions = { thumbSize?: number; previewSize?: number };

const THUMB_QUALITY = 80;
const PREVIEW_QUALITY = 85;
export const THUMB_SIZE = 256;
export const PREVIEW_SIZE = 2048;

/**
 * Whether the preview should be made together with the thumbnail at ingest. JPEG (and RAW, shown
 * through its embedded JPEG) decodes at 1/2, 1/4 or 1/8 size for a fraction of a full decode, and
 * libwebp scales while it decodes too (a 10 MP WebP: 11-14 ms to a 256 px thumbnail, 120-130 ms
 * to a 2048 px preview, measured with sharp 0.35): those get the thumbnail now and the preview when
 * something asks for it. HEIC, AVIF, PNG, TIFF and GIF have no reduced decode: every derivative
 * pays the full decode, so both are made from one decode.
 */
export function previewAtIngest(format: DetectedFormat): boolean {
  return format !== 'jpeg' && format !== 'webp' && !isRawFormat(format);
}

/**
 * Writes the thumbnail (long edge thumbSize, never upscaled), oriented and in sRGB, and with
 * `previewPath` also the preview from the same decode.
 *
 * Colour: sharp converts from the embedded profile (Display P3, Adobe RGB, ProPhoto, CMYK...) to
 * sRGB while processing. We embed no profile in the output: untagged JPEG means sRGB to browsers
 * and Immich, and a 256 px thumbnail should not carry a profile a large fraction of its size.
 */
export async function makeDerivatives(img: OpenedImage, out: { thumbPath: string; previewPath?: string }, opts: DerivativeOptions = {}): Promise<Derivatives> {
  const thumbSize = opts.thumbSize ?? THUMB_SIZE;
  if (!out.previewPath) {
    const thumb = await encode(img, () => toSrgb(img.fitInside(thumbSize, thumbSize, NO_ENLARGING)).jpeg({ quality: THUMB_QUALITY, mozjpeg: false }));
    await writeAtomically(out.thumbPath, thumb.data);
    return { thumb: infoOf(thumb), preview: null };
  }
  const previewSize = opts.previewSize ?? PREVIEW_SIZE;
  const base = await encode(img, () => toSrgb(img.fitInside(previewSize, previewSize, NO_ENLARGING)).raw({ depth: 'uchar' }));
  const raw = { raw: { width: base.info.width, height: base.info.height, channels: base.info.channels } } as const;
  const [preview, thumb] = await Promise.all([
    encode(img, () => sharp(base.data, raw).jpeg({ quality: PREVIEW_QUALITY, mozjpeg: false })),
    encode(img, () => sharp(base.data, raw).resize(thumbSize, thumbSize, FIT).jpeg({ quality: THUMB_QUALITY, mozjpeg: false })),
  ]);
  await Promise.all([writeAtomically(out.previewPath, preview.data), writeAtomically(out.thumbPath, thumb.data)]);
  return { thumb: infoOf(thumb), preview: infoOf(preview) };
}

/** The preview alone, for a photo whose thumbnail was made without one. */
export async function makePreview(img: OpenedImage, previewPath: string, opts: DerivativeOptions = {}): Promise<DerivativeInfo> {
  const previewSize = opts.previewSize ?? PREVIEW_SIZE;
  const preview = await encode(img, () => toSrgb(img.fitInside(previewSize, previewSize, NO_ENLARGING)).jpeg({ quality: PREVIEW_QUALITY, mozjpeg: false }));
  await writeAtomically(previewPath, preview.data);
  return infoOf(preview);
}

const FIT = { fit: 'inside', withoutEnlargement: true } as const;
const NO_ENLARGING = { withoutEnlargement: true } as const;

/** JPEG has no alpha: transparent areas become white, as a viewer shows them, not black. */
function toSrgb(pipeline: Sharp): Sharp {
  return pipeline.flatten({ background: '#ffffff' }).toColourspace('srgb');
}

type Encoded = { data: Buffer; info: OutputInfo };

/** Only MediaError leaves this module: a decode failure here gets the same codes as openImage. */
async function encode(img: OpenedImage, build: () => Sharp): Promise<Encoded> {
  try {
    return await build().toBuffer({ resolveWithObject: true });
  } catch (error) {
    const { filePath, bytes } = img.source;
    throw await classifyDecodeError(error, { format: img.format, bytes, name: path.basename(filePath), filePath });
  }
}

function infoOf(encoded: Encoded): DerivativeInfo {
  return { width: encoded.info.width, height: encoded.info.height, bytes: encoded.data.length };
}

/**
 * Temp file in the same folder, then rename: readers see the old file or the new one, never half.
 * A full disk is a DiskFullError (the queue waits for space), any other failure MediaError 'store-failed'.
 */
export function writeAtomically(target: string, data: Buffer): Promise<void> {
  return failDiskFull(path.dirname(target), data.length, () => write(target, data));
}

async function write(target: string, data: Buffer): Promise<void> {
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw new MediaError('store-failed', `Could not write ${target}: ${(error as Error).message}.`, { cause: error });
  }
}
