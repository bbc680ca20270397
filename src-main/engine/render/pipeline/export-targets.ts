import { CHANNELS, MAX_VALUE, fromPixels, runSharpPass, toPixels } from './pixels.ts';
import type { Pixels } from './pixels.ts';

/** Social/print aspect presets. `aspect` is width / height. */
export const EXPORT_TARGET_IDS = ['square', 'portrait-4x5', 'story-9x16', 'landscape-16x9', 'classic-3x2'] as const;
export type ExportTargetId = (typeof EXPORT_TARGET_IDS)[number];

export const TARGET_ASPECTS: Record<ExportTargetId, number> = {
  square: 1,
  'portrait-4x5': 4 / 5,
  'story-9x16': 9 / 16,
  'landscape-16x9': 16 / 9,
  'classic-3x2': 3 / 2,
};

export type ExportTarget = {
  id: ExportTargetId;
  aspect: number;
  /** `crop`: the largest centred frame of that aspect inside the recipe's result. `extend`: pad the canvas out to it. */
  strategy: 'crop' | 'extend';
  /** Padding for `extend`: a blurred, darkened, enlarged copy of the photo, or a solid colour. */
  background: 'blur' | `#${string}`;
};

export function exportTarget(id: ExportTargetId, strategy: ExportTarget['strategy'] = 'crop', background: ExportTarget['background'] = 'blur'): ExportTarget {
  if (background !== 'blur' && !/^#[0-9a-fA-F]{6}$/.test(background)) throw new RangeError(`background must be 'blur' or #rrggbb, got ${background}`);
  return { id, aspect: TARGET_ASPECTS[id], strategy, background };
}

/** Frame size for a target: the crop shrinks one side, the extend grows one side. */
export function targetSize(width: number, height: number, aspect: number, strategy: ExportTarget['strategy']): { width: number; height: number } {
  const wide = width / height > aspect;
  if (strategy === 'crop') {
    return wide ? { width: Math.max(1, Math.round(height * aspect)), height } : { width, height: Math.max(1, Math.round(width / aspect)) };
  }
  return wide ? { width, height: Math.round(width / aspect) } : { width: Math.round(height * aspect), height };
}

/** How much the blurred backdrop is darkened, so the photo stands out from it. */
const BACKDROP_GAIN = 0.55;

/**
 * Applied after tone (so the backdrop has the photo's look) and before resize (so the output size
 * applies to the whole canvas). AI placement of the crop comes later; for now the frame is centred.
 */
export async function applyExportTarget(px: Pixels, target: ExportTarget): Promise<Pixels> {
  const size = targetSize(px.width, px.height, target.aspect, target.strategy);
  if (size.width === px.width && size.height === px.height) return px;
  if (target.strategy === 'crop') {
    const left = Math.floor((px.width - size.width) / 2);
    const top = Math.floor((px.height - size.height) / 2);
    return runSharpPass(px, (image) => image.extract({ left, top, ...size }));
  }
  const canvas = new Uint16Array(size.width * size.height * CHANNELS);
  if (target.background === 'blur') {
    // A Gaussian this wide (sigma = 2% of the long edge) has nothing left above a few cycles per
    // frame, so it is computed on a copy shrunk by up to 8 and scaled back up: the same look for a
    // fraction of the cost (a full-size 16-bit blur of a 2048 x 3641 story canvas took seconds).
    const sigma = Math.max(1, Math.max(size.width, size.height) / 50);
    const factor = Math.max(1, Math.min(8, Math.floor(sigma / 2)));
    const small = { width: Math.max(1, Math.round(size.width / factor)), height: Math.max(1, Math.round(size.height / factor)) };
    const blurred = await toPixels(
      fromPixels(px).resize({ ...small, fit: 'cover', kernel: 'lanczos3' }).blur(Math.max(0.3, sigma / factor)).linear(BACKDROP_GAIN, 0),
    );
    const backdrop = factor === 1 ? blurred : await runSharpPass(blurred, (image) => image.resize(size.width, size.height, { fit: 'fill', kernel: 'cubic' }));
    canvas.set(backdrop.data);
  } else {
    // Solid colours are filled here, not by sharp's extend(): sharp scales 8-bit colours to 16 bits
    // by 256, so white would come out as 65280 and encode as 254. The colour is taken as P3-encoded.
    const rgb = [1, 3, 5].map((i) => Math.round((parseInt(target.background.slice(i, i + 2), 16) / 255) * MAX_VALUE));
    for (let i = 0; i < canvas.length; i += CHANNELS) canvas.set(rgb, i);
  }
  const left = Math.floor((size.width - px.width) / 2);
  const top = Math.floor((size.height - px.height) / 2);
  const rowLength = px.width * CHANNELS;
  for (let y = 0; y < px.height; y++) {
    canvas.set(px.data.subarray(y * rowLength, (y + 1) * rowLength), ((top + y) * size.width + left) * CHANNELS);
  }
  return { data: canvas, ...size };
}

