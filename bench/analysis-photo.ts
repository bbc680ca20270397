// Whole-photo analysis benchmark (not a test): what the analyze job does per photo (one decode, faces,
// quality, hash, straighten + crop proposals, auto-enhance next to a sharp stats() pass; ISNet off), on generated 12 and 24 MP JPEGs, next to
// the bare onnxruntime session.run on the very same face tensors in this process (overhead ratio).
// Run: npm run bench -- analysis-photo   (or: node bench/analysis-photo.ts [--rounds 5])
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { corpusPath, corpusSkipReason, hasCorpus } from '../test-support/corpus.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { cropsFor, decodeForAnalysis, enhanceFor, pixelTasks } from '../src-main/engine/analysis/analyze-image.ts';
import { FACE_MODEL_ID } from '../src-main/engine/analysis/faces.ts';
import { getModel, verifyModel, weightPath } from '../src-main/engine/analysis/model-manifest.ts';
import { OnnxPool, type TensorData } from '../src-main/engine/analysis/onnx-pool.ts';
import { openImage } from '../src-main/engine/media/decode.ts';
import { percentile, printTable, trackEventLoop, trackPeakRss } from './bench-utils.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);
if (!hasCorpus) {
  console.log(`analysis-photo benchmark skipped: ${corpusSkipReason}`);
  process.exit(0);
}
const check = await verifyModel(FACE_MODEL_ID);
if (!check.ok) {
  console.error(check.message);
  process.exit(1);
}

const median = (xs: number[]) => percentile(xs, 50);
const work = await tempDir('lightbox-bench-');
const SOURCES = [
  { name: '24 MP group (3 faces)', from: 'content/people/fr-obama_and_biden.jpg', width: 6000, height: 4000 },
  { name: '24 MP portrait (1 face)', from: 'content/people/fr-obama.jpg', width: 4000, height: 6000 },
  { name: '12 MP no faces', from: 'content/skimage/coffee.png', width: 4240, height: 2832 },
];

/** Records what the face model is asked (copies: the pool transfers the originals) and its wall time as the caller sees it. */
function recordingPool(pool: OnnxPool) {
  const calls: Array<{ feeds: Record<string, TensorData>; outputNames: string[] }> = [];
  let wallMs = 0;
  const proxy = {
    async run(modelId: string, feeds: Record<string, TensorData>, outputNames: string[]) {
      calls.push({ feeds: Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, { data: new Float32Array(t.data), dims: [...t.dims] }])), outputNames });
      const t = performance.now();
      const out = await pool.run(modelId, feeds, outputNames);
      wallMs += performance.now() - t;
      return out;
    },
  } as unknown as OnnxPool;
  return { proxy, calls, wall: () => wallMs, reset: () => ((calls.length = 0), (wallMs = 0)) };
}

const pool = new OnnxPool();
const rec = recordingPool(pool);
const bare = await ort.InferenceSession.create(weightPath(getModel(FACE_MODEL_ID)), {
  intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', logSeverityLevel: 3,
});

const rows: Array<Record<string, string | number>> = [];
const rss = trackPeakRss();
const loop = trackEventLoop();
try {
  for (const source of SOURCES) {
    const file = path.join(work.path, `${source.width}x${source.height}.jpg`);
    await sharp(corpusPath(source.from)).resize(source.width, source.height, { fit: 'fill' }).jpeg({ quality: 92 }).toFile(file);
    const m: Record<string, number[]> = { open: [], decode: [], faces: [], quality: [], hash: [], crops: [], enhance: [], stats: [], total: [], poolRun: [], bareRun: [], objects: [] };
    let faces = 0;
    let passes = 0;
    for (let r = 0; r <= rounds; r++) {
      rec.reset();
      const t0 = performance.now();
      const image = await openImage(file);
      const t1 = performance.now();
      const rgb = await decodeForAnalysis(image);
      const t2 = performance.now();
      const found = await pixelTasks.faces({ rgb, pool: rec.proxy });
      const t3 = performance.now();
      await pixelTasks.quality({ rgb, pool });
      const t4 = performance.now();
      await pixelTasks.hash({ rgb, pool });
      const t5 = performance.now();
      await cropsFor(rgb, image.width, image.height, found, null);
      const t5c = performance.now();
      // Auto-enhance on the same decoded pixels (no model of its own): the budget is 30 ms.
      enhanceFor(rgb, found, null);
      const t6 = performance.now();
      // Raw reference for it: one libvips pass over the same pixels (channel stats), the floor of any histogram work.
      const s0 = performance.now();
      await sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } }).stats();
      const statsMs = performance.now() - s0;
      // Objects (NanoDet on tfjs-wasm, its own worker) are timed apart from the faces+quality+crops target.
      const o0 = performance.now();
      await pixelTasks.objects({ rgb, pool });
      const t7 = performance.now();
      let bareMs = 0;
      for (const call of rec.calls) {
        const feeds = Object.fromEntries(Object.entries(call.feeds).map(([k, t]) => [k, new ort.Tensor('float32', t.data, t.dims)]));
        const b = performance.now();
        await bare.run(feeds, call.outputNames);
        bareMs += performance.now() - b;
      }
      if (r === 0) continue; // warm-up: sessions load, caches fill
      faces = found.length;
      passes = rec.calls.length;
      m.open!.push(t1 - t0);
      m.decode!.push(t2 - t1);
      m.faces!.push(t3 - t2);
      m.quality!.push(t4 - t3);
      m.hash!.push(t5 - t4);
      m.crops!.push(t5c - t5);
      m.enhance!.push(t6 - t5c);
      m.stats!.push(statsMs);
      m.total!.push(t6 - t0);
      m.objects!.push(t7 - o0);
      m.poolRun!.push(rec.wall());
      m.bareRun!.push(bareMs);
    }
    rows.push({
      photo: source.name,
      faces,
      'open ms': median(m.open!),
      'decode ms': median(m.decode!),
      'faces ms': median(m.faces!),
      'quality ms': median(m.quality!),
      'hash ms': median(m.hash!),
      'crops ms': median(m.crops!),
      'enhance ms': median(m.enhance!),
      'sharp stats() ms': median(m.stats!),
      'total ms': median(m.total!),
      'objects ms': median(m.objects!),
      [`pool.run ms (${passes} passes)`]: median(m.poolRun!),
      'bare session.run ms': median(m.bareRun!),
      'pool/bare': median(m.poolRun!) / median(m.bareRun!),
    });
  }
} finally {
  await pool.close();
  await work.cleanup();
}
const lag = loop.stop();
printTable(`whole analysis per photo (ISNet off), median of ${rounds}`, rows);
console.log(`peak RSS ${Math.round(rss.stop())} MB; event loop delay p50 ${lag.p50.toFixed(1)} ms, p99 ${lag.p99.toFixed(1)} ms, max ${lag.max.toFixed(1)} ms`);
