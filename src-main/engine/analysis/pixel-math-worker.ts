import { parentPort } from 'node:worker_threads';
import { AnalysisError } from './analysis-error.ts';
import { inProcessPixelMath } from './pixel-math.ts';
import type { MathCall, MathReply, MathRequest } from './pixel-math-protocol.ts';
import type { RgbImage } from './rgb-image.ts';
import { lowerThreadPriority } from '../base/background-thread.ts';

lowerThreadPriority();

/**
 * Runs PixelMath steps off the engine's event loop (pixel-math-pool.ts). The pixels
 * arrive as a plain Uint8Array (structured clone drops Buffer's prototype): they are viewed as a
 * Buffer again, without a copy, since the steps were written against sharp's output.
 */
const asBuffer = (rgb: RgbImage): RgbImage => ({ ...rgb, data: Buffer.from(rgb.data.buffer, rgb.data.byteOffset, rgb.data.byteLength) });

function run(call: MathCall): Promise<unknown> {
  switch (call.fn) {
    case 'quality':
      return inProcessPixelMath.quality(asBuffer(call.input));
    case 'hash':
      return inProcessPixelMath.hash(asBuffer(call.input));
    case 'crops':
      return inProcessPixelMath.crops({ ...call.input, rgb: asBuffer(call.input.rgb) });
    case 'enhance':
      return inProcessPixelMath.enhance({ ...call.input, rgb: asBuffer(call.input.rgb) });
  }
}

parentPort!.on('message', ({ id, call }: MathRequest) => {
  run(call).then(
    (result) => parentPort!.postMessage({ id, ok: true, result } satisfies MathReply),
    (error: unknown) =>
      parentPort!.postMessage({ id, ok: false, message: error instanceof Error ? error.message : String(error), code: error instanceof AnalysisError ? error.code : null } satisfies MathReply),
  );
});
