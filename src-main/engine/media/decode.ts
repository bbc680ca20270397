import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { Metadata, Sharp } from 'sharp';
import type { MediaWarning } from '../../contract/errors.ts';
import { classifyDecodeError, tooManyPixels } from './decode-errors.ts';
import type { DetectedFormat, RawFormat } from './detect-format.ts';
import { formatName, isRawFormat, sniffFile } from './detect-format.ts';
import { decodeHeic } from './heic-decoder.ts';
import { MediaError, formatCount, warning } from './media-error.ts';
import { applyOrientation, isSwapped } from './orientation.ts';
import { findRawPreviews } from './raw-preview.ts';

export type OpenedImage = {
  format: DetectedFormat;
  /** Display (oriented) dimensions: what pipeline() produces. */
  width: number;
  height: number;
  /**
   * EXIF-style orientation (1–8) that pipeline() applies to the stored pixels. HEIC with an EXIF
   * Orientation reports it (decoded without the HEIF irot/imir, as libvips does); HEIC without one
   * reports 1 (libheif applied irot/imir while decoding).
   */
  orientation: number;
  /** A fresh sharp pipeline over the full image (first frame/page), orientation already applied. */
  pipeline(): Sharp;
  /**
   * The image shrunk to fit inside maxWidth × maxHeight (display orientation), then oriented.
   * Much cheaper than pipeline().resize() for a turned photo: sharp rotates whatever it has when
   * rotate() comes first, so a quarter turn before the resize turns all 24 MP (measured 6× slower
   * for a 256 px thumbnail), while after the resize it turns only the small result.
   */
  fitInside(maxWidth: number, maxHeight: number, options?: { withoutEnlargement?: boolean }): Sharp;
  warnings: MediaWarning[];
  /** Who to blame when a later decode of pipeline() fails: the file and its size. */
  source: { filePath: string; bytes: number };
};

export type OpenOptions = {
  maxPixels?: number;
  /**
   * Decode the pixels once at a small size so a file cut mid-scan fails here (default). A caller
   * whose own next step decodes every pixel anyway (thumbnails) passes false and is told the same
   * error by that decode: the check would be a second full entropy decode of each JPEG.
   */
  verify?: boolean;
};

/** sharp's own default limit (0x3FFF²): the largest image libvips opens without being told to. */
export const DEFAULT_MAX_PIXELS = 268_402_689;

/** RAW previews smaller than this are camera thumbnails, not something to show a photo through. */
const MIN_RAW_PREVIEW_EDGE = 320;
const SMALL_RAW_PREVIEW_EDGE = 1600;

/**
 * failOn 'truncated': a JPEG cut mid-scan must fail (libvips would otherwise pad the missing rows
 * grey and we would ingest a half-grey photo silently), but camera files routinely carry benign
 * warnings ("extraneous bytes before marker", odd APP segments) that 'warning'/'error' would reject.
 */
const FAIL_ON = 'truncated' as const;

type Source = { input: string | Buffer; orientation: number | null };

export async function openImage(filePath: string, opts: OpenOptions = {}): Promise<OpenedImage> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const sniff = await sniffFile(filePath);
  const name = path.basename(filePath);
  const ctx = { format: sniff.format, bytes: sniff.bytes, name, filePath };
  const warnings = [...sniff.warnings];
  try {
    if (sniff.format === 'heic') return await openHeic(filePath, maxPixels, warnings);
    if (isRawFormat(sniff.format)) return await openRaw(filePath, sniff.format, maxPixels, warnings);
    const meta = await sharp(filePath, { limitInputPixels: false, failOn: 'none' }).metadata();
    checkPixels(sniff.format, meta.width, meta.height, maxPixels, sniff.bytes);
    const pages = meta.pages ?? 1;
    if (pages > 1) {
      warnings.push(sniff.format === 'tiff' || (sniff.format === 'avif' && !isAnimated(meta))
        ? warning('multi-image-first', `${name} holds ${pages} images; Lightbox uses the first one.`)
        : warning('animated-first-frame', `${name} is animated (${pages} frames); Lightbox uses the first frame.`));
    }
    const source: Source = { input: filePath, orientation: meta.orientation ?? 1 };
    if (opts.verify !== false) await decodeCheck(source.input, maxPixels);
    return opened(sniff.format, meta.width, meta.height, source, maxPixels, warnings, { filePath, bytes: sniff.bytes });
  } catch (error) {
    throw await classifyDecodeError(error, ctx);
  }
}

function isAnimated(meta: Metadata): boolean {
  return Array.isArray(meta.delay) && meta.delay.length > 1;
}

function checkPixels(format: DetectedFormat, width: number, height: number, maxPixels: number, bytes: number): void {
  if (width * height > maxPixels) throw tooManyPixels(formatName(format), width, height, maxPixels, bytes);
}

/**
 * A real decode at reduced size: JPEG shrink-on-load still runs every entropy-coded block, so a
 * file cut mid-scan fails here (with failOn 'truncated') instead of later in a job.
 */
async function decodeCheck(input: string | Buffer, maxPixels: number): Promise<void> {
  await sharp(input, { failOn: FAIL_ON, limitInputPixels: maxPixels })
    .resize(64, 64, { fit: 'inside', withoutEnlargement: true, fastShrinkOnLoad: true })
    .raw()
    .toBuffer();
}

function opened(format: DetectedFormat, storedWidth: number, storedHeight: number, source: Source, maxPixels: number, warnings: MediaWarning[], file: { filePath: string; bytes: number }): OpenedImage {
  const orientation = source.orientation !== null && source.orientation >= 1 && source.orientation <= 8 ? source.orientation : 1;
  const swapped = isSwapped(orientation);
  return {
    format,
    width: swapped ? storedHeight : storedWidth,
    height: swapped ? storedWidth : storedHeight,
    orientation,
    pipeline: () => applyOrientation(sharp(source.input, { failOn: FAIL_ON, limitInputPixels: maxPixels }), orientation),
    fitInside: (maxWidth, maxHeight, options = {}) => {
      const [w, h] = swapped ? [maxHeight, maxWidth] : [maxWidth, maxHeight];
      const resized = sharp(source.input, { failOn: FAIL_ON, limitInputPixels: maxPixels }).resize(w, h, { fit: 'inside', ...options });
      return applyOrientation(resized, orientation);
    },
    warnings,
    source: { filePath: file.filePath, bytes: file.bytes },
  };
}

async function openHeic(filePath: string, maxPixels: number, warnings: MediaWarning[]): Promise<OpenedImage> {
  const name = path.basename(filePath);
  const decoded = await decodeHeic(filePath, maxPixels);
  if (decoded.sequence) {
    warnings.push(warning('animated-first-frame', `${name} is a HEIF image sequence; Lightbox uses its first frame.`));
  } else if (decoded.topLevelImages > 1) {
    warnings.push(warning('multi-image-first', `${name} holds ${decoded.topLevelImages} images; Lightbox uses the primary one.`));
  }
  return opened('heic', decoded.width, decoded.height, { input: decoded.tiff, orientation: decoded.orientation }, maxPixels, warnings, { filePath, bytes: (await stat(filePath)).size });
}

async function openRaw(filePath: string, format: RawFormat, maxPixels: number, warnings: MediaWarning[]): Promise<OpenedImage> {
  const name = path.basename(filePath);
  const kind = formatName(format);
  const file = await readFile(filePath);
  const found = findRawPreviews(file, format);
  let largestSeen: { width: number; height: number } | null = null;
  for (const candidate of found.candidates) {
    if (Math.max(candidate.width, candidate.height) < MIN_RAW_PREVIEW_EDGE) {
      largestSeen ??= candidate;
      continue;
    }
    // Own copy: the preview outlives the (possibly 60 MB) RAW buffer.
    const jpeg = Buffer.from(file.subarray(candidate.offset, candidate.offset + candidate.length));
    try {
      const meta = await sharp(jpeg, { limitInputPixels: false }).metadata();
      checkPixels(format, meta.width, meta.height, maxPixels, file.length);
      await decodeCheck(jpeg, maxPixels);
      // The container's orientation describes the photo; previews rarely carry their own EXIF.
      const orientation = found.orientation ?? meta.orientation ?? 1;
      if (Math.max(meta.width, meta.height) < SMALL_RAW_PREVIEW_EDGE) {
        warnings.push(warning('raw-small-preview', `${name}'s largest embedded preview is only ${meta.width} × ${meta.height} pixels; Lightbox shows RAW files through that preview, so the preview will look soft.`));
      }
      return opened(format, meta.width, meta.height, { input: jpeg, orientation }, maxPixels, warnings, { filePath, bytes: file.length });
    } catch (error) {
      if (error instanceof MediaError && error.code === 'too-many-pixels') throw error;
      // A damaged preview: try the next largest one.
    }
  }
  const why = found.missing > 0
    ? `the preview it points to lies past the end of the file (${formatCount(file.length)} bytes), so the file was cut off (incomplete copy?). Copy it again from the camera card`
    : largestSeen
      ? `its only complete embedded JPEG is a ${largestSeen.width} × ${largestSeen.height} thumbnail. Export a JPEG or a DNG with a full-size preview from your RAW editor`
      : 'it contains no complete JPEG preview. Export a JPEG or a DNG with a full-size preview from your RAW editor';
  throw new MediaError('raw-no-preview', `The ${kind} ${name} has no usable embedded preview: ${why}. Lightbox shows RAW photos through the preview the camera embeds and does not develop sensor data itself.`);
}
