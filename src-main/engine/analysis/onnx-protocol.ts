/** Messages between onnx-pool.ts (main thread) and onnx-worker.ts (one worker per model). */

/** float32 for pixels; int64 for token ids (CLIP's text encoder takes `input_ids` as int64). */
export type TensorData = { data: Float32Array; dims: number[] };
export type FeedData = TensorData | { data: BigInt64Array; dims: number[] };

export type WorkerInit = {
  modelPath: string;
  intraOpNumThreads: number;
  /**
   * Which worker runs the model: onnxruntime (default); onnxruntime on the ONNX file converted from
   * a tfjs graph model (models/converted-model.ts; its tensors are named the tfjs way); or
   * tfjs-backend-wasm for a tfjs graph with ops the converter does not know.
   */
  runtime?: 'onnx' | 'tfjs-converted' | 'tfjs';
  /** Folders where the model, once optimised, is kept (models/optimized-session.ts), in order of preference. */
  optimizedDirs?: string[];
};

export type RunRequest = {
  id: number;
  feeds: Record<string, FeedData>;
  outputNames: string[];
};

export type RunReply =
  | { id: number; ok: true; outputs: Record<string, TensorData>; ms: number }
  | { id: number; ok: false; message: string };
