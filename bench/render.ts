// Render benchmark (not a test): recipe renders of 24 MP originals to a 2048 px JPEG (crop + tone),
// next to the equivalent hand-written sharp chain in the same run, and the preview path's latency.
// Run: npm run bench -- render   (or: node bench/render.ts [--rounds 4] [--previews 40])
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { corpusPath, corpusSkipReason, hasCorpus } from '../test-support/corpus.ts';
import type { Recipe } from '../src-main/contract/recipe.ts';
import { newRecipe, newStep } from '../src-main/engine/recipes/create.ts';
import { contrastSlope } from '../src-main/engine/recipes/ops/contrast.ts';
import { whiteBalanceGains } from '../src-main/engine/recipes/ops/white-balance.ts';
import { renderPreview, renderRecipe } from '../src-main/engine/render/pipeline/index.ts';
import { stopHeicWorker } from '../src-main/engine/media/index.ts';
import { stopToneWorker } from '../src-main/engine/render/pipeline/tone-split.ts';
import { percentile, printTable, trackPeakRss } from './bench-utils.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '4' }, previews: { type: 'string', default: '40' } } });
const rounds = Number(values.rounds);
const previewRuns = Number(values.previews);
if (!hasCorpus) {
  console.log(`render benchmark skipped: ${corpusSkipReason}`);
  process.exit(0);
}

const CROP = { x: 0.06, y: 0.04, w: 0.88, h: 0.9 };
const EV = 0.3, CONTRAST = 20, SATURATION = 15, WB = { temperature: 12, tint: -4 };
const LONG_EDGE = 2048, QUALITY = 90;
const recipe: Recipe = (() => {
  const steps = [
    newStep('crop', CROP),
    newStep('exposure', { ev: EV }),
    newStep('contrast', { amount: CONTRAST }),
    newStep('white-balance', WB),
    newStep('saturation', { amount: SATURATION }),
    newStep('resize', { mode: 'long-edge', longEdge: LONG_EDGE, allowUpscale: false }),
    newStep('output', { format: 'jpeg', quality: QUALITY, tiffBitDepth: 8, colourSpace: 'srgb' }),
  ];
  return { ...newRecipe('b'.repeat(64)), steps, end: steps.length };
})();

/**
 * What a developer would write with sharp alone for the same look: EXIF orientation, the crop in
 * pixels, a 2048 px resize, one `linear` for exposure x contrast x white balance (a gain, not our
 * linear-light curve), `modulate` for saturation, the same JPEG settings and an sRGB profile.
 */
async function handChain(file: string): Promise<Buffer> {
  const meta = await sharp(file).metadata();
  const swapped = (meta.orientation ?? 1) >= 5;
  const w = swapped ? meta.height : meta.width;
  const h = swapped ? meta.width : meta.height;
  const left = Math.round(CROP.x * w), top = Math.round(CROP.y * h);
  const k = contrastSlope(CONTRAST) * 2 ** (EV / 2.2);
  const gains = whiteBalanceGains(WB).map((g) => g * k);
  return sharp(file)
    .autoOrient()
    .extract({ left, top, width: Math.round((CROP.x + CROP.w) * w) - left, height: Math.round((CROP.y + CROP.h) * h) - top })
    .resize(LONG_EDGE, LONG_EDGE, { fit: 'inside', kernel: 'lanczos3' })
    .linear(gains, gains.map(() => 128 * (1 - contrastSlope(CONTRAST))))
    .modulate({ saturation: 1 + SATURATION / 100 })
    .withIccProfile('srgb')
    .jpeg({ quality: QUALITY, chromaSubsampling: '4:4:4', optimiseCoding: true, mozjpeg: false })
    .toBuffer();
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
}

/** Process CPU time (all threads: ours, libvips', the tone helper's) of one call, in ms. */
async function cpuTime<T>(fn: () => Promise<T>): Promise<[number, number, T]> {
  const c = process.cpuUsage();
  const [ms, r] = await time(fn);
  const d = process.cpuUsage(c);
  return [ms, (d.user + d.system) / 1000, r];
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-bench-render-'));
try {
  // 24 MP originals made once from corpus photos (the corpus has no 24 MP JPEG): untagged,
  // sRGB-tagged, and one stored sideways with EXIF orientation 8.
  const sources = [
    { name: 'canon-untagged', from: 'jpeg/camera/exifr-canon-dslr.jpg', size: [6000, 4000], orientation: 1 },
    { name: 'kodak-srgb', from: 'jpeg/camera/Kodak_PIXPRO_S-1.jpg', size: [6000, 4500], orientation: 1 },
    { name: 'leica-orient8', from: 'jpeg/camera/Leica_T_Typ_701.jpg', size: [6000, 3974], orientation: 8 },
  ];
  const photos: Array<{ name: string; file: string; mp: number }> = [];
  for (const s of sources) {
    const file = path.join(dir, `${s.name}.jpg`);
    let img = sharp(corpusPath(s.from)).resize(s.size[0], s.size[1], { fit: 'fill' });
    img = s.name === 'kodak-srgb' ? img.keepIccProfile() : img;
    if (s.orientation !== 1) img = img.withExif({ IFD0: { Orientation: String(s.orientation) } });
    await img.jpeg({ quality: 92 }).toFile(file);
    photos.push({ name: s.name, file, mp: (s.size[0]! * s.size[1]!) / 1e6 });
  }

  // Warm-up: first renders load codecs, ICC profiles and lookup tables.
  for (const p of photos) {
    await renderRecipe({ path: p.file }, recipe);
    await handChain(p.file);
  }

  const rss = trackPeakRss();
  const rssBefore = process.memoryUsage.rss() / 1024 / 1024;
  const rows: Array<Record<string, string | number>> = [];
  let oursTotal = 0, handTotal = 0;
  for (const p of photos) {
    const ours: number[] = [], hand: number[] = [], oursCpu: number[] = [], handCpu: number[] = [];
    let size = '';
    for (let r = 0; r < rounds; r++) {
      // Interleaved, so both see the same machine load.
      const [a, ac, out] = await cpuTime(() => renderRecipe({ path: p.file }, recipe));
      const [b, bc] = await cpuTime(() => handChain(p.file));
      ours.push(a);
      hand.push(b);
      oursCpu.push(ac);
      handCpu.push(bc);
      size = `${out.info.width}x${out.info.height}`;
    }
    const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
    oursTotal += sum(ours);
    handTotal += sum(hand);
    rows.push({
      photo: `${p.name} (${p.mp.toFixed(1)} MP)`,
      output: size,
      'renderRecipe ms (p50)': percentile(ours, 50),
      'sharp chain ms (p50)': percentile(hand, 50),
      'photos/s ours': (1000 * rounds) / sum(ours),
      'photos/s sharp': (1000 * rounds) / sum(hand),
      'ours / sharp': sum(hand) / sum(ours),
      'CPU ms ours': percentile(oursCpu, 50),
      'CPU ms sharp': percentile(handCpu, 50),
    });
  }
  const n = rounds * photos.length;
  rows.push({ photo: 'all', output: '', 'renderRecipe ms (p50)': '', 'sharp chain ms (p50)': '', 'photos/s ours': (1000 * n) / oursTotal, 'photos/s sharp': (1000 * n) / handTotal, 'ours / sharp': handTotal / oursTotal, 'CPU ms ours': '', 'CPU ms sharp': '' });
  // Batch throughput with two renders in flight (a render job concurrency of 2 on this 2-core
  // machine): our stages then overlap across photos the way sharp's streaming overlaps within one.
  const batch = async (fn: (file: string) => Promise<unknown>) => {
    const files = Array.from({ length: rounds }, () => photos.map((p) => p.file)).flat();
    const t = performance.now();
    const worker = async () => {
      for (let f = files.shift(); f !== undefined; f = files.shift()) await fn(f);
    };
    await Promise.all([worker(), worker()]);
    return (1000 * rounds * photos.length) / (performance.now() - t);
  };
  const oursBatch = await batch((f) => renderRecipe({ path: f }, recipe));
  const handBatch = await batch(handChain);
  const peak = rss.stop();
  console.log(`load average before: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores (a shared machine moves wall times; CPU ms per photo moves less)`);
  printTable(`24 MP -> ${LONG_EDGE} px JPEG q${QUALITY}, crop + exposure + contrast + white balance + saturation, ${rounds} rounds, one at a time (target: ours/sharp >= 0.90)`, rows);
  printTable('same photos, two renders in flight', [{ 'photos/s ours': oursBatch, 'photos/s sharp': handBatch, 'ours / sharp': oursBatch / handBatch }]);
  console.log(`peak RSS during the throughput runs: ${Math.round(peak)} MB (before: ${Math.round(rssBefore)} MB)`);

  // Preview path: the same recipe on the cached preview, made the way makeDerivatives makes it.
  const previewRows: Array<Record<string, string | number>> = [];
  // The loupe's case is the ~1024 px one; a 2048 px cached preview is shown both as is and capped
  // to 1024 px with the maxLongEdge option (what a loupe that size would ask for).
  for (const [edge, cap] of [[1024, undefined], [2048, undefined], [2048, 1024]] as const) {
    const previewPath = path.join(dir, `preview-${edge}.jpg`);
    await sharp(photos[0]!.file).autoOrient().resize(edge, edge, { fit: 'inside' }).toColourspace('srgb').jpeg({ quality: 85 }).toFile(previewPath);
    const opts = cap ? { maxLongEdge: cap } : {};
    await renderPreview(previewPath, recipe, opts);
    const ms: number[] = [];
    const raw: number[] = [];
    let size = '';
    for (let i = 0; i < previewRuns; i++) {
      const [t, out] = await time(() => renderPreview(previewPath, recipe, opts));
      ms.push(t);
      size = `${out.info.width}x${out.info.height}`;
      raw.push((await time(() => sharp(previewPath).jpeg({ quality: 85 }).toBuffer()))[0]);
    }
    previewRows.push({ preview: `${edge} px${cap ? `, maxLongEdge ${cap}` : ''}`, output: size, runs: previewRuns, 'p50 ms': percentile(ms, 50), 'p95 ms': percentile(ms, 95), 'max ms': Math.max(...ms), 'sharp decode+encode p50 ms': percentile(raw, 50) });
  }
  printTable('preview path: renderPreview on the cached preview (target: p95 <= 150 ms)', previewRows);
} finally {
  await rm(dir, { recursive: true, force: true });
  await stopHeicWorker();
  await stopToneWorker();
}
