import type { Recipe } from '../../../contract/recipe.ts';
import type { OrientSpec } from '../../recipes/op-module.ts';
import type { OutputSpec } from '../../recipes/op-module.ts';
import { DEFAULT_MAX_PIXELS, openSource } from './decode.ts';
import type { RenderInput } from './decode.ts';
import { encode, encodeDirect } from './encode.ts';
import type { EmbeddedMetadata, RenderedImage } from './encode.ts';
import { applyExportTarget, targetSize } from './export-targets.ts';
import type { ExportTarget } from './export-targets.ts';
import { cropSize, orientSize, resizedContent, resizedOutput } from './geometry.ts';
import type { Size } from './geometry.ts';
import { runCrop } from './straighten.ts';
import { FRAME_RANK, planLayout } from './layout.ts';
import { runSharpPass } from './pixels.ts';
import type { Pixels } from './pixels.ts';
import { planRender } from './render-plan.ts';
import type { PlannedPass } from './render-plan.ts';
import { RENDER_STAGES } from '../../recipes/op-module.ts';
import type { GeometryStep } from '../../recipes/op-module.ts';
import { runToneSplit } from './tone-split.ts';

export type RenderOptions = {
  /** Refuse originals with more pixels than this (decompression bombs). */
  maxPixels?: number;
  /** Rendering the cached preview for the loupe: no upscaling, JPEG sRGB output. */
  forPreview?: boolean;
  /** Social/print framing, applied after tone and before resize. */
  target?: ExportTarget;
  /** Caps the output's long edge (never enlarges), after the recipe's own resize: for the loupe. */
  maxLongEdge?: number;
  /**
   * What the file says about itself (EXIF, XMP), asked for once the output's format and pixel size
   * are known. Never called for the loupe's preview. Must be a pure function of its input, or
   * replay is no longer byte for byte.
   */
  metadata?: (output: OutputFacts) => EmbeddedMetadata;
  /** false: the 16-bit path even where one sharp pipeline would do (tests compare the two). */
  oneChain?: boolean;
};

/** What the render decided about the output file, for the metadata written into it. */
export type OutputFacts = OutputSpec & { width: number; height: number };

/** What the loupe gets: small, fast to encode, and in the colour space every browser assumes. */
const PREVIEW_OUTPUT: OutputSpec = { format: 'jpeg', quality: 85, tiffBitDepth: 8, colourSpace: 'srgb', metadata: 'folder' };

const sizeOf = (px: Pixels): Size => ({ width: px.width, height: px.height });

async function runOrient(px: Pixels, o: OrientSpec): Promise<Pixels> {
  // One pass each: sharp has its own fixed order for rotate/flip/flop inside one pipeline.
  const degrees = { none: 0, cw90: 90, ccw90: 270, '180': 180 }[o.turn];
  if (degrees !== 0) px = await runSharpPass(px, (image) => image.rotate(degrees));
  if (o.flipH) px = await runSharpPass(px, (image) => image.flop());
  if (o.flipV) px = await runSharpPass(px, (image) => image.flip());
  return px;
}

/**
 * The size a full-resolution render would reach (`virtual`) decides the output size; the pixels in
 * hand are resampled to it once (Lanczos3, skipped when the read already made them that size), then
 * a `cover` crop or `contain` pad is left to sharp, which now has nothing to resample.
 */
async function runResize(px: Pixels, step: Extract<GeometryStep, { kind: 'resize' }>, virtual: Size, last: boolean): Promise<Pixels> {
  const content = resizedContent(step.resize, virtual, step.withoutEnlargement);
  const goal = last
    ? content
    : { width: Math.max(1, Math.round((content.width * px.width) / virtual.width)), height: Math.max(1, Math.round((content.height * px.height) / virtual.height)) };
  if (goal.width !== px.width || goal.height !== px.height) {
    px = await runSharpPass(px, (image) => image.resize(goal.width, goal.height, { fit: 'fill', kernel: 'lanczos3' }));
  }
  const spec = step.resize;
  if (spec.mode === 'box' && (spec.fit === 'cover' || spec.fit === 'contain')) {
    px = await runSharpPass(px, (image) =>
      image.resize({ width: spec.width, height: spec.height, fit: spec.fit, position: 'centre', background: '#000000', withoutEnlargement: step.withoutEnlargement, kernel: 'lanczos3' }),
    );
  }
  return px;
}

/**
 * Renders a PARSED recipe (see parseRecipe) from the original: read with orientation and ICC at
 * about output size (see layout.ts), then the passes in stage order (crop, orient, tone, frame,
 * resize, detail, overlay), all tone steps in one pass over the pixels, then encode.
 * Pure function of (original bytes, recipe, options, sharp version): no clocks, no randomness; the
 * metadata comes from `opts.metadata`, itself pure, so two renders give the same bytes.
 */
export async function renderRecipe(input: RenderInput, recipe: Recipe, opts: RenderOptions = {}): Promise<RenderedImage> {
  const forPreview = opts.forPreview ?? false;
  const plan = planRender(recipe, forPreview, opts.maxLongEdge);
  const source = await openSource(input, opts.maxPixels ?? DEFAULT_MAX_PIXELS);
  const layout = planLayout(plan.passes, { width: source.width, height: source.height }, opts.target);
  const passes = plan.passes.slice(layout.consumed);
  // Nothing after the read (an AI crop, or no step) and sRGB out: one streaming sharp pipeline from
  // the original to the file, without the 16-bit working space (see RenderSource.direct).
  const oneChain = opts.oneChain !== false && passes.length === 0 && !opts.target && !forPreview && plan.output.colourSpace === 'srgb' && !(plan.output.format === 'tiff' && plan.output.tiffBitDepth === 16);
  const chain = oneChain ? source.direct(layout.read) : null;
  if (chain) {
    const size = layout.read.extract ?? { width: source.width, height: source.height };
    const metadata = opts.metadata?.({ ...plan.output, width: size.width, height: size.height }) ?? {};
    return encodeDirect(chain, plan.output, metadata);
  }
  // When tone comes straight after the read, an untagged original's sRGB -> P3 conversion joins the
  // tone pass (and its split across threads) instead of being a pass of its own.
  const first = passes[0];
  const toneFirst = first?.stage === 'tone' && (first.kind === 'curve' || first.kind === 'pixels');
  const read = await source.read({ ...layout.read, deferSrgb: toneFirst });
  let px = read.px;
  let srgbPending = read.srgbPending ?? false;
  let virtual = layout.virtual;
  const lastResize = passes.findLastIndex((p) => p.kind === 'geometry' && p.step.kind === 'resize');
  // Consecutive tone passes, as indices into plan.passes (the helper thread re-plans and slices).
  let toneFrom = -1;
  let toneTo = -1;
  const flushTone = async () => {
    if (toneFrom >= 0) px = await runToneSplit(px, { recipe, forPreview, maxLongEdge: opts.maxLongEdge, passes: plan.passes, from: toneFrom, to: toneTo }, srgbPending);
    toneFrom = -1;
    srgbPending = false;
  };
  let framed = false;
  const frame = async (target: ExportTarget) => {
    await flushTone();
    px = await applyExportTarget(px, target);
    virtual = targetSize(virtual.width, virtual.height, target.aspect, target.strategy);
    framed = true;
  };
  for (const [index, pass] of passes.entries()) {
    if (!framed && opts.target && RENDER_STAGES.indexOf(pass.stage) > FRAME_RANK) await frame(opts.target);
    if (pass.stage === 'tone' && (pass.kind === 'curve' || pass.kind === 'pixels')) {
      const at = layout.consumed + index;
      if (toneFrom < 0) toneFrom = at;
      toneTo = at + 1;
      continue;
    }
    await flushTone();
    px = await runPass(px, pass, virtual, index === lastResize);
    if (pass.kind === 'geometry') virtual = nextVirtual(pass.step, virtual);
  }
  if (!framed && opts.target) await frame(opts.target);
  await flushTone();
  if (forPreview) return encode(px, PREVIEW_OUTPUT);
  const metadata = opts.metadata?.({ ...plan.output, width: px.width, height: px.height }) ?? {};
  return encode(px, plan.output, metadata);
}

async function runPass(px: Pixels, pass: PlannedPass, virtual: Size, lastResize: boolean): Promise<Pixels> {
  switch (pass.kind) {
    case 'sharp':
      return runSharpPass(px, pass.run);
    case 'pixels':
      pass.run(px.data, sizeOf(px));
      return px;
    case 'curve':
      // Curves outside the tone stage do not exist (ctx.curve always files them under tone).
      throw new Error('a curve pass outside the tone stage');
    case 'geometry': {
      const step = pass.step;
      if (step.kind === 'crop') return runCrop(px, step.crop);
      if (step.kind === 'orient') return runOrient(px, step.orient);
      return runResize(px, step, virtual, lastResize);
    }
  }
}

function nextVirtual(step: GeometryStep, virtual: Size): Size {
  if (step.kind === 'crop') return cropSize(step.crop, virtual);
  if (step.kind === 'orient') return orientSize(step.orient, virtual);
  return resizedOutput(step.resize, virtual, step.withoutEnlargement);
}

/**
 * The same recipe on the cached preview (~2048 px): crops are fractions of the oriented image and
 * the watermark scales with the short edge, so the preview shows the same framing as the export.
 */
export function renderPreview(previewPath: string, recipe: Recipe, opts: Omit<RenderOptions, 'forPreview'> = {}): Promise<RenderedImage> {
  return renderRecipe({ path: previewPath }, recipe, { ...opts, forPreview: true });
}
