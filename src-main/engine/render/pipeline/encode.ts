import type { Sharp } from 'sharp';
import type { OutputColourSpace, OutputFormat, OutputSpec } from '../../recipes/op-module.ts';
import { adobeRgbProfilePath } from './adobe-rgb-profile.ts';
import { fromPixels } from './pixels.ts';
import type { Pixels } from './pixels.ts';
import { RenderError } from './render-error.ts';

/**
 * What the output file says about itself besides its pixels and ICC profile, as sharp takes it:
 * EXIF by IFD (libexif tag names, string values; TIFF output has no EXIF in libvips, so its EXIF
 * facts travel in the XMP), one XMP packet, and the resolution in pixels per inch.
 */
export type EmbeddedMetadata = {
  exif?: Record<string, Record<string, string>>;
  xmp?: string;
  density?: number;
};

export type RenderedImage = {
  data: Buffer;
  info: { format: OutputFormat; width: number; height: number; size: number };
  contentType: string;
};

const CONTENT_TYPES: Record<OutputFormat, string> = {
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  avif: 'image/avif',
  tiff: 'image/tiff',
  png: 'image/png',
};

/** The profile embedded in the output; sharp converts from its P3 working space into it. */
function profileFor(space: OutputColourSpace): string {
  if (space === 'srgb') return 'srgb';
  if (space === 'display-p3') return 'p3';
  return adobeRgbProfilePath();
}

/**
 * Every encoder option that could change the bytes is written out, not left to sharp's defaults,
 * so the same recipe gives the same file after a sharp upgrade that only moves defaults. Nothing
 * time- or machine-dependent is written: the metadata is what the caller passes (see
 * render/metadata/), itself a pure function of the original and the recipe.
 *
 * JPEG Huffman tables are the standard ones, not optimised per image: libjpeg optimises them by
 * holding every DCT coefficient of the image (6 bytes a pixel at 4:4:4, ~100 MB for 16 MP) and
 * coding twice. On the 36 corpus camera JPEGs at q90 that doubled the encode time for files 4.8 %
 * smaller; the pixels are the same either way.
 */
function withFormat(image: Sharp, spec: OutputSpec): Sharp {
  const q = spec.quality;
  switch (spec.format) {
    case 'jpeg':
      return image.jpeg({
        quality: q, progressive: false, chromaSubsampling: q >= 90 ? '4:4:4' : '4:2:0', optimiseCoding: false,
        mozjpeg: false, trellisQuantisation: false, overshootDeringing: false, optimiseScans: false, quantisationTable: 0,
      });
    case 'webp':
      return image.webp({ quality: q, alphaQuality: 100, lossless: false, nearLossless: false, smartSubsample: false, effort: 4, preset: 'photo' });
    case 'avif':
      return image.avif({ quality: q, lossless: false, effort: 4, chromaSubsampling: '4:2:0', bitdepth: 8 });
    case 'tiff':
      return image.tiff({ compression: 'lzw', predictor: 'horizontal', pyramid: false, tile: false, bigtiff: false, xres: 1, yres: 1 });
    case 'png':
      return image.png({ compressionLevel: 6, adaptiveFiltering: false, palette: false, progressive: false });
  }
}

export async function encode(px: Pixels, spec: OutputSpec, metadata: EmbeddedMetadata = {}): Promise<RenderedImage> {
  const image = fromPixels(px).withIccProfile(profileFor(spec.colourSpace), { attach: true });
  return finish(image.toColourspace(spec.format === 'tiff' && spec.tiffBitDepth === 16 ? 'rgb16' : 'srgb'), spec, metadata);
}

/**
 * The output of a one-pipeline render (RenderSource.direct): 8-bit sRGB pixels still streaming
 * from the original, written as sRGB. Only for sRGB output in 8 bits.
 */
export function encodeDirect(image: Sharp, spec: OutputSpec, metadata: EmbeddedMetadata = {}): Promise<RenderedImage> {
  if (spec.colourSpace !== 'srgb' || (spec.format === 'tiff' && spec.tiffBitDepth === 16)) throw new Error('encodeDirect writes 8-bit sRGB only');
  return finish(image.withIccProfile('srgb', { attach: true }), spec, metadata);
}

async function finish(image: Sharp, spec: OutputSpec, metadata: EmbeddedMetadata): Promise<RenderedImage> {
  if (metadata.exif && Object.keys(metadata.exif).length > 0) image = image.withExif(metadata.exif);
  if (metadata.xmp) image = image.withXmp(metadata.xmp);
  if (metadata.density !== undefined) image = image.withDensity(metadata.density);
  try {
    const { data, info } = await withFormat(image, spec).toBuffer({ resolveWithObject: true });
    return {
      data,
      info: { format: spec.format, width: info.width, height: info.height, size: data.length },
      contentType: CONTENT_TYPES[spec.format],
    };
  } catch (cause) {
    throw new RenderError('render-failed', `Could not write the ${spec.format.toUpperCase()} file: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
