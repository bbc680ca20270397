import { z } from 'zod';
import { OutputMetadata } from '../../../contract/export-metadata.ts';
import { COLOUR_SPACES, OUTPUT_FORMATS, defineOp } from '../op-module.ts';
import type { OutputSpec } from '../op-module.ts';

const v1 = z
  .object({
    format: z.enum(OUTPUT_FORMATS),
    quality: z.number().int().min(1).max(100),
    tiffBitDepth: z.union([z.literal(8), z.literal(16)]),
    colourSpace: z.enum(COLOUR_SPACES),
  })
  .strict();
/** v2: what the file keeps of the original's metadata (`folder`: as the photo's hot folder says). */
const v2 = v1.extend({ metadata: OutputMetadata }).strict();
export type OutputParams = z.infer<typeof v2>;

/** How the render is encoded. The last output step wins; without one, JPEG q90 sRGB. */
export const DEFAULT_OUTPUT: OutputSpec = { format: 'jpeg', quality: 90, tiffBitDepth: 8, colourSpace: 'srgb', metadata: 'folder' };

export const outputOp = defineOp<OutputParams>({
  op: 'output',
  version: 2,
  schemas: { 1: v1, 2: v2 },
  migrate: { 1: (p: z.infer<typeof v1>): OutputParams => ({ ...p, metadata: 'folder' }) },
  defaults: DEFAULT_OUTPUT,
  apply(ctx, p) {
    ctx.setOutput(p);
  },
});
