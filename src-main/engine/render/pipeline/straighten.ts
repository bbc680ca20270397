import type { CropSpec } from '../../recipes/op-module.ts';
import type { Size, StraightenBox } from './geometry.ts';
import { cropRect, straightenBox, straightenFrame } from './geometry.ts';
import { runSharpPass } from './pixels.ts';
import type { Pixels } from './pixels.ts';

const sizeOf = (px: Pixels): Size => ({ width: px.width, height: px.height });

/**
 * Straighten on working (16-bit) pixels: 16-bit originals, and crops after the first one. Our angle
 * turns the picture counter-clockwise (y down): x' = x cos a + y sin a, y' = -x sin a + y cos a;
 * an affine rather than rotate() for its bicubic interpolator.
 */
export async function straighten16(px: Pixels, s: { crop: CropSpec; box: StraightenBox; size?: Size | undefined }): Promise<Pixels> {
  const rad = (s.crop.angle * Math.PI) / 180;
  const [cos, sin] = [Math.cos(rad), Math.sin(rad)];
  const rotated = await runSharpPass(px, (image) => image.affine([[cos, sin], [-sin, cos]], { background: '#000000', interpolator: 'bicubic' }));
  const framed = await runSharpPass(rotated, (image) => image.extract(straightenFrame(s.crop, s.box, sizeOf(rotated))));
  const size = s.size;
  if (!size || (size.width === framed.width && size.height === framed.height)) return framed;
  return runSharpPass(framed, (image) => image.resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos3' }));
}

/** A crop pass on working pixels (crops after the first one, or when the read could not take it). */
export async function runCrop(px: Pixels, crop: CropSpec): Promise<Pixels> {
  if (crop.angle === 0) return runSharpPass(px, (image) => image.extract(cropRect(crop, sizeOf(px))));
  const box = straightenBox(crop, sizeOf(px));
  return straighten16(await runSharpPass(px, (image) => image.extract(box.box)), { crop, box });
}
