import { RENDER_STAGES } from '../../recipes/op-module.ts';
import type { ExportTarget } from './export-targets.ts';
import { targetSize } from './export-targets.ts';
import { cropRect, cropSize, orientSize, resizedContent, resizedOutput, straightenBox, swapsAxes } from './geometry.ts';
import type { Size, StraightenBox } from './geometry.ts';
import type { ReadRequest } from './decode.ts';
import type { PlannedPass } from './render-plan.ts';

export const FRAME_RANK = RENDER_STAGES.indexOf('frame');
const rank = (p: PlannedPass) => RENDER_STAGES.indexOf(p.stage);

/**
 * How to read the original: the decoder cuts the first crop out and resamples straight to the
 * output scale (Lanczos3, at 8 bits for 8-bit originals), so every later pass, tone included,
 * works on about as many pixels as the output has.
 * `virtual` is the size the image would have at this point in a full-resolution render: the last
 * resize aims at the size a full-resolution render would produce, so the output is the same size.
 */
export type Layout = {
  read: ReadRequest;
  /** Passes taken over by the read (the first crop, straightened or not), not to be run again. */
  consumed: number;
  virtual: Size;
};

/** The scale from the size before the first resize to the final output content, per axis. */
function outputScale(passes: PlannedPass[], full: Size, target: ExportTarget | undefined) {
  let v = full;
  let swapped = false;
  let framed = false;
  let sx = 1, sy = 1;
  let resizes = 0;
  let content = full;
  for (const p of passes) {
    if (p.kind !== 'geometry') continue;
    if (!framed && target && rank(p) > FRAME_RANK) {
      v = targetSize(v.width, v.height, target.aspect, target.strategy);
      framed = true;
    }
    const step = p.step;
    if (step.kind === 'crop') v = cropSize(step.crop, v);
    else if (step.kind === 'orient') {
      if (swapsAxes(step.orient)) swapped = !swapped;
      v = orientSize(step.orient, v);
    } else {
      content = resizedContent(step.resize, v, step.withoutEnlargement);
      sx *= content.width / v.width;
      sy *= content.height / v.height;
      v = resizedOutput(step.resize, v, step.withoutEnlargement);
      resizes++;
    }
  }
  // In the original's axes: quarter turns happen after the read.
  return { sx: swapped ? sy : sx, sy: swapped ? sx : sy, resizes, content: swapped ? { width: content.height, height: content.width } : content };
}

const scaleSize = (s: Size, sx: number, sy: number): Size => ({ width: Math.max(1, Math.round(s.width * sx)), height: Math.max(1, Math.round(s.height * sy)) });

export function planLayout(passes: PlannedPass[], full: Size, target: ExportTarget | undefined): Layout {
  // A sharp pass that may move pixels before the resize makes the geometry unknowable in advance.
  const known = passes.every((p) => p.kind !== 'sharp' || rank(p) > RENDER_STAGES.indexOf('resize'));
  const first = passes[0];
  const firstCrop = first?.kind === 'geometry' && first.step.kind === 'crop' ? first.step.crop : undefined;
  const scale = known ? outputScale(passes, full, target) : undefined;
  const shrink = scale !== undefined && scale.sx < 1 && scale.sy < 1 ? scale : undefined;
  if (!firstCrop) return { read: { size: shrink && scaleSize(full, shrink.sx, shrink.sy) }, consumed: 0, virtual: full };
  const virtual = cropSize(firstCrop, full);
  const crops = passes.filter((p) => p.kind === 'geometry' && p.step.kind === 'crop').length;
  // The common case (crop, maybe quarter turns, one resize, no frame): read straight at the output
  // size, so the resize pass has nothing left to do. Otherwise the last resize evens out rounding.
  const exact = shrink !== undefined && shrink.resizes === 1 && crops === 1 && !target;
  if (firstCrop.angle !== 0) {
    const box = straightenBox(firstCrop, full);
    if (!shrink) return { read: { extract: box.box, straighten: { crop: firstCrop, box } }, consumed: 1, virtual };
    // The box is read at three times the output scale (at most full size): the frame is cut on
    // whole pixels after the rotation, which at output scale would shift the picture by up to half
    // a pixel; the cut frame is then brought to output scale.
    const size = scaleSize(box.box, Math.min(1, 3 * shrink.sx), Math.min(1, 3 * shrink.sy));
    const kx = size.width / box.box.width, ky = size.height / box.box.height;
    const scaled: StraightenBox = { box: { left: 0, top: 0, ...size }, cx: box.cx * kx, cy: box.cy * ky, width: box.width * kx, height: box.height * ky };
    const frame = exact ? shrink.content : scaleSize(virtual, shrink.sx, shrink.sy);
    return { read: { extract: box.box, size, straighten: { crop: firstCrop, box: scaled, size: frame } }, consumed: 1, virtual };
  }
  const extract = cropRect(firstCrop, full);
  if (!shrink) return { read: { extract }, consumed: 1, virtual };
  return { read: { extract, size: exact ? shrink.content : scaleSize(extract, shrink.sx, shrink.sy) }, consumed: 1, virtual };
}
