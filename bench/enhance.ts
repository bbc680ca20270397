// Auto-enhance quality benchmark (not a test): reference photos from the corpus get known faults made
// in linear light (test-support/enhance-faults.ts), saved as JPEG q95; each is auto-enhanced exactly as the
// product does it (decode for analysis, BlazeFace, the enhance analysis, then the real renderer on the
// proposed steps), and compared with its reference by mean CIEDE2000, next to what a user could script
// (grey-world white balance + sharp's normalise()) and to doing nothing. The "no harm" row is the
// untouched references. Tuning and report halves are fixed by enhance-faults.ts splitOf().
// ΔE is over every 3rd pixel of the 1024 px images; the enhance time is proposeEnhance alone, after decode and faces.
// --oracle adds the ceiling: each fault undone with the exact inverse parameters through the same recipe
// ops (what a perfect estimate would give; 8-bit, JPEG and clipped highlights still cost their share).
// Run: npm run bench -- enhance   (or: node bench/enhance.ts [--split tune|report|all] [--objects] [--oracle] [--verbose])
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { Recipe } from '../src-main/contract/recipe.ts';
import { decodeForAnalysis, pixelTasks } from '../src-main/engine/analysis/analyze-image.ts';
import { labPixels, meanDeltaE } from '../src-main/engine/analysis/enhance/delta-e.ts';
import { proposeEnhance } from '../src-main/engine/analysis/enhance/propose-enhance.ts';
import { whiteBalanceParams } from '../src-main/engine/analysis/enhance/white-balance.ts';
import { FACE_MODEL_ID } from '../src-main/engine/analysis/faces.ts';
import { verifyModel } from '../src-main/engine/analysis/model-manifest.ts';
import { OnnxPool } from '../src-main/engine/analysis/onnx-pool.ts';
import { openImage } from '../src-main/engine/media/decode.ts';
import { newRecipe, newStep } from '../src-main/engine/recipes/create.ts';
import { renderRecipe, stopToneWorker } from '../src-main/engine/render/pipeline/index.ts';
import { corpusSkipReason, hasCorpus } from '../test-support/corpus.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { percentile, printTable } from './bench-utils.ts';
import { applyFault, decodeRgb8, FAULTS, loadReference, REFERENCES, splitOf, toJpeg, type Rgb8 } from '../test-support/enhance-faults.ts';

const { values } = parseArgs({
  options: { split: { type: 'string', default: 'all' }, objects: { type: 'boolean', default: false }, oracle: { type: 'boolean', default: false }, verbose: { type: 'boolean', default: false }, only: { type: 'string' } },
});
if (!hasCorpus) {
  console.log(`enhance benchmark skipped: ${corpusSkipReason}`);
  process.exit(0);
}
const faceCheck = await verifyModel(FACE_MODEL_ID);
if (!faceCheck.ok) {
  console.error(faceCheck.message);
  process.exit(1);
}

/** ΔE over every 3rd pixel (~100,000 of a 1024 px image): the same mean to two decimals, at a third of the cost. */
const DE_STEP = 3;
const KINDS = [...FAULTS.map((f) => f.id), 'none'] as const;
type Kind = (typeof KINDS)[number];
type Score = { photo: string; split: 'tune' | 'report'; kind: Kind; before: number; after: number; baseline: number; oracle: number; steps: string; ms: number };

/** What a user could script with sharp: grey-world gains on the channel means, then normalise(). */
async function baseline(file: string): Promise<Rgb8> {
  const stats = await sharp(file).stats();
  const means = stats.channels.slice(0, 3).map((c) => c.mean);
  const grey = (means[0]! + means[1]! + means[2]!) / 3;
  const out = await sharp(file).linear(means.map((m) => grey / m), [0, 0, 0]).normalise().png().toBuffer();
  return decodeRgb8(out);
}

/** The exact inverse of each fault as recipe steps (enhance-faults.ts makes the faults; these undo them). */
const castOf = (r: number, g: number, b: number) => whiteBalanceParams({ u: Math.log(r / g), v: Math.log(b / g) });
const ORACLE: Record<Kind, Array<[string, Record<string, number>]>> = {
  under: [['exposure', { ev: 1.3 }]],
  over: [['exposure', { ev: -0.7 }]],
  warm: [['white-balance', castOf(1.25, 1, 0.75)]],
  cool: [['white-balance', castOf(0.8, 1, 1.3)]],
  green: [['white-balance', castOf(1, 1.2, 1)]],
  // The veil: 0.75 x scene + 0.045. Black point 4.5% gives (scene x 0.75) / 0.955; exposure restores the rest.
  flat: [['black-point', { level: 4.5 }], ['exposure', { ev: Math.log2(0.955 / 0.75) }]],
  mix: [['white-balance', castOf(1.25, 1, 0.75)], ['exposure', { ev: 1 }]],
  none: [],
};

async function renderSteps(file: string, steps: Recipe['steps']): Promise<Rgb8> {
  const recipe: Recipe = { ...newRecipe('0'.repeat(64)), steps: [...steps, newStep('output', { format: 'png' })] };
  recipe.end = recipe.steps.length;
  return decodeRgb8((await renderRecipe({ path: file }, recipe)).data);
}

async function enhance(file: string, pool: OnnxPool): Promise<{ image: Rgb8; steps: string; ms: number }> {
  const opened = await openImage(file);
  const rgb = await decodeForAnalysis(opened);
  const faces = await pixelTasks.faces({ rgb, pool });
  const objects = values.objects ? (await pixelTasks.objects({ rgb, pool })).objects : [];
  const t = performance.now();
  const result = proposeEnhance(rgb, { faces, subject: null, objects, tags: [] });
  const ms = performance.now() - t;
  const steps = result.steps.map((s) => `${s.op}(${Object.values(s.params).map((v) => Math.round(v * 100) / 100).join(',')})`).join(' ');
  return { image: await renderSteps(file, result.steps.map((s) => newStep(s.op, s.params))), steps, ms };
}

const work = await tempDir('lightbox-bench-enhance-');
const pool = new OnnxPool();
const scores: Score[] = [];
try {
  const photos = REFERENCES.filter((r) => (values.split === 'all' || splitOf(r) === values.split) && (!values.only || r.includes(values.only)));
  for (const rel of photos) {
    const reference = await loadReference(rel);
    const referenceLab = labPixels(reference.data, DE_STEP);
    const name = path.basename(rel);
    for (const kind of KINDS) {
      const fault = FAULTS.find((f) => f.id === kind);
      const input = fault ? applyFault(reference, fault.fault) : reference;
      const file = path.join(work.path, `${name}.${kind}.jpg`);
      await writeFile(file, await toJpeg(input));
      const delivered = await decodeRgb8(await sharp(file).png().toBuffer());
      const result = await enhance(file, pool);
      const score: Score = {
        photo: name,
        split: splitOf(rel),
        kind,
        before: meanDeltaE(referenceLab, delivered.data, DE_STEP),
        after: meanDeltaE(referenceLab, result.image.data, DE_STEP),
        baseline: meanDeltaE(referenceLab, (await baseline(file)).data, DE_STEP),
        oracle: values.oracle ? meanDeltaE(referenceLab, (await renderSteps(file, ORACLE[kind].map(([op, p]) => newStep(op, p)))).data, DE_STEP) : Number.NaN,
        steps: result.steps,
        ms: result.ms,
      };
      scores.push(score);
      if (values.verbose) console.log(`${score.split.padEnd(6)} ${name.slice(0, 26).padEnd(26)} ${kind.padEnd(5)} before ${score.before.toFixed(2).padStart(6)} after ${score.after.toFixed(2).padStart(6)} base ${score.baseline.toFixed(2).padStart(6)}${values.oracle ? ` oracle ${score.oracle.toFixed(2).padStart(6)}` : ''}  ${score.steps}`);
    }
  }
} finally {
  await pool.close();
  await stopToneWorker();
  await work.cleanup();
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
for (const split of ['tune', 'report'] as const) {
  const rows: Array<Record<string, string | number>> = [];
  for (const kind of KINDS) {
    const s = scores.filter((x) => x.split === split && x.kind === kind);
    if (s.length === 0) continue;
    const before = mean(s.map((x) => x.before));
    const after = mean(s.map((x) => x.after));
    const base = mean(s.map((x) => x.baseline));
    const label = FAULTS.find((f) => f.id === kind)?.label ?? 'none (no harm)';
    const reduction = kind === 'none' ? '' : `${Math.round((1 - after / before) * 100)}%`;
    const target = kind === 'none' ? (after <= 2 ? 'met (<= 2.0)' : 'MISSED (<= 2.0)') : 1 - after / before >= 0.6 && after < base ? 'met' : 'MISSED';
    const oracle: Record<string, string | number> = values.oracle ? { 'ΔE00 oracle': mean(s.map((x) => x.oracle)), 'oracle reduction': kind === 'none' ? '' : `${Math.round((1 - mean(s.map((x) => x.oracle)) / before) * 100)}%` } : {};
    rows.push({ fault: label, photos: s.length, 'ΔE00 before': before, 'ΔE00 auto-enhance': after, 'reduction': reduction, 'ΔE00 baseline': base, ...oracle, 'with steps': s.filter((x) => x.steps).length, target });
  }
  if (rows.length) printTable(`auto-enhance, ${split} half (mean CIEDE2000 to the reference; baseline = grey-world + sharp normalise())`, rows);
}
const times = scores.map((s) => s.ms);
if (times.length) {
  printTable('enhance analysis time per photo (on the decoded 1024 px analysis image)', [
    { photos: times.length, 'median ms': percentile(times, 50), 'p95 ms': percentile(times, 95), 'max ms': Math.max(...times) },
  ]);
}
