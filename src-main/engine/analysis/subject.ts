import sharp from 'sharp';
import { getPool, type OnnxPool } from './onnx-pool.ts';
import type { ImageSource } from './rgb-image.ts';

export const SUBJECT_MODEL_ID = 'isnet-small';
const SIZE = 1024;
const MASK_SIZE = 64;

export type Subject = {
  /** Bounding box of the mask (> 0.5), fractions of the oriented image; null when nothing stands out. */
  box: { x: number; y: number; w: number; h: number } | null;
  /** Share of the frame the subject covers. */
  coverage: number;
  /** Mean mask value over the subject's pixels: near 1 for a clean cut-out, near 0.5 when unsure. */
  confidence: number;
  /** The mask at 64x64 (stretched like the model input, so fractions map to the oriented image), greyscale PNG. */
  maskPng: Buffer;
};

/** The image stretched to 1024x1024 (no letterbox: ISNet was trained that way), NCHW, (v - 128) / 256. */
async function toTensor(source: ImageSource): Promise<Float32Array> {
  const input = typeof source === 'object' && !Buffer.isBuffer(source)
    ? sharp(source.data, { raw: { width: source.width, height: source.height, channels: 3 } })
    : sharp(source).autoOrient();
  const { data } = await input
    .resize({ width: SIZE, height: SIZE, fit: 'fill' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const plane = SIZE * SIZE;
  const tensor = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    tensor[i] = (data[3 * i]! - 128) / 256;
    tensor[plane + i] = (data[3 * i + 1]! - 128) / 256;
    tensor[2 * plane + i] = (data[3 * i + 2]! - 128) / 256;
  }
  return tensor;
}

/**
 * Rows/columns count as subject only with at least `minRun` foreground pixels, so a few stray
 * speckles far from the subject do not stretch the box.
 */
function maskBox(mask: Float32Array, minRun: number): { box: Subject['box']; count: number; sum: number } {
  const rows = new Uint32Array(SIZE);
  const cols = new Uint32Array(SIZE);
  let count = 0;
  let sum = 0;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const v = mask[y * SIZE + x]!;
      if (v > 0.5) {
        rows[y]!++;
        cols[x]!++;
        count++;
        sum += v;
      }
    }
  }
  const first = (a: Uint32Array) => a.findIndex((c) => c >= minRun);
  const last = (a: Uint32Array) => a.findLastIndex((c) => c >= minRun);
  const x0 = first(cols);
  const y0 = first(rows);
  if (x0 < 0 || y0 < 0) return { box: null, count, sum };
  const x1 = last(cols) + 1;
  const y1 = last(rows) + 1;
  return { box: { x: x0 / SIZE, y: y0 / SIZE, w: (x1 - x0) / SIZE, h: (y1 - y0) / SIZE }, count, sum };
}

/** The salient subject of a photo (ISNet), run in the model's worker: one inference at a time. */
export async function detectSubject(source: ImageSource, options: { pool?: OnnxPool } = {}): Promise<Subject> {
  const pool = options.pool ?? getPool();
  const tensor = await toTensor(source);
  const out = await pool.run(SUBJECT_MODEL_ID, { input: { data: tensor, dims: [1, 3, SIZE, SIZE] } }, ['output']);
  const mask = out.output!.data;
  const { box, count, sum } = maskBox(mask, 3);
  const bytes = Buffer.alloc(SIZE * SIZE);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, mask[i]!)) * 255);
  const maskPng = await sharp(bytes, { raw: { width: SIZE, height: SIZE, channels: 1 } })
    .resize({ width: MASK_SIZE, height: MASK_SIZE, fit: 'fill' })
    .toColourspace('b-w') // else sharp writes the one channel out as RGB
    .png({ compressionLevel: 9 })
    .toBuffer();
  return { box, coverage: count / (SIZE * SIZE), confidence: count ? sum / count : 0, maskPng };
}
