import { z } from 'zod';
import { defineOp } from '../op-module.ts';
import { escapeXml } from '../../base/xml-escape.ts';

export const WATERMARK_POSITIONS = [
  'top-left', 'top', 'top-right',
  'left', 'center', 'right',
  'bottom-left', 'bottom', 'bottom-right',
] as const;

const v1 = z
  .object({
    text: z.string().min(1).max(200),
    position: z.enum(WATERMARK_POSITIONS),
    opacity: z.number().min(0).max(1),
    /** Font size as a fraction of the image's SHORT edge, so it looks the same at every output size. */
    fontSize: z.number().min(0.005).max(0.5),
    colour: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'colour must look like #rrggbb'),
  })
  .strict();
export type WatermarkParams = z.infer<typeof v1>;

const PLACEMENT: Record<WatermarkParams['position'], ['top' | 'middle' | 'bottom', 'left' | 'center' | 'right']> = {
  'top-left': ['top', 'left'], top: ['top', 'center'], 'top-right': ['top', 'right'],
  left: ['middle', 'left'], center: ['middle', 'center'], right: ['middle', 'right'],
  'bottom-left': ['bottom', 'left'], bottom: ['bottom', 'center'], 'bottom-right': ['bottom', 'right'],
};

/**
 * The text as a full-canvas SVG (rendered by librsvg inside sharp). The margin is half the font
 * size. Fonts come from fontconfig: DejaVu Sans or Liberation Sans are on our Debian machines, so the
 * same machine renders the same pixels; another machine may pick another fallback font.
 */
export function watermarkSvg(p: WatermarkParams, width: number, height: number): string {
  const size = Math.max(1, Math.round(p.fontSize * Math.min(width, height)));
  const margin = Math.round(size / 2);
  const [v, hz] = PLACEMENT[p.position];
  const x = hz === 'left' ? margin : hz === 'right' ? width - margin : width / 2;
  const anchor = hz === 'left' ? 'start' : hz === 'right' ? 'end' : 'middle';
  // y is the baseline: ascent ~0.8 em, descent ~0.2 em for these fonts.
  const y = v === 'top' ? margin + size * 0.8 : v === 'bottom' ? height - margin - size * 0.2 : height / 2 + size * 0.3;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<text x="${x}" y="${y}" text-anchor="${anchor}" font-family="DejaVu Sans, Liberation Sans, sans-serif" ` +
    `font-size="${size}" fill="${p.colour}" fill-opacity="${p.opacity}">${escapeXml(p.text)}</text></svg>`
  );
}

export const watermarkOp = defineOp<WatermarkParams>({
  op: 'watermark',
  version: 1,
  schemas: { 1: v1 },
  migrate: {},
  defaults: { text: '©', position: 'bottom-right', opacity: 0.6, fontSize: 0.04, colour: '#ffffff' },
  apply(ctx, p) {
    if (p.opacity === 0) return;
    // Composite in 16-bit: sharp's default compositing space is 8-bit sRGB.
    ctx.sharp('overlay', (image, size) =>
      image
        .pipelineColourspace('rgb16')
        .composite([{ input: Buffer.from(watermarkSvg(p, size.width, size.height)), left: 0, top: 0 }])
        .removeAlpha(),
    );
  },
});
