import sharp from 'sharp';

/**
 * Technical quality without weights, on a ~720 px greyscale preview: sharpness (variance of the
 * Laplacian), focus in the centre, exposure (clipping, dark/bright tonal ends), contrast (p5-p95
 * spread) and a noise estimate. Calibrated on the corpus' quality ladders (quality.test.ts).
 */

export type QualityFlag = 'blurry' | 'underexposed' | 'overexposed' | 'low-contrast';

export type Quality = {
  /** 0..1, higher is better: 0.35 sharpness + 0.25 focus + 0.25 exposure + 0.15 contrast. */
  score: number;
  /** 0..1 from log10(Laplacian variance + 1) over the whole preview: 1 -> 0, 3 -> 1. */
  sharpness: number;
  /** 0..1, same scale, on the central half of the frame (where the subject usually is). */
  focus: number;
  exposure: number;
  /** Estimated noise sigma in 8-bit grey levels (Immerkaer's operator on the flattest blocks). Not scored. */
  noise: number;
  /** 0..1, the p5-p95 luminance spread relative to 0.6 of the full range. */
  contrast: number;
  flags: QualityFlag[];
  /** Raw measurements, for tuning and for the UI's tooltips. */
  stats: {
    width: number;
    height: number;
    laplacianVariance: number;
    centreLaplacianVariance: number;
    mean: number;
    p5: number;
    p95: number;
    clippedLow: number;
    clippedHigh: number;
  };
};

/**
 * Flag thresholds. Measured on the corpus: blurred/motion-blurred ladders have log10 variance 0.65-1.62
 * on both whole and centre, every sharp photo >= 2.39; underexposed ladders have p95 42-52, the darkest
 * well-exposed photos (rocket, night concert) 107-138; overexposed ladders clip 27-63% of pixels at
 * >= 250, sharp photos at most 2%.
 */
export const QUALITY_THRESHOLDS = {
  blurryBelowLogVariance: 1.8,
  underexposedP95Below: 96,
  overexposedClippedAbove: 0.1,
  overexposedMeanAbove: 205,
  lowContrastSpreadBelow: 0.25,
} as const;

export const PREVIEW_SIZE = 720;

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

function laplacianVariance(L: Uint8Array, w: number, x0: number, y0: number, x1: number, y1: number): number {
  // Plain JS rather than sharp's convolve: an 8-bit convolution result clips the negative half of
  // the response (or needs an offset and still clips strong edges); this pass takes ~2 ms at 720 px.
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = y * w + x;
      const v = L[i - 1]! + L[i + 1]! + L[i - w]! + L[i + w]! - 4 * L[i]!;
      sum += v;
      sum2 += v * v;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sum2 / n - mean * mean;
}

/**
 * Immerkaer's fast noise estimate, per 8x8 block; the 10th percentile of unclipped blocks is taken so
 * that texture and edges (which the operator also responds to) do not count as noise.
 */
function noiseSigma(L: Uint8Array, w: number, h: number): number {
  const B = 8;
  // A typed array sorted without a comparator: a comparator's fractional answers are boxed on the
  // heap, once per comparison (thousands of blocks a photo).
  const blocks = new Float64Array(Math.ceil(w / B) * Math.ceil(h / B));
  let count = 0;
  for (let by = 1; by + B < h; by += B) {
    for (let bx = 1; bx + B < w; bx += B) {
      let s = 0;
      let min = 255;
      let max = 0;
      for (let y = by; y < by + B; y++) {
        for (let x = bx; x < bx + B; x++) {
          const i = y * w + x;
          min = Math.min(min, L[i]!);
          max = Math.max(max, L[i]!);
          s += Math.abs(
            L[i - w - 1]! - 2 * L[i - w]! + L[i - w + 1]! - 2 * L[i - 1]! + 4 * L[i]! - 2 * L[i + 1]! + L[i + w - 1]! - 2 * L[i + w]! + L[i + w + 1]!,
          );
        }
      }
      // A block clipped to black or white has no measurable noise, only lost detail.
      if (max < 5 || min > 250) continue;
      blocks[count++] = (Math.sqrt(Math.PI / 2) * s) / (6 * B * B);
    }
  }
  if (count === 0) return 0;
  const sorted = blocks.subarray(0, count).sort();
  return sorted[Math.floor(count * 0.1)]!;
}

const logScale = (variance: number) => clamp01((Math.log10(variance + 1) - 1) / 2);

/** Quality of an 8-bit greyscale image (row-major, width x height). */
export function qualityFromGrey(L: Uint8Array, width: number, height: number): Quality {
  if (width < 1 || height < 1 || L.length !== width * height) throw new RangeError(`expected ${width}x${height} grey samples, got ${L.length}`);
  // A 1-2 px image (a tracking pixel, a placeholder PNG) has tones but no neighbours to measure
  // detail or noise with: those read 0 and it is not called blurry, rather than the whole analysis failing.
  const detail = width >= 3 && height >= 3;
  const t = QUALITY_THRESHOLDS;
  const hist = new Uint32Array(256);
  let sum = 0;
  for (let i = 0; i < L.length; i++) {
    hist[L[i]!]!++;
    sum += L[i]!;
  }
  const n = L.length;
  const mean = sum / n;
  const percentile = (p: number) => {
    let c = 0;
    for (let v = 0; v < 256; v++) {
      c += hist[v]!;
      if (c >= p * n) return v;
    }
    return 255;
  };
  const p5 = percentile(0.05);
  const p95 = percentile(0.95);
  let low = 0;
  let high = 0;
  for (let v = 0; v < 5; v++) low += hist[v]!;
  for (let v = 250; v < 256; v++) high += hist[v]!;
  const clippedLow = low / n;
  const clippedHigh = high / n;

  const lapVar = detail ? laplacianVariance(L, width, 1, 1, width - 1, height - 1) : 0;
  const cx0 = Math.max(1, Math.floor(width / 4));
  const cy0 = Math.max(1, Math.floor(height / 4));
  const centreVar = detail ? laplacianVariance(L, width, cx0, cy0, Math.min(width - 1, width - cx0), Math.min(height - 1, height - cy0)) : 0;
  const sharpness = logScale(lapVar);
  const focus = logScale(centreVar);

  // Blown highlights are lost for good, so they weigh most; deep shadows are often the scene
  // (night, stage) and only count beyond a quarter of the frame. Dark or bright tonal ends add a penalty.
  const highPenalty = Math.min(1, clippedHigh * 3);
  const lowPenalty = Math.min(1, Math.max(0, clippedLow - 0.25) * 1.5);
  const darkPenalty = clamp01((128 - p95) / 128);
  const brightPenalty = clamp01((p5 - 100) / 155);
  const exposure = clamp01(1 - highPenalty - lowPenalty - darkPenalty - brightPenalty);

  const spread = (p95 - p5) / 255;
  const contrast = clamp01(spread / 0.6);

  const flags: QualityFlag[] = [];
  if (detail && Math.log10(Math.max(lapVar, centreVar) + 1) < t.blurryBelowLogVariance) flags.push('blurry');
  if (p95 < t.underexposedP95Below) flags.push('underexposed');
  if (clippedHigh > t.overexposedClippedAbove || mean > t.overexposedMeanAbove) flags.push('overexposed');
  if (spread < t.lowContrastSpreadBelow) flags.push('low-contrast');

  return {
    score: 0.35 * sharpness + 0.25 * focus + 0.25 * exposure + 0.15 * contrast,
    sharpness,
    focus,
    exposure,
    noise: detail ? noiseSigma(L, width, height) : 0,
    contrast,
    flags,
    stats: { width, height, laplacianVariance: lapVar, centreLaplacianVariance: centreVar, mean, p5, p95, clippedLow, clippedHigh },
  };
}

/**
 * Quality of a photo (file path or encoded buffer). Small photos are not enlarged: upsampling would
 * read as blur. The preview is oriented so "centre" means what the viewer sees.
 */
export async function assessQuality(source: string | Buffer): Promise<Quality> {
  const { data, info } = await sharp(source)
    .autoOrient()
    .resize({ width: PREVIEW_SIZE, height: PREVIEW_SIZE, fit: 'inside', withoutEnlargement: true })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected a 1-channel preview, got ${info.channels}`);
  return qualityFromGrey(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height);
}

/**
 * Quality from already decoded, oriented RGB (the analysis job decodes each photo once for every
 * model). Same 720 px greyscale preview as assessQuality, so the calibrated thresholds hold.
 */
export async function assessQualityRgb(image: { data: Buffer; width: number; height: number }): Promise<Quality> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize({ width: PREVIEW_SIZE, height: PREVIEW_SIZE, fit: 'inside', withoutEnlargement: true })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return qualityFromGrey(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height);
}
