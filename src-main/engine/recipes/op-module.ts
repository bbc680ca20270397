import type { Sharp } from 'sharp';
import type { ZodType } from 'zod';

/**
 * The fixed order in which a recipe's effects reach the pixels, whatever order the steps were
 * added in. Within one stage, steps keep their recipe order.
 *
 * - `crop`    crop + straighten, in the coordinates of the ORIENTED original (EXIF orientation is
 *             applied while decoding, before any op runs).
 * - `orient`  quarter turns and flips the photographer asked for.
 * - `tone`    exposure, contrast, highlights/shadows, white balance, saturation, vibrance (all per pixel).
 * - `frame`   export targets (aspect crop or extend); added by the renderer, not by ops.
 * - `resize`  output size.
 * - `detail`  sharpening, after the resize so it is tuned to the output pixels.
 * - `overlay` watermark, drawn on the final canvas.
 * The output encode (format, quality, ICC) always comes last; ops set it through `setOutput`.
 */
export const RENDER_STAGES = ['crop', 'orient', 'tone', 'frame', 'resize', 'detail', 'overlay'] as const;
export type RenderStage = (typeof RENDER_STAGES)[number];

export type PassSize = { width: number; height: number };

/**
 * One sharp pass. The renderer gives every pass its own sharp instance over the previous pass's
 * pixels, because sharp records options and runs them in its own internal order (and a second call
 * to e.g. `linear()` replaces the first): one pass per effect is what makes the stage order real.
 */
export type SharpPass = (image: Sharp, size: PassSize) => Sharp;

/** An in-place per-pixel pass over interleaved RGB samples (0..`maxValue`), for curves sharp lacks. */
export type PixelPass = (samples: Uint16Array, size: PassSize) => void;

export const OUTPUT_FORMATS = ['jpeg', 'webp', 'avif', 'tiff', 'png'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export const COLOUR_SPACES = ['srgb', 'display-p3', 'adobe-rgb'] as const;
export type OutputColourSpace = (typeof COLOUR_SPACES)[number];

export type OutputSpec = {
  format: OutputFormat;
  /** 1..100; ignored by png and by lossless tiff. */
  quality: number;
  tiffBitDepth: 8 | 16;
  colourSpace: OutputColourSpace;
};

/**
 * What an op may do to a render. Intermediate pixels are 16-bit RGB (no alpha), encoded with the
 * sRGB transfer curve on Display P3 primaries, so wide-gamut originals are not clipped mid-recipe.
 */
export interface RenderContext {
  /** True when rendering the cached preview for the loupe: size-dependent ops may simplify. */
  readonly forPreview: boolean;
  /** Largest sample value of the intermediate pixels (16-bit). */
  readonly maxValue: number;
  sharp(stage: RenderStage, pass: SharpPass): void;
  pixels(stage: RenderStage, pass: PixelPass): void;
  setOutput(spec: OutputSpec): void;
}

/**
 * One recipe operation (darktable's iop_api in miniature): its params schema for EVERY version it
 * ever had, a one-step migration from each old version to the next, and how it renders.
 */
export type OpModule<P = unknown> = {
  op: string;
  /** Current params version; new steps are written with it. */
  version: number;
  /** Params schema per version, 1..version. Old versions must stay here forever. */
  schemas: Record<number, ZodType>;
  /** `migrate[n]` turns valid vN params into valid vN+1 params, for n in 1..version-1. */
  migrate: Record<number, (params: never) => unknown>;
  defaults: P;
  apply(ctx: RenderContext, params: P): void;
};

/** Keeps each op file's `apply` typed against its own params while the registry stores them alike. */
export function defineOp<P>(module: OpModule<P>): OpModule<P> {
  return module;
}
