// The floor for bench/pipeline.ts, in a process of its own: each stage's bare library call in a
// plain loop over the same files, at the concurrency the pipeline gives that stage, one stage after
// the other. No queue, no SQLite, no events, no recovery: what the work costs when nothing else
// is done. Prints one JSON line on stdout. Not meant to be run by hand.
import { createHash } from 'node:crypto';
import { createReadStream, openAsBlob } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createStack, uploadAsset } from '@immich/sdk';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { defaultModelsDir, getModel, weightPath } from '../src-main/engine/analysis/model-manifest.ts';
import { convertedModelFile } from '../src-main/engine/analysis/models/converted-model.ts';
import { FACE_MODEL_ID } from '../src-main/engine/analysis/faces.ts';
import { OBJECT_MODEL_ID } from '../src-main/engine/analysis/objects/detect-objects.ts';
import { MODERATION_MODEL_ID } from '../src-main/engine/analysis/moderation/moderate.ts';

const { values } = parseArgs({
  options: {
    inbox: { type: 'string' },
    out: { type: 'string' },
    url: { type: 'string' },
    key: { type: 'string' },
    // The pipeline run's library: each photo is rendered with the crop its recipe got there.
    library: { type: 'string' },
    // Slots per stage, as the pipeline had them.
    hash: { type: 'string', default: '2' },
    decode: { type: 'string', default: '2' },
    render: { type: 'string', default: '1' },
    upload: { type: 'string', default: '4' },
  },
});
const { inbox, out, url, key } = values;
if (!inbox || !out || !url || !key) throw new Error('pipeline-floor needs --inbox, --out, --url and --key');
sharp.cache(false);

const files = (await readdir(inbox)).filter((n) => /\.jpe?g$/i.test(n)).sort().map((n) => path.join(inbox, n));
const sha256 = new Map<string, string>();
const sha1 = new Map<string, string>();

async function pool<T>(items: T[], slots: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: slots }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

type StageResult = { ms: number; cpuMs: number; slots: number };
async function stage(slots: number, work: (file: string) => Promise<void>): Promise<StageResult> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  await pool(files, slots, work);
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, slots };
}

/** Crops by original SHA-256 from the pipeline's recipe copies (recipes/YYYY/MM/{sha8}.json). */
async function cropsFromLibrary(dir: string | undefined): Promise<Map<string, { x: number; y: number; w: number; h: number }>> {
  const crops = new Map<string, { x: number; y: number; w: number; h: number }>();
  if (!dir) return crops;
  const root = path.join(dir, 'recipes');
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (entry.name.endsWith('.json')) {
        const recipe = JSON.parse(await readFile(p, 'utf8')) as { original: { sha256: string }; steps: Array<{ op: string; enabled: boolean; params: { x: number; y: number; w: number; h: number } }> };
        const crop = recipe.steps.find((s) => s.op === 'crop' && s.enabled);
        if (crop) crops.set(recipe.original.sha256, crop.params);
      }
    }
  };
  await walk(root);
  return crops;
}
const crops = await cropsFromLibrary(values.library);

// 1. Hash: SHA-256 (the library's key) and SHA-1 (Immich's) in one read.
const hash = await stage(Number(values.hash), async (file) => {
  const a = createHash('sha256');
  const b = createHash('sha1');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    a.update(chunk as Buffer);
    b.update(chunk as Buffer);
  }
  sha256.set(file, a.digest('hex'));
  sha1.set(file, b.digest('hex'));
});

// 2. One decode: oriented, at most 1024 px (JPEG shrink-on-load), raw RGB, as the models need it.
const decode = await stage(Number(values.decode), async (file) => {
  await sharp(file).autoOrient().resize(1024, 1024, { fit: 'inside', withoutEnlargement: true }).removeAlpha().raw().toBuffer();
});

// 3. The model inferences, one photo at a time, on onnxruntime with one thread each, as the
// pipeline runs them: BlazeFace, and NanoDet and the NSFW classifier as converted from their tfjs
// graphs (models/converted-model.ts), each on a ready input tensor.
const session = (file: string) => ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1 });
const converted = async (id: string) => session(await convertedModelFile(getModel(id), weightPath(getModel(id)), defaultModelsDir));
const face = await session(weightPath(getModel(FACE_MODEL_ID)));
const nanodet = await converted(OBJECT_MODEL_ID);
const nsfw = await converted(MODERATION_MODEL_ID);
const zeros = (dims: number[]) => new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
const infer = async () => {
  await face.run({ 'input:0': zeros([1, 256, 256, 3]) });
  await nanodet.run({ 'input_1:0': zeros([1, 3, 416, 416]) });
  await nsfw.run({ 'input:0': zeros([1, 224, 224, 3]) });
};
await infer(); // warm-up: the first run of each model compiles its kernels
const models = await stage(1, infer);

// 4. The render: one sharp chain from the original, oriented, cropped as the recipe says, encoded
// with the output step's settings (JPEG q90, 4:4:4, standard Huffman tables, sRGB profile).
await mkdir(out, { recursive: true });
const render = await stage(Number(values.render), async (file) => {
  const meta = await sharp(file).metadata();
  const swapped = (meta.orientation ?? 1) >= 5;
  const w = swapped ? meta.height : meta.width;
  const h = swapped ? meta.width : meta.height;
  const c = crops.get(sha256.get(file)!) ?? { x: 0, y: 0, w: 1, h: 1 };
  const left = Math.round(c.x * w), top = Math.round(c.y * h);
  const region = { left, top, width: Math.max(1, Math.round((c.x + c.w) * w) - left), height: Math.max(1, Math.round((c.y + c.h) * h) - top) };
  await sharp(file).autoOrient().extract(region).withIccProfile('srgb')
    .jpeg({ quality: 90, chromaSubsampling: '4:4:4', optimiseCoding: false })
    .toFile(path.join(out, path.basename(file)));
});

// 5. The upload: original and processed as two assets, then one stack, with the SDK's plain calls.
const headers = { 'x-api-key': key };
const dates = { fileCreatedAt: '2024-05-01T10:00:00.000Z', fileModifiedAt: '2024-05-01T10:00:00.000Z' };
const upload = await stage(Number(values.upload), async (file) => {
  const ids: string[] = [];
  for (const f of [path.join(out, path.basename(file)), file]) {
    const assetData = new File([await openAsBlob(f)], path.basename(f), { type: 'image/jpeg' });
    const name = f === file ? path.basename(f) : `processed-${path.basename(f)}`;
    const res = await uploadAsset({ assetMediaCreateDto: { assetData: new File([assetData], name, { type: 'image/jpeg' }), ...dates } }, { baseUrl: url, headers });
    ids.push(res.id);
  }
  await createStack({ stackCreateDto: { assetIds: ids } }, { baseUrl: url, headers });
});

const stages = { hash, decode, models, render, upload };
const totalMs = Object.values(stages).reduce((sum, s) => sum + s.ms, 0);
process.stdout.write(`${JSON.stringify({ photos: files.length, stages, totalMs, cropsFound: files.filter((f) => crops.has(sha256.get(f)!)).length, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
