import type { CropsInput, EnhanceInput } from './pixel-math.ts';
import type { RgbImage } from './rgb-image.ts';

/** Messages between pixel-math-pool.ts (main thread) and pixel-math-worker.ts. */
export type MathCall =
  | { fn: 'quality'; input: RgbImage }
  | { fn: 'hash'; input: RgbImage }
  | { fn: 'crops'; input: CropsInput }
  | { fn: 'enhance'; input: EnhanceInput };

export type MathRequest = { id: number; call: MathCall };
/** `code`: the AnalysisError's code when the step threw one. */
export type MathReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string; code: string | null };
