import type { Sharp } from 'sharp';
import { z, type ZodType } from 'zod';
import type { OutputMetadata } from '../../contract/export-metadata.ts';

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

/**
 * A per-channel tone curve on encoded values in 0..1 (channel 0 = R, 1 = G, 2 = B). The renderer
 * clips each curve's result to 0..1 (as a 16-bit pass would) and folds runs of curves into one
 * lookup table per channel, so five sliders cost one table lookup per sample.
 */
export type ChannelCurve = (value: number, channel: 0 | 1 | 2) => number;

/** Crop + straighten in fractions of the oriented original; see crop-geometry.ts. */
export type CropSpec = { x: number; y: number; w: number; h: number; angle: number };
export type OrientSpec = { turn: 'none' | 'cw90' | 'ccw90' | '180'; flipH: boolean; flipV: boolean };
export type ResizeSpec =
  | { mode: 'long-edge'; longEdge: number }
  | { mode: 'box'; width?: number | undefined; height?: number | undefined; fit: 'inside' | 'cover' | 'contain' | 'fill' };

/**
 * Geometry is declared, not run, so the renderer can work out the output size before it decodes:
 * it then reads the original straight at (about) output size and does the tone work on those pixels.
 */
export type GeometryStep =
  | { kind: 'crop'; crop: CropSpec }
  | { kind: 'orient'; orient: OrientSpec }
  | { kind: 'resize'; resize: ResizeSpec; withoutEnlargement: boolean };

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
  /** What the file keeps of the original's metadata; `folder` defers to the hot folder's choice. */
  metadata: OutputMetadata;
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
  /**
   * A curve in the `tone` stage (recipe order is kept among all tone steps). `perChannel` false
   * (the default) promises the curve ignores its channel argument: one table then serves all three.
   */
  curve(curve: ChannelCurve, perChannel?: boolean): void;
  /** Crop (stage `crop`), quarter turns/flips (`orient`) or output size (`resize`). */
  geometry(step: GeometryStep): void;
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

const AmountV1 = z.object({ amount: z.number().min(-100).max(100) }).strict();
export type AmountParams = z.infer<typeof AmountV1>;

/**
 * A v1 op whose only param is an `amount` in -100..100 and whose 0 changes nothing (contrast,
 * saturation, vibrance). An op that needs a v2 leaves this helper for a full defineOp.
 */
export function defineAmountOp(op: string, apply: (ctx: RenderContext, amount: number) => void): OpModule<AmountParams> {
  return {
    op,
    version: 1,
    schemas: { 1: AmountV1 },
    migrate: {},
    defaults: { amount: 0 },
    apply(ctx, params) {
      if (params.amount !== 0) apply(ctx, params.amount);
    },
  };
}
