// Analysis benchmark (not a test): faces, quality, moderation and subject per image, next to the raw
// cost of the sharp decode they start with (and, for the converted tfjs graphs, the bare onnxruntime
// call and the tfjs predict they replaced, on the same tensor), plus ORT thread settings and memory.
// Run: npm run bench -- analysis   (or: node bench/analysis.ts [--rounds 5] [--no-subject])
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { corpusPath, corpusSkipReason, hasCorpus } from '../test-support/corpus.ts';
import { detectFaces } from '../src-main/engine/analysis/faces.ts';
import { OnnxPool } from '../src-main/engine/analysis/onnx-pool.ts';
import { assessQuality } from '../src-main/engine/analysis/quality.ts';
import { detectSubject } from '../src-main/engine/analysis/subject.ts';
import { defaultModelsDir, getModel, verifyModel, weightPath } from '../src-main/engine/analysis/model-manifest.ts';
import { convertedModelFile } from '../src-main/engine/analysis/models/converted-model.ts';
import { detectObjects, OBJECT_INPUT_SIZE, OBJECT_MODEL_ID, objectInput } from '../src-main/engine/analysis/objects/detect-objects.ts';
import { moderate, moderationInput, MODERATION_INPUT_SIZE, MODERATION_MODEL_ID } from '../src-main/engine/analysis/moderation/moderate.ts';
import { tfjsFileHandler } from '../src-main/engine/analysis/objects/tfjs-file-handler.ts';
import { loadRgb, type RgbImage } from '../src-main/engine/analysis/rgb-image.ts';
import * as tf from '@tensorflow/tfjs-core';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import * as ort from 'onnxruntime-node';
import { createRequire } from 'node:module';
import path from 'node:path';
import { percentile, printTable, trackPeakRss } from './bench-utils.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, 'no-subject': { type: 'boolean', default: false } } });
const rounds = Number(values.rounds);
if (!hasCorpus) {
  console.log(`analysis benchmark skipped: ${corpusSkipReason}`);
  process.exit(0);
}
for (const id of ['blazeface-back-256', 'isnet-small', MODERATION_MODEL_ID]) {
  const check = await verifyModel(id);
  if (!check.ok) {
    console.error(check.message);
    process.exit(1);
  }
}

const PHOTOS = ['content/people/fr-obama_and_biden.jpg', 'content/people/fr-two_people.jpg', 'content/people/fr-obama.jpg', 'content/skimage/astronaut.png', 'content/people/concert.jpg'];
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const median = (xs: number[]) => percentile(xs, 50);

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
}

const rssStart = process.memoryUsage.rss();
const faceRows: Array<Record<string, string | number>> = [];
for (const threads of [1, 2]) {
  const pool = new OnnxPool({ intraOpNumThreads: threads });
  await detectFaces(corpusPath(PHOTOS[0]!), { pool }); // load the session
  for (const rel of PHOTOS) {
    const file = corpusPath(rel);
    const total: number[] = [];
    const model: number[] = [];
    const decode: number[] = [];
    let runs = 0;
    let faces = 0;
    for (let r = 0; r < rounds; r++) {
      const before = pool.stats('blazeface-back-256')!;
      const [ms, found] = await time(() => detectFaces(file, { pool }));
      const after = pool.stats('blazeface-back-256')!;
      total.push(ms);
      model.push(after.totalMs - before.totalMs);
      runs = after.runs - before.runs;
      faces = found.length;
      // Raw reference: the same decode + orient + resize that detectFaces starts with.
      decode.push((await time(() => sharp(file).autoOrient().resize(1024, 1024, { fit: 'inside', withoutEnlargement: true }).raw().toBuffer()))[0]);
    }
    faceRows.push({
      threads,
      photo: rel.split('/').pop()!,
      faces,
      passes: runs,
      'model ms (all passes)': median(model),
      'model ms/pass': median(model) / runs,
      'sharp decode ms': median(decode),
      'detectFaces ms': median(total),
    });
  }
  await pool.close();
}
printTable(`faces (BlazeFace back-256), median of ${rounds}`, faceRows);
console.log(`RSS after face runs: ${mb(process.memoryUsage.rss())} MB (start ${mb(rssStart)} MB)`);

const qRows: Array<Record<string, string | number>> = [];
for (const rel of [...PHOTOS, 'content/quality/saw-original.jpg', 'content/quality/derived/coffee_good.jpg']) {
  const file = corpusPath(rel);
  const q: number[] = [];
  const raw: number[] = [];
  for (let r = 0; r < rounds; r++) {
    q.push((await time(() => assessQuality(file)))[0]);
    raw.push((await time(() => sharp(file).autoOrient().resize(720, 720, { fit: 'inside', withoutEnlargement: true }).greyscale().raw().toBuffer()))[0]);
  }
  qRows.push({ photo: rel.split('/').pop()!, 'sharp preview ms': median(raw), 'assessQuality ms': median(q), 'ratio': median(q) / median(raw) });
}
printTable(`quality (no weights), median of ${rounds}`, qRows);

// The two tfjs graph models (COCO objects, NSFW classifier) run on onnxruntime once converted
// (models/tfjs-to-onnx.ts): each step as the analysis runs it, next to the bare onnxruntime call on
// the converted file in this thread and to the bare tfjs-backend-wasm predict it replaced, on the
// same input tensor (one thread each, like the workers).
{
  const pool = new OnnxPool();
  tfWasm.setWasmPaths(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
  await tf.setBackend('wasm');
  await tf.ready();
  type Step = { id: string; feed: string; dims: number[]; output: string; input: (rgb: RgbImage) => Promise<Float32Array>; run: (rgb: RgbImage) => Promise<string> };
  const steps: Step[] = [
    { id: OBJECT_MODEL_ID, feed: 'input_1', dims: [1, 3, OBJECT_INPUT_SIZE, OBJECT_INPUT_SIZE], output: 'Identity:0', input: async (rgb) => (await objectInput(rgb)).tensor, run: async (rgb) => `${(await detectObjects(rgb, { pool })).length} objects` },
    { id: MODERATION_MODEL_ID, feed: 'input', dims: [1, MODERATION_INPUT_SIZE, MODERATION_INPUT_SIZE, 3], output: 'Identity:0', input: (rgb) => moderationInput(rgb), run: async (rgb) => (await moderate(rgb, { pool })).flag },
  ];
  for (const step of steps) {
    const model = getModel(step.id);
    const tfjs = await loadGraphModel(tfjsFileHandler(weightPath(model)));
    const onnx = await ort.InferenceSession.create(await convertedModelFile(model, weightPath(model), defaultModelsDir), { intraOpNumThreads: 1 });
    const rows: Array<Record<string, string | number>> = [];
    for (const rel of [...PHOTOS, 'content/skimage/coffee.png']) {
      const rgb = await loadRgb(corpusPath(rel), 1024);
      const total: number[] = [], inWorker: number[] = [], bareOrt: number[] = [], bareTfjs: number[] = [];
      let found = '';
      for (let r = 0; r <= rounds; r++) {
        const input = await step.input(rgb);
        const [t, result] = await time(() => step.run(rgb));
        const [o] = await time(() => onnx.run({ [`${step.feed}:0`]: new ort.Tensor('float32', input.slice(), step.dims) }, [step.output]));
        const [w] = await time(async () => {
          const y = tfjs.execute({ [step.feed]: tf.tensor(input, step.dims, 'float32') }, [step.output]) as tf.Tensor;
          await y.data();
          y.dispose();
        });
        if (r === 0) continue; // warm-up: the worker converts or loads the graph
        total.push(t);
        inWorker.push(pool.stats(step.id)!.lastMs);
        bareOrt.push(o);
        bareTfjs.push(w);
        found = result;
      }
      rows.push({
        photo: rel.split('/').pop()!,
        found,
        'step ms': median(total),
        'in worker ms': median(inWorker),
        'bare onnxruntime ms': median(bareOrt),
        'step/bare': median(total) / median(bareOrt),
        'tfjs-wasm (before) ms': median(bareTfjs),
      });
    }
    tfjs.dispose();
    await onnx.release();
    printTable(`${step.id} (tfjs graph converted, on onnxruntime), median of ${rounds}, from the 1024 px analysis decode`, rows);
  }
  await pool.close();
}

if (!values['no-subject']) {
  const sRows: Array<Record<string, string | number>> = [];
  for (const threads of [1, 2]) {
    const pool = new OnnxPool({ intraOpNumThreads: threads });
    const rss = trackPeakRss();
    const rssBefore = process.memoryUsage.rss();
    for (const rel of ['content/people/fr-obama.jpg', 'content/skimage/coffee.png']) {
      const [ms] = await time(() => detectSubject(corpusPath(rel), { pool }));
      sRows.push({ threads, photo: rel.split('/').pop()!, 'model ms': pool.stats('isnet-small')!.lastMs, 'detectSubject ms': ms, 'first run': rel.includes('obama') ? 'yes (loads session)' : 'no' });
    }
    const peak = rss.stop();
    sRows.push({ threads, photo: '(memory)', 'model ms': '', 'detectSubject ms': '', 'first run': `RSS ${mb(rssBefore)} -> peak ${Math.round(peak)} MB, idle ${mb(process.memoryUsage.rss())} MB` });
    await pool.close();
  }
  printTable('subject (ISNet small)', sRows);
  console.log(`RSS after closing the ISNet workers: ${mb(process.memoryUsage.rss())} MB`);
}
