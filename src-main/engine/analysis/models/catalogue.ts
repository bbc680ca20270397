import { statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AnalysisError } from '../analysis-error.ts';
import { readModelsJson } from '../model-manifest.ts';

/**
 * The `downloads` section of models/manifest.json: models no npm package carries (CLIP, an
 * aesthetic head), fetched by the model manager from their own home on a user's machine. Each file
 * records its URL, size and SHA-256; a null size or hash means nobody on the project could fetch it
 * yet (our machines reach no model hub), so the first download pins what it got in installed.json.
 */

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const FileName = z.string().regex(/^[A-Za-z0-9._-]+$/, 'a bare file name');

export const DownloadFile = z.object({
  name: FileName,
  url: z.url({ protocol: /^https?$/ }),
  bytes: z.number().int().positive().nullable(),
  sha256: Sha256.nullable(),
});
export type DownloadFile = z.infer<typeof DownloadFile>;

/** How the CLIP code feeds and reads the two encoders; names and sizes are the real model's. */
export const ClipSpec = z.object({
  imageEncoder: FileName,
  textEncoder: FileName,
  vocab: FileName,
  merges: FileName,
  /** Embedding width shared by both encoders. */
  dim: z.number().int().positive(),
  image: z.object({
    input: z.string().min(1),
    output: z.string().min(1),
    /** Shortest side resized to this, then centre-cropped to size x size. */
    size: z.number().int().positive(),
    mean: z.tuple([z.number(), z.number(), z.number()]),
    std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
  }),
  text: z.object({
    input: z.string().min(1),
    output: z.string().min(1),
    contextLength: z.number().int().min(3),
    padId: z.number().int().nonnegative().default(0),
    /** Some exports also take an int64 attention mask (1 up to and including <|endoftext|>). */
    attentionMask: z.string().nullable().default(null),
  }),
  /** CLIP's learned temperature (100 for the released models): softmax over 100 x cosine. */
  logitScale: z.number().positive().default(100),
});
export type ClipSpec = z.infer<typeof ClipSpec>;

/**
 * How the aesthetic code feeds and reads a head that scores a CLIP image embedding. `format`:
 * "onnx", a graph taking `input` [1, dim] and giving `output` [1, 1]; "torch-linear", a PyTorch
 * state dict of one Linear(dim, 1) (how LAION publishes its heads), turned into that same ONNX graph
 * on first use (aesthetic-head.ts), so both run through the same ONNX pool code.
 */
export const AestheticSpec = z.object({
  head: FileName,
  format: z.enum(['onnx', 'torch-linear']).default('onnx'),
  input: z.string().min(1),
  output: z.string().min(1),
  dim: z.number().int().positive(),
  /** The catalogue id of the CLIP model whose L2-normalised image embedding the head takes. */
  embeddingModel: z.string().min(1),
});
export type AestheticSpec = z.infer<typeof AestheticSpec>;

export const CatalogueEntry = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    version: z.string().min(1),
    task: z.enum(['embedding', 'aesthetic']),
    title: z.string().min(1),
    licence: z.string().min(1),
    licenceUrl: z.url(),
    home: z.url(),
    /** Why sizes or hashes are missing, or anything else a maintainer must know. */
    note: z.string().optional(),
    files: z.array(DownloadFile).min(1),
    clip: ClipSpec.optional(),
    aesthetic: AestheticSpec.optional(),
  })
  .refine((e) => new Set(e.files.map((f) => f.name)).size === e.files.length, { message: 'file names must be unique' })
  .refine((e) => !e.clip || [e.clip.imageEncoder, e.clip.textEncoder, e.clip.vocab, e.clip.merges].every((n) => e.files.some((f) => f.name === n)), {
    message: 'every CLIP file must be listed in files',
  })
  .refine((e) => !e.aesthetic || e.files.some((f) => f.name === e.aesthetic!.head), { message: 'the aesthetic head must be listed in files' });
export type CatalogueEntry = z.infer<typeof CatalogueEntry>;

const Catalogue = z.object({ downloads: z.array(CatalogueEntry).default([]) });

/**
 * The catalogue as last read from each models folder, with the file's identity then. It is asked
 * for several times per photo analysed (is CLIP installed? which version?), on the engine's thread:
 * read and validated again only when the file changed.
 */
const lastRead = new Map<string, { stamp: string; entries: readonly CatalogueEntry[] }>();

function fileStamp(file: string): string | null {
  const s = statSync(file, { bigint: true, throwIfNoEntry: false });
  return s ? `${s.ino}:${s.size}:${s.mtimeNs}` : null;
}

export function loadCatalogue(modelsDir: string): readonly CatalogueEntry[] {
  const file = path.join(modelsDir, 'manifest.json');
  const stamp = fileStamp(file);
  const hit = lastRead.get(modelsDir);
  if (hit && hit.stamp === stamp) return hit.entries;
  const { downloads } = readModelsJson(modelsDir, Catalogue);
  const ids = downloads.map((d) => d.id);
  if (new Set(ids).size !== ids.length) throw new AnalysisError('internal', `The model list ${file} names a downloadable model twice.`);
  if (stamp !== null) lastRead.set(modelsDir, { stamp, entries: downloads });
  return downloads;
}
