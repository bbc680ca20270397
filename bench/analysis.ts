// Analysis benchmark (not a test): faces, quality, moderation and subject per image, next to the raw
// cost of the sharp decode they start with (and, for moderation, the bare tfjs predict on the same
// tensor), plus ORT thread settings and memory.
// Run: npm run bench -- analysis   (or: node bench/analysis.ts [--rounds 5] [--no-subject])
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { corpusPath, corpusSkipReason, hasCorpus } from '../test-support/corpus.ts';
import { detectFaces } from '../src-main/engine/analysis/faces.ts';
import { OnnxPool } from '../src-main/engine/analysis/onnx-pool.ts';
import { assessQuality } from '../src-main/engine/analysis/quality.ts';
import { detectSubject } from '../src-main/engine/analysis/subject.ts';
import { getModel, verifyModel, weightPath } from '../src-main/engine/analysis/model-manifest.ts';
import { moderate, moderationInput, MODERATION_INPUT_SIZE, MODERATION_MODEL_ID } from '../src-main/engine/analysis/moderation/moderate.ts';
import { tfjsFileHandler } from '../src-main/engine/analysis/objects/tfjs-file-handler.ts';
import { loadRgb } from '../src-main/engine/analysis/rgb-image.ts';
import * as tf from '@tensorflow/tfjs-core';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
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

// Moderation (NSFW classifier, tfjs-wasm in its pool worker) is a model step of its own, like
// objects: timed apart from the faces + quality + crops budget. The bare reference runs the same
// graph on the same input tensor in this thread (one core, like the worker).
{
  const pool = new OnnxPool();
  tfWasm.setWasmPaths(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
  await tf.setBackend('wasm');
  await tf.ready();
  const bare = await loadGraphModel(tfjsFileHandler(weightPath(getModel(MODERATION_MODEL_ID))));
  const size = MODERATION_INPUT_SIZE;
  const mRows: Array<Record<string, string | number>> = [];
  for (const rel of [...PHOTOS, 'content/skimage/coffee.png']) {
    const rgb = await loadRgb(corpusPath(rel), 1024);
    const total: number[] = [];
    const prep: number[] = [];
    const worker: number[] = [];
    const bareMs: number[] = [];
    let flag = '';
    for (let r = 0; r <= rounds; r++) {
      const [p, input] = await time(() => moderationInput(rgb));
      const [t, result] = await time(() => moderate(rgb, { pool }));
      const b = performance.now();
      const x = tf.tensor(input, [1, size, size, 3], 'float32');
      const y = bare.execute({ input: x }, ['Identity:0']) as tf.Tensor;
      await y.data();
      const bms = performance.now() - b;
      x.dispose();
      y.dispose();
      if (r === 0) continue; // warm-up: the worker loads the graph
      total.push(t);
      prep.push(p);
      worker.push(pool.stats(MODERATION_MODEL_ID)!.lastMs);
      bareMs.push(bms);
      flag = result.flag;
    }
    mRows.push({
      photo: rel.split('/').pop()!,
      flag,
      'input prep ms': median(prep),
      'predict in worker ms': median(worker),
      'moderate() ms': median(total),
      'bare tfjs predict ms': median(bareMs),
      'moderate/bare': median(total) / median(bareMs),
    });
  }
  bare.dispose();
  await pool.close();
  printTable(`moderation (${MODERATION_MODEL_ID}, tfjs-wasm), median of ${rounds}, from the 1024 px analysis decode`, mRows);
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
