import sharp from 'sharp';
import type { RgbImage } from './rgb-image.ts';

/**
 * Straighten angle from strong near-horizontal lines (a horizon, a table edge, a roof line).
 * sharp makes a small, lightly blurred greyscale copy; the Sobel gradients are computed here in JS
 * because sharp's convolution output is cast back to 8 bits and loses the negative half (measured:
 * a bright-to-dark edge comes out as 0), while a tilt of 1-3 degrees needs the gradient's sign and
 * precision. At 512 px this pass costs a few ms.
 */

export type StraightenEstimate = {
  /** Degrees with the crop op's sign: positive turns the picture counter-clockwise. 0 when not confident. */
  angle: number;
  /** 0..1: how much of the strong edge mass lies along the one dominant direction. */
  confidence: number;
  /** The dominant near-horizontal direction found, degrees (even when not confident). */
  measured: number;
};

export const STRAIGHTEN_DEFAULTS = {
  /** Lines further than this from horizontal are taken as intended (a diagonal, not a tilt). */
  maxAngle: 8,
  /** Below this the photo is level enough; nobody sees a 0.3 degree tilt. */
  minAngle: 0.4,
  /** Share of all strong-edge weight that must lie in the dominant direction (within +-0.5 degree). */
  minConfidence: 0.12,
  /** The dominant line's weight, in units of the image width, must be at least this (one long line ~ 1). */
  minLineLength: 0.6,
  workingSize: 512,
};

export type StraightenOptions = Partial<typeof STRAIGHTEN_DEFAULTS>;

const BIN = 0.1; // degrees

/** From 8-bit grey pixels (row-major). */
export function straightenFromGrey(L: Uint8Array, width: number, height: number, options: StraightenOptions = {}): StraightenEstimate {
  const o = { ...STRAIGHTEN_DEFAULTS, ...options };
  const bins = Math.round((2 * o.maxAngle) / BIN) + 1;
  const hist = new Float64Array(bins);
  const lengths = new Float64Array(bins);
  let strongTotal = 0;
  // An edge counts as strong above this Sobel magnitude (4x a 25-level step): texture and noise stay out.
  const strong = 100;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const a = L[i - width - 1]!, b = L[i - width]!, c = L[i - width + 1]!;
      const d = L[i - 1]!, f = L[i + 1]!;
      const g = L[i + width - 1]!, h = L[i + width]!, k = L[i + width + 1]!;
      const gx = c + 2 * f + k - a - 2 * d - g;
      const gy = g + 2 * h + k - a - 2 * b - c;
      // Compared squared first: most pixels are not on an edge, and Math.hypot is many times slower than a square root.
      const mag2 = gx * gx + gy * gy;
      if (mag2 < strong * strong) continue;
      const mag = Math.sqrt(mag2);
      strongTotal += mag;
      // The line runs perpendicular to the gradient: for y = x tan(t) (y down) the normal is (-sin t, cos t).
      const t = (Math.atan(-gx / gy) * 180) / Math.PI;
      if (!Number.isFinite(t) || Math.abs(t) > o.maxAngle) continue;
      const bin = Math.round((t + o.maxAngle) / BIN);
      hist[bin]! += mag;
      lengths[bin]! += 1;
    }
  }
  if (strongTotal === 0) return { angle: 0, confidence: 0, measured: 0 };
  // Peak of the histogram smoothed over +-0.5 degree, then its weighted mean angle.
  const half = Math.round(0.5 / BIN);
  let best = -1;
  let bestMass = 0;
  for (let i = 0; i < bins; i++) {
    let mass = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(bins - 1, i + half); j++) mass += hist[j]!;
    if (mass > bestMass) {
      bestMass = mass;
      best = i;
    }
  }
  let sum = 0;
  let weight = 0;
  let count = 0;
  for (let j = Math.max(0, best - half); j <= Math.min(bins - 1, best + half); j++) {
    sum += hist[j]! * (j * BIN - o.maxAngle);
    weight += hist[j]!;
    count += lengths[j]!;
  }
  const measured = weight > 0 ? sum / weight : 0;
  const confidence = bestMass / strongTotal;
  // Sobel marks a sharp edge about 2 px thick.
  const lineLength = count / 2 / width;
  const confident = confidence >= o.minConfidence && lineLength >= o.minLineLength && Math.abs(measured) >= o.minAngle;
  return { angle: confident ? Math.round(measured * 10) / 10 : 0, confidence: Math.min(1, confidence), measured };
}

export async function estimateStraighten(image: RgbImage, options: StraightenOptions = {}): Promise<StraightenEstimate> {
  const size = options.workingSize ?? STRAIGHTEN_DEFAULTS.workingSize;
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .greyscale()
    .resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true })
    // A light blur keeps JPEG blocks and fine texture from voting.
    .blur(0.8)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return straightenFromGrey(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height, options);
}
