import sharp from 'sharp';
import type { Metadata, Sharp } from 'sharp';
import { MediaError } from '../../media/media-error.ts';
import { openImage } from '../../media/decode.ts';
import { iccDescription } from '../../media/icc.ts';
import { straightenFrame } from './geometry.ts';
import type { Rect, Size, StraightenBox } from './geometry.ts';
import type { CropSpec } from '../../recipes/op-module.ts';
import { straighten16 } from './straighten.ts';
import { RenderError } from './render-error.ts';
import { asUint16, toPixels } from './pixels.ts';
import type { Pixels } from './pixels.ts';
import { srgbHighToP3InPlace, srgbToP3InPlace } from './srgb-to-p3.ts';

export type RenderInput = { path: string } | { buffer: Buffer };

/** sharp's own default limit (0x3FFF * 0x3FFF), stated here so a sharp upgrade cannot change it. */
export const DEFAULT_MAX_PIXELS = 268_402_689;

/**
 * What to read: `extract` cut out of the oriented original (if given), then resampled to `size`.
 * `deferSrgb`: an untagged 8-bit original may come back still in sRGB (`srgbPending`: px.data
 * carries its 8-bit levels in the high byte, see srgbHighToP3InPlace), so the conversion to P3 can
 * run inside the tone pass, in the same sweep over the samples (see tone-split.ts).
 */
export type ReadRequest = { extract?: Rect | undefined; size?: Size | undefined; deferSrgb?: boolean; straighten?: Straighten | undefined };
/** A straightened crop: `box` is in the coordinates of what extract + size produced; `size` is the frame's output size. */
export type Straighten = { crop: CropSpec; box: StraightenBox; size?: Size | undefined };
export type ReadResult = { px: Pixels; srgbPending?: boolean };

/** An original opened for rendering: oriented size, and a reader that returns working pixels. */
export type RenderSource = Size & {
  read(request: ReadRequest): Promise<ReadResult>;
  /**
   * The read as one streaming sharp pipeline in 8-bit sRGB, for a render with nothing left to do
   * after the read (a crop, or no step at all) and sRGB output: no full-size buffer is ever held,
   * and no 16-bit round trip through the working space. Null for an original that needs the
   * 16-bit path (16-bit, CMYK, grey with a profile, a wide-gamut profile) or a read that straightens
   * or resamples.
   */
  direct(request: ReadRequest): Sharp | null;
};

const isSwapped = (orientation: number | undefined) => (orientation ?? 1) >= 5;

/**
 * Files go through media/openImage, like every other reader of originals: HEIC via libheif, RAW
 * through their embedded preview, the pixel limit, EXIF orientation. Buffers (tests, the CLI's
 * stdin) are read by sharp directly, so they cannot be HEIC or RAW.
 */
export async function openSource(input: RenderInput, maxPixels = DEFAULT_MAX_PIXELS): Promise<RenderSource> {
  try {
    let pipeline: () => Sharp;
    let size: Size;
    let mirror: Mirror = null;
    if ('path' in input) {
      const opened = await openImage(input.path, { maxPixels });
      pipeline = opened.pipeline;
      size = { width: opened.width, height: opened.height };
      mirror = opened.orientation === 2 ? 'horizontal' : opened.orientation === 4 ? 'vertical' : null;
    } else {
      const options = { limitInputPixels: maxPixels, failOn: 'error', pages: 1, page: 0 } as const;
      const meta = await sharp(input.buffer, options).metadata();
      pipeline = () => sharp(input.buffer, options).autoOrient();
      size = isSwapped(meta.orientation) ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height };
    }
    const meta = await pipeline().metadata();
    return {
      ...size,
      read: (request) => read(pipeline, meta, unmirror(request, mirror, size), maxPixels),
      direct: (request) => direct(pipeline, meta, unmirror(request, mirror, size)),
    };
  } catch (cause) {
    throw asRenderError(cause, maxPixels);
  }
}

/**
 * openImage orients with explicit rotate/flip/flop calls. sharp runs a crop before a lone flip or
 * flop (orientations 2 and 4; with a quarter turn it flips first), so for those two the crop is
 * given in the stored image's coordinates: mirrored, so the flip afterwards lands it right.
 */
type Mirror = 'horizontal' | 'vertical' | null;

function unmirror(request: ReadRequest, mirror: Mirror, size: Size): ReadRequest {
  const r = request.extract;
  if (!r || !mirror) return request;
  const extract = mirror === 'horizontal' ? { ...r, left: size.width - r.left - r.width } : { ...r, top: size.height - r.top - r.height };
  return { ...request, extract };
}

function asRenderError(cause: unknown, maxPixels: number): RenderError {
  if (cause instanceof RenderError) return cause;
  if (cause instanceof MediaError) return new RenderError(cause.code, cause.message, { cause });
  const message = cause instanceof Error ? cause.message : String(cause);
  if (/pixel limit/i.test(message)) {
    return new RenderError('too-many-pixels', `This photo has more pixels than the render limit (${maxPixels.toLocaleString('en-US')}).`, { cause });
  }
  return new RenderError('render-failed', `The original could not be decoded for rendering: ${message}`, { cause });
}

/**
 * Working pixels: 16-bit, sRGB curve on Display P3 primaries (see pixels.ts).
 *
 * 8-bit RGB originals (nearly every photo) are shrunk and cropped by sharp in their OWN encoding,
 * at 8 bits, with the profile set aside: a 24 MP JPEG read at 16 bits with the profile applied at
 * full size costs ~3.5x more, and the profile is only needed on the pixels we keep. Tagged ones
 * then get their profile applied at 16 bits on the small result (sharp's P3 processing space, so
 * Display P3 and Adobe RGB colours are not clipped to sRGB); untagged ones are sRGB by the web's
 * convention and are converted sRGB -> P3 here. 16-bit, grey-with-profile and CMYK originals keep
 * the straight path: sharp applies the profile at full size before anything else.
 * Photos have no use for transparency in an export: alpha is flattened onto white, as a print shows it.
 */
/**
 * An intermediate held in memory: raw 8-bit samples, or (tagged originals) a TIFF carrying the
 * profile. `open(true)` keeps the profile aside for another 8-bit step; `open()` lets sharp apply it.
 */
type Held = {
  open: (keepProfile?: boolean) => Sharp;
  width: number;
  height: number;
};

async function hold(image: Sharp, tagged: boolean): Promise<Held> {
  if (tagged) {
    const { data, info } = await image.removeAlpha().tiff({ compression: 'none' }).toBuffer({ resolveWithObject: true });
    return { open: (keep) => (keep ? sharp(data, { limitInputPixels: false }).keepIccProfile() : sharp(data, { limitInputPixels: false })), width: info.width, height: info.height };
  }
  const { data, info } = await image.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const raw = { width: info.width, height: info.height, channels: 3 } as const;
  return { open: () => sharp(data, { raw, limitInputPixels: false }), width: info.width, height: info.height };
}

/**
 * Straighten on the 8-bit intermediate, like the crop and the resize: rotate (bicubic; our angle
 * turns the picture counter-clockwise, y down), then cut the frame and bring it to `size`.
 */
async function straighten8(held: Held, s: Straighten, tagged: boolean): Promise<Sharp> {
  const rad = (s.crop.angle * Math.PI) / 180;
  const [cos, sin] = [Math.cos(rad), Math.sin(rad)];
  const rotated = await hold(held.open(true).affine([[cos, sin], [-sin, cos]], { background: '#000000', interpolator: 'bicubic' }), tagged);
  let image = rotated.open(true).extract(straightenFrame(s.crop, s.box, rotated));
  if (s.size) image = image.resize(s.size.width, s.size.height, { fit: 'fill', kernel: 'lanczos3' });
  return image;
}

/** Tagged with a profile (CMYK's is applied on the straight path); needing the straight 16-bit path. */
function kindOf(meta: Metadata): { tagged: boolean; straight: boolean } {
  const tagged = Boolean(meta.icc) && meta.space !== 'cmyk';
  const wide = meta.depth === 'ushort' || meta.space === 'rgb16' || meta.space === 'grey16';
  return { tagged, straight: wide || meta.space === 'cmyk' || (tagged && (meta.channels ?? 3) < 3) };
}

function shapeRead(image: Sharp, meta: Metadata, request: ReadRequest): Sharp {
  if (meta.hasAlpha) image = image.flatten({ background: '#ffffff' });
  // Cut first, then resample: the output pixel grid starts at the crop's corner, as it does when
  // a full-size render crops and later resizes (resampling first would shift it by up to half a pixel).
  if (request.extract) image = image.extract(request.extract);
  // fastShrinkOnLoad false: JPEG shrink-on-load (uncropped reads only) leaves Lanczos3 a factor of
  // two, so the result stays within the golden tolerance of a full-size decode.
  if (request.size) image = image.resize(request.size.width, request.size.height, { fit: 'fill', kernel: 'lanczos3', fastShrinkOnLoad: false });
  return image;
}

function direct(pipeline: () => Sharp, meta: Metadata, request: ReadRequest): Sharp | null {
  const { tagged, straight } = kindOf(meta);
  if (straight || request.straighten || request.size) return null;
  // A wide-gamut original (Adobe RGB, Display P3) keeps the 16-bit path: converted to sRGB at 8
  // bits its saturated colours moved by up to 4.4 ΔE76 (p99, Canon_EOS_7D.jpg) against it.
  if (tagged && !/^sRGB\b/i.test(iccDescription(meta.icc!) ?? '')) return null;
  // sharp converts an sRGB-tagged original through its profile on the way; an untagged one is sRGB.
  return shapeRead(pipeline(), meta, request).removeAlpha().toColourspace('srgb');
}

async function read(pipeline: () => Sharp, meta: Metadata, request: ReadRequest, maxPixels: number): Promise<ReadResult> {
  const { tagged, straight } = kindOf(meta);
  const shape = (image: Sharp) => shapeRead(image, meta, request);
  try {
    if (straight) {
      let px = await toPixels(shape(tagged ? pipeline().pipelineColourspace('rgb16') : pipeline()));
      if (!tagged) srgbToP3InPlace(px.data);
      if (request.straighten) px = await straighten16(px, request.straighten);
      return { px };
    }
    if (!tagged) {
      // Read at 16 bits: sharp's cast puts each 8-bit level in the high byte, and the conversion
      // to P3 then writes over the same buffer. Read at 8 bits, the 16-bit samples needed a second
      // full-size buffer beside sharp's (9 bytes a pixel at once instead of 6: 72 MB more at 24 MP).
      const last = request.straighten ? await straighten8(await hold(shape(pipeline()), false), request.straighten, false) : shape(pipeline());
      const px = await toPixels(last);
      if (request.deferSrgb) return { px, srgbPending: true };
      srgbHighToP3InPlace(px.data);
      return { px };
    }
    let held = await hold(shape(pipeline().keepIccProfile()), true);
    if (request.straighten) held = await hold(await straighten8(held, request.straighten, true), true);
    // keepIccProfile() made sharp skip the input conversion and carry the profile along; the
    // uncompressed TIFF hands pixels and profile to this 16-bit read, which applies it.
    const { data, info } = await held.open()
      .pipelineColourspace('rgb16')
      .toColourspace('rgb16')
      .raw({ depth: 'ushort' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`the colour-managed read produced ${info.channels} channels, expected 3`);
    return { px: { data: asUint16(data), width: info.width, height: info.height } };
  } catch (cause) {
    throw asRenderError(cause, maxPixels);
  }
}
