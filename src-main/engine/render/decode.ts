import sharp from 'sharp';
import type { SharpOptions } from 'sharp';
import { RenderError } from './render-error.ts';
import { toPixels } from './pixels.ts';
import { srgbToP3InPlace } from './srgb-to-p3.ts';
import type { Pixels } from './pixels.ts';

export type RenderInput = { path: string } | { buffer: Buffer };

/** sharp's own default limit (0x3FFF * 0x3FFF), stated here so a sharp upgrade cannot change it. */
export const DEFAULT_MAX_PIXELS = 268_402_689;

const source = (input: RenderInput) => ('path' in input ? input.path : input.buffer);

/**
 * Original -> working pixels: EXIF orientation applied first, the embedded ICC profile honoured.
 * Tagged images are converted by sharp straight into its 16-bit P3 processing space (so Display P3
 * and Adobe RGB colours are not clipped to sRGB on the way in); untagged ones are sRGB by the web's
 * convention and are converted sRGB -> P3 at 16 bits. CMYK goes through sharp's usual CMYK -> sRGB path first.
 */
export async function decodeOriginal(input: RenderInput, maxPixels = DEFAULT_MAX_PIXELS): Promise<Pixels> {
  const options: SharpOptions = { limitInputPixels: maxPixels, failOn: 'error', pages: 1, page: 0 };
  try {
    const meta = await sharp(source(input), options).metadata();
    let image = sharp(source(input), options).autoOrient();
    const tagged = Boolean(meta.icc) && meta.space !== 'cmyk';
    // Tagged: sharp's ICC import runs at 16 bits once the pipeline is rgb16. Untagged: read the sRGB
    // values at 16 bits and convert to P3 ourselves (see srgb-to-p3.ts).
    if (tagged) image = image.pipelineColourspace('rgb16');
    // Photos have no use for transparency in an export: flatten onto white, as a print would show it.
    if (meta.hasAlpha) image = image.flatten({ background: '#ffffff' });
    const px = await toPixels(image);
    if (!tagged) srgbToP3InPlace(px.data);
    return px;
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    if (/pixel limit/i.test(message)) {
      throw new RenderError('too-many-pixels', `This photo has more pixels than the render limit (${maxPixels.toLocaleString('en-US')}).`, { cause });
    }
    throw new RenderError('render-failed', `The original could not be decoded for rendering: ${message}`, { cause });
  }
}
