/**
 * Content moderation: the NSFW classifier's five class probabilities and a three-level flag.
 *
 * WHY THE "MID" MOBILENETV2 AND NOT THE SMALLER ONE: nsfwjs@4.4.0 carries three models. The smallest
 * (mobilenet_v2, 2.6 MB of weights) is a Keras *layers* model: running it needs
 * @tensorflow/tfjs-layers, which the project does not depend on (and our rules forbid adding a
 * package in passing). mobilenet_v2_mid (4.3 MB, also 224x224, ~93 % accuracy per its README vs ~90 %)
 * is a tfjs *graph* model: like the COCO detector it runs on onnxruntime once converted
 * (models/tfjs-to-onnx.ts; 26 ms per photo against 74 ms on tfjs-backend-wasm), with no new dependency. inception_v3 (28 MB,
 * 299x299) is much bigger for a flag. Measured on our 2-core machine: see moderate.corpus.test.ts.
 *
 * Input (nsfwjs's own pre-processing, read from its README and core): RGB, the whole image stretched
 * to 224x224 (no crop, no letterbox), values / 255 into [0, 1], NHWC [1, 224, 224, 3]. Output
 * `Identity:0` [1, 5]: softmax over Drawing, Hentai, Neutral, Porn, Sexy (that order).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { ModerationFlag, ModerationLabel, ModerationResult } from '../../../contract/analysis.ts';
import { defaultModelsDir, loadManifest, weightPath } from '../model-manifest.ts';
import { getPool, type OnnxPool } from '../onnx-pool.ts';
import type { RgbImage } from '../rgb-image.ts';

export const MODERATION_MODEL_ID = 'nsfwjs-mobilenet-v2-mid';
export const MODERATION_INPUT_SIZE = 224;
const INPUT_NAME = 'input';
const OUTPUT_NAME = 'Identity:0';

/** The model's output order. */
export const MODERATION_LABELS: readonly ModerationLabel[] = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];

/**
 * The flag is two "more likely than not" calls on the model's mutually exclusive classes, so it
 * needs no constant tuned on explicit photos (the corpus has none to tune on):
 * - explicit: Porn + Hentai >= 0.5, i.e. the model puts most of its belief on an explicit class;
 * - suggestive: otherwise, Sexy + Porn + Hentai >= 0.5, i.e. it finds the photo more likely unsafe
 *   than safe (Drawing, Neutral) without it being mostly explicit;
 * - safe: the rest. On the corpus the highest unsafe mass is ~0.04 (see the corpus test), far from 0.5.
 * The probabilities are stored with the flag, so a stricter policy can be applied later without a rerun.
 */
export const EXPLICIT_AT = 0.5;
export const SUGGESTIVE_AT = 0.5;

export function moderationFlag(p: Record<ModerationLabel, number>): ModerationFlag {
  const explicit = p.Porn + p.Hentai;
  if (explicit >= EXPLICIT_AT) return 'explicit';
  if (explicit + p.Sexy >= SUGGESTIVE_AT) return 'suggestive';
  return 'safe';
}

/**
 * Moderation runs "where available": when `npm run models` has put its files in place. Without
 * them the analysis simply has no moderation step (no failed row, no error): a presence check, not
 * a hash; the pool hashes the files before their first load.
 */
export function moderationInstalled(modelsDir = defaultModelsDir): boolean {
  const model = loadManifest(modelsDir).models.find((m) => m.id === MODERATION_MODEL_ID);
  if (!model) return false;
  return existsSync(weightPath(model, modelsDir)) && (model.companions ?? []).every((c) => existsSync(path.join(modelsDir, 'weights', c.file)));
}

/** NHWC float32 [1, 224, 224, 3] in [0, 1] from the shared analysis decode. */
export async function moderationInput(image: RgbImage, size = MODERATION_INPUT_SIZE): Promise<Float32Array> {
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize({ width: size, height: size, fit: 'fill' })
    .raw()
    .toBuffer();
  const out = new Float32Array(size * size * 3);
  for (let i = 0; i < out.length; i++) out[i] = data[i]! / 255;
  return out;
}

/** Class probabilities from the raw output, checked: five finite values summing to ~1. */
export function moderationResult(output: Float32Array): ModerationResult {
  if (output.length !== MODERATION_LABELS.length) throw new Error(`the moderation model returned ${output.length} values, expected ${MODERATION_LABELS.length}`);
  const sum = output.reduce((a, b) => a + b, 0);
  if (!output.every((v) => Number.isFinite(v) && v >= 0) || Math.abs(sum - 1) > 1e-3) throw new Error(`the moderation model's output is not a probability vector (sum ${sum})`);
  const p = Object.fromEntries(MODERATION_LABELS.map((label, i) => [label, output[i]!])) as Record<ModerationLabel, number>;
  const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
  return {
    classes: MODERATION_LABELS.map((label) => ({ label, probability: r4(p[label]) })).sort((a, b) => b.probability - a.probability),
    flag: moderationFlag(p),
  };
}

export async function moderate(image: RgbImage, options: { pool?: OnnxPool } = {}): Promise<ModerationResult> {
  const pool = options.pool ?? getPool();
  const size = MODERATION_INPUT_SIZE;
  const out = await pool.run(MODERATION_MODEL_ID, { [INPUT_NAME]: { data: await moderationInput(image), dims: [1, size, size, 3] } }, [OUTPUT_NAME]);
  return moderationResult(out[OUTPUT_NAME]!.data);
}
