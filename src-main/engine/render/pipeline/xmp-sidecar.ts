import type { Recipe } from '../../../contract/recipe.ts';
import { cropCorners, resolveCrop } from '../../recipes/crop-geometry.ts';
import type { CropFractions } from '../../recipes/crop-geometry.ts';
import { activeSteps } from '../../recipes/history.ts';
import type { RotateParams } from '../../recipes/ops/rotate.ts';
import { apply, compose, invert, isMirror, orientationFromMatrix, orientationMatrix, rotateStepMatrix, swapsAxes } from './orientation.ts';
import type { Mat2 } from './orientation.ts';
import { xmpBag, xmpDescription, xmpNumber, xmpPacket, xmpRating } from './xmp-packet.ts';

export type XmpSidecarInput = {
  /** A parsed recipe (params at current versions). */
  recipe: Recipe;
  /** EXIF orientation of the ORIGINAL (1..8); the sidecar's tiff:Orientation adds the recipe's turns. */
  orientation?: number;
  /** Oriented size in pixels. Needed for a straightened crop (its corners depend on the aspect). */
  imageSize?: { width: number; height: number };
  rating?: number;
  description?: string;
  keywords?: string[];
};

/**
 * Camera Raw's crop, as Lightroom and tools that read it (darktable, RawTherapee importers) expect:
 * - CropLeft/Top/Right/Bottom are fractions of the image as STORED (before tiff:Orientation), and
 *   (Left, Top) / (Right, Bottom) are two opposite corners of the crop frame: those that are
 *   top-left / bottom-right in the stored frame. With CropAngle 0 that is simply the rectangle.
 * - CropAngle is in degrees, in the displayed frame (after tiff:Orientation), same sign as our
 *   straighten angle (see crop-geometry.ts). The sign convention is taken from public Lightroom
 *   importers; no Lightroom-written straightened sidecar was available to check it against.
 */
export type CameraRawCrop = { hasCrop: boolean; top: number; left: number; bottom: number; right: number; angle: number };

function recipeGeometry(recipe: Recipe): { crop: CropFractions | undefined; user: Mat2 } {
  let crop: CropFractions | undefined;
  let user: Mat2 = orientationMatrix(1);
  for (const step of activeSteps(recipe)) {
    if (step.op === 'crop') crop = step.params as CropFractions;
    if (step.op === 'rotate') {
      const p = step.params as RotateParams;
      user = compose(user, rotateStepMatrix(p.turn, p.flipH, p.flipV));
    }
  }
  return { crop, user };
}

const isIdentityCrop = (c: CropFractions) => c.x === 0 && c.y === 0 && c.w === 1 && c.h === 1 && c.angle === 0;

export function cameraRawCrop(recipe: Recipe, orientation = 1, imageSize?: { width: number; height: number }): CameraRawCrop {
  const { crop, user } = recipeGeometry(recipe);
  if (!crop || isIdentityCrop(crop)) return { hasCrop: false, top: 0, left: 0, bottom: 1, right: 1, angle: 0 };
  if (crop.angle !== 0 && !imageSize) throw new RangeError('imageSize is needed to describe a straightened crop');
  const { width, height } = imageSize ?? { width: 1, height: 1 };
  const capture = orientationMatrix(orientation);
  const toStored = invert(capture);
  const [storedW, storedH] = swapsAxes(capture) ? [height, width] : [width, height];
  const stored = cropCorners(resolveCrop(crop, width, height)).map(([x, y]) => {
    const [sx, sy] = apply(toStored, [x - width / 2, y - height / 2]);
    return [sx / storedW + 0.5, sy / storedH + 0.5] as [number, number];
  });
  // The pair of opposite corners that runs top-left -> bottom-right in the stored frame.
  const [tl, tr, br, bl] = stored as [[number, number], [number, number], [number, number], [number, number]];
  const [p, q] = (br[0] - tl[0]) * (br[1] - tl[1]) > 0 ? [tl, br] : [tr, bl];
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return {
    hasCrop: true,
    left: clamp(Math.min(p[0], q[0])),
    right: clamp(Math.max(p[0], q[0])),
    top: clamp(Math.min(p[1], q[1])),
    bottom: clamp(Math.max(p[1], q[1])),
    // A mirror after the straighten turns the other way on screen.
    angle: isMirror(user) ? -crop.angle : crop.angle,
  };
}

/** An XMP sidecar for the ORIGINAL: Camera Raw crop and angle, orientation, rating, caption, keywords. */
export function buildXmpSidecar(input: XmpSidecarInput): string {
  const { user } = recipeGeometry(input.recipe);
  const crop = cameraRawCrop(input.recipe, input.orientation ?? 1, input.imageSize);
  const finalOrientation = orientationFromMatrix(compose(orientationMatrix(input.orientation ?? 1), user));
  const attrs: Array<[string, string]> = [['crs:HasCrop', crop.hasCrop ? 'True' : 'False']];
  if (crop.hasCrop) {
    attrs.push(
      ['crs:CropTop', xmpNumber(crop.top)],
      ['crs:CropLeft', xmpNumber(crop.left)],
      ['crs:CropBottom', xmpNumber(crop.bottom)],
      ['crs:CropRight', xmpNumber(crop.right)],
      ['crs:CropAngle', xmpNumber(crop.angle)],
      ['crs:CropConstrainToWarp', '0'],
    );
  }
  attrs.push(['tiff:Orientation', String(finalOrientation)]);
  if (input.rating !== undefined) attrs.push(['xmp:Rating', xmpRating(input.rating)]);
  const children: string[] = [];
  if (input.description !== undefined) children.push(xmpDescription(input.description));
  if (input.keywords && input.keywords.length > 0) children.push(xmpBag('dc:subject', input.keywords));
  return xmpPacket(['crs', 'tiff', 'xmp', 'dc'], attrs, children);
}
