import type { CropBox } from './editor-store.ts';

/** Which part of the crop rectangle a drag holds: an edge, a corner, or the whole box. */
export type Handle = 'n' | 's' | 'e' | 'w' | 'ne' | 'nw' | 'se' | 'sw' | 'move';
export const HANDLES: readonly Handle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

/** Smallest crop side, as a fraction: a handle can never flip the box inside out. */
const MIN = 0.02;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Aspect presets as pixel width / height; `original` is the photo's own (given by the caller). */
export const ASPECTS: ReadonlyArray<{ name: string; label: string; ratio: number | 'original' | null; platform?: string }> = [
  { name: 'free', label: 'Free', ratio: null },
  { name: 'original', label: 'Original', ratio: 'original' },
  { name: '1:1', label: '1:1', ratio: 1 },
  { name: '4:5', label: '4:5', ratio: 4 / 5, platform: 'Instagram portrait' },
  { name: '3:2', label: '3:2', ratio: 3 / 2 },
  { name: '16:9', label: '16:9', ratio: 16 / 9, platform: 'YouTube, widescreen' },
  { name: '9:16', label: '9:16', ratio: 9 / 16, platform: 'Stories, Reels, TikTok' },
  { name: '1.91:1', label: 'Link 1.91:1', ratio: 1.91, platform: 'Link previews: Facebook, LinkedIn, X' },
  { name: '2:3', label: 'Pin 2:3', ratio: 2 / 3, platform: 'Pinterest pin' },
  { name: '3:1', label: 'Header 3:1', ratio: 3, platform: 'X header' },
];

export function aspectRatio(name: string, imageW: number, imageH: number): number | null {
  const found = ASPECTS.find((a) => a.name === name)?.ratio ?? null;
  return found === 'original' ? imageW / imageH : found;
}

/**
 * Moves the held part of the box by (dx, dy) fractions. With a locked ratio (pixel w / h of an
 * image imageW x imageH) the other side follows, anchored at the opposite edge or corner, and the
 * whole box shrinks rather than leave the frame.
 */
export function dragCrop(box: CropBox, handle: Handle, dx: number, dy: number, ratio: number | null, imageW: number, imageH: number): CropBox {
  if (handle === 'move') return { ...box, x: clamp(box.x + dx, 0, 1 - box.w), y: clamp(box.y + dy, 0, 1 - box.h) };
  let x1 = box.x;
  let y1 = box.y;
  let x2 = box.x + box.w;
  let y2 = box.y + box.h;
  if (handle.includes('w')) x1 = clamp(x1 + dx, 0, x2 - MIN);
  if (handle.includes('e')) x2 = clamp(x2 + dx, x1 + MIN, 1);
  if (handle.includes('n')) y1 = clamp(y1 + dy, 0, y2 - MIN);
  if (handle.includes('s')) y2 = clamp(y2 + dy, y1 + MIN, 1);
  if (ratio === null) return { ...box, x: x1, y: y1, w: x2 - x1, h: y2 - y1 };

  // Fraction-space ratio: w / h in fractions equals ratio * imageH / imageW.
  const k = (ratio * imageH) / imageW;
  const vertical = handle === 'n' || handle === 's';
  let w = vertical ? (y2 - y1) * k : x2 - x1;
  let h = w / k;
  // Anchor: the fixed edges; a pure edge handle keeps the other axis centred.
  const ax = handle.includes('w') ? x2 : handle.includes('e') ? x1 : (x1 + x2) / 2;
  const ay = handle.includes('n') ? y2 : handle.includes('s') ? y1 : (y1 + y2) / 2;
  const fx = handle.includes('w') ? 1 : handle.includes('e') ? 0 : 0.5;
  const fy = handle.includes('n') ? 1 : handle.includes('s') ? 0 : 0.5;
  const roomW = fx === 1 ? ax : fx === 0 ? 1 - ax : 2 * Math.min(ax, 1 - ax);
  const roomH = fy === 1 ? ay : fy === 0 ? 1 - ay : 2 * Math.min(ay, 1 - ay);
  const scale = Math.min(1, roomW / w, roomH / h);
  w *= scale;
  h *= scale;
  return { ...box, x: ax - fx * w, y: ay - fy * h, w, h };
}

/** Switching aspect: keep the centre and the width where it fits, else the largest box that does. */
export function fitAspect(box: CropBox, ratio: number | null, imageW: number, imageH: number): CropBox {
  if (ratio === null) return box;
  const k = (ratio * imageH) / imageW;
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  let w = box.w;
  let h = w / k;
  if (h > box.h) {
    h = box.h;
    w = h * k;
  }
  const scale = Math.min(1, 1 / w, 1 / h);
  w *= scale;
  h *= scale;
  return { ...box, w, h, x: clamp(cx - w / 2, 0, 1 - w), y: clamp(cy - h / 2, 0, 1 - h) };
}
