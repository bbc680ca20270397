import type { Recipe } from '../../contract/recipe.ts';
import { DEFAULT_MAX_PIXELS, decodeOriginal } from './decode.ts';
import type { RenderInput } from './decode.ts';
import { encode } from './encode.ts';
import type { RenderedImage } from './encode.ts';
import { applyExportTarget } from './export-targets.ts';
import type { ExportTarget } from './export-targets.ts';
import { runSharpPass } from './pixels.ts';
import type { Pixels } from './pixels.ts';
import { planRender } from './render-plan.ts';
import type { PlannedPass } from './render-plan.ts';
import { RENDER_STAGES } from '../recipes/op-module.ts';
import type { OutputSpec } from '../recipes/op-module.ts';

const FRAME_RANK = RENDER_STAGES.indexOf('frame');

export type RenderOptions = {
  /** Refuse originals with more pixels than this (decompression bombs). */
  maxPixels?: number;
  /** Rendering the cached preview for the loupe: no upscaling, JPEG sRGB output. */
  forPreview?: boolean;
  /** Social/print framing, applied after tone and before resize. */
  target?: ExportTarget;
};

/** What the loupe gets: small, fast to encode, and in the colour space every browser assumes. */
const PREVIEW_OUTPUT: OutputSpec = { format: 'jpeg', quality: 85, tiffBitDepth: 8, colourSpace: 'srgb' };

async function runPass(px: Pixels, pass: PlannedPass): Promise<Pixels> {
  if (pass.kind === 'sharp') return runSharpPass(px, pass.run);
  pass.run(px.data, { width: px.width, height: px.height });
  return px;
}

/**
 * Renders a PARSED recipe (see parseRecipe) from the original: decode with orientation and ICC,
 * then the passes in stage order (crop, orient, tone, frame, resize, detail, overlay), then encode.
 * Pure function of (original bytes, recipe, options, sharp version): no clocks, no randomness, no
 * metadata besides the ICC profile, so two renders give the same bytes.
 */
export async function renderRecipe(input: RenderInput, recipe: Recipe, opts: RenderOptions = {}): Promise<RenderedImage> {
  const forPreview = opts.forPreview ?? false;
  const plan = planRender(recipe, forPreview);
  let px = await decodeOriginal(input, opts.maxPixels ?? DEFAULT_MAX_PIXELS);
  let framed = false;
  for (const pass of plan.passes) {
    if (!framed && opts.target && RENDER_STAGES.indexOf(pass.stage) > FRAME_RANK) {
      px = await applyExportTarget(px, opts.target);
      framed = true;
    }
    px = await runPass(px, pass);
  }
  if (!framed && opts.target) px = await applyExportTarget(px, opts.target);
  return encode(px, forPreview ? PREVIEW_OUTPUT : plan.output);
}

/**
 * The same recipe on the cached preview (~2048 px): crops are fractions of the oriented image and
 * the watermark scales with the short edge, so the preview shows the same framing as the export.
 */
export function renderPreview(previewPath: string, recipe: Recipe, opts: Omit<RenderOptions, 'forPreview'> = {}): Promise<RenderedImage> {
  return renderRecipe({ path: previewPath }, recipe, { ...opts, forPreview: true });
}
