import sharp from 'sharp';

/** Packed 8-bit RGB pixels of an already oriented image. */
export type RgbImage = { data: Buffer; width: number; height: number };

export type ImageSource = RgbImage | string | Buffer;

/**
 * Decodes a file or encoded buffer to oriented RGB, no larger than `maxSide` on its long edge.
 * Already decoded RGB passes through unchanged (the caller owns its orientation).
 */
export async function loadRgb(source: ImageSource, maxSide: number): Promise<RgbImage> {
  if (typeof source === 'object' && !Buffer.isBuffer(source)) {
    if (source.data.length !== source.width * source.height * 3) {
      throw new RangeError(`RGB buffer is ${source.data.length} bytes, expected ${source.width}x${source.height}x3`);
    }
    return source;
  }
  const { data, info } = await sharp(source)
    .autoOrient()
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** A region of an RGB image, in pixels. */
export type Region = { left: number; top: number; width: number; height: number };

export type Letterbox = {
  /** NHWC float32 in [-1, 1], size x size x 3. */
  tensor: Float32Array;
  /** Where the region landed inside the square, in square pixels. */
  padX: number;
  padY: number;
  innerW: number;
  innerH: number;
};

/**
 * Scales `region` to fit a size x size square keeping its aspect, centred on black (-1) bars, so
 * that a point in the square maps back to the region exactly: x_region = (x - padX) / innerW.
 */
export async function letterbox(image: RgbImage, region: Region, size: number): Promise<Letterbox> {
  const { data, padX, padY, innerW, innerH } = await letterboxPixels(image, region, size);
  const tensor = new Float32Array(size * size * 3).fill(-1);
  for (let y = 0; y < innerH; y++) {
    let src = y * innerW * 3;
    let dst = ((y + padY) * size + padX) * 3;
    for (let i = 0; i < innerW * 3; i++) tensor[dst++] = data[src++]! / 127.5 - 1;
  }
  return { tensor, padX, padY, innerW, innerH };
}

export type LetterboxPixels = { data: Buffer; padX: number; padY: number; innerW: number; innerH: number };

/**
 * The RGB pixels of `region` (the whole image when null) scaled to fit a size x size square keeping
 * its aspect, and where they sit in it (centred). Each model packs them into its own tensor layout.
 */
export async function letterboxPixels(image: RgbImage, region: Region | null, size: number): Promise<LetterboxPixels> {
  const { width, height } = region ?? image;
  const scale = size / Math.max(width, height);
  const innerW = Math.max(1, Math.min(size, Math.round(width * scale)));
  const innerH = Math.max(1, Math.min(size, Math.round(height * scale)));
  const pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
  const { data } = await (region ? pipeline.extract(region) : pipeline).resize({ width: innerW, height: innerH, fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
  return { data, padX: Math.floor((size - innerW) / 2), padY: Math.floor((size - innerH) / 2), innerW, innerH };
}
