import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { AnalysisError } from '../analysis-error.ts';
import type { AestheticSpec } from '../models/catalogue.ts';
import type { ModelManager } from '../models/model-manager.ts';
import type { OnnxPool } from '../onnx-pool.ts';
import { encodeModel } from './onnx-writer.ts';

/**
 * An aesthetic head: a tiny network on the CLIP image embedding (LAION's aesthetic predictor V1 is
 * one Linear(512, 1) on the L2-normalised ViT-B/32 embedding, scores about 1..10). It reuses the
 * embedding the analysis already computed, so a score costs one small ONNX run, no image pass.
 */

/** The ONNX graph of a linear head: output [1, 1] = input [1, dim] x W [dim, 1] + b. */
export function linearHeadOnnx(spec: Pick<AestheticSpec, 'input' | 'output' | 'dim'>, weights: Float32Array, bias: number): Buffer {
  if (weights.length !== spec.dim) throw new RangeError(`a linear head on ${spec.dim} values needs ${spec.dim} weights, got ${weights.length}`);
  return encodeModel({
    name: 'aesthetic-linear-head',
    inputs: [{ name: spec.input, type: 'float32', dims: [1, spec.dim] }],
    outputs: [{ name: spec.output, type: 'float32', dims: [1, 1] }],
    initializers: [
      { name: 'weight', type: 'float32', dims: [spec.dim, 1], data: weights },
      { name: 'bias', type: 'float32', dims: [1], data: Float32Array.of(bias) },
    ],
    nodes: [
      { op: 'MatMul', inputs: [spec.input, 'weight'], outputs: ['projected'] },
      { op: 'Add', inputs: ['projected', 'bias'], outputs: [spec.output] },
    ],
  });
}

/**
 * Weight and bias of a Linear(dim, 1) from a PyTorch state-dict file (torch.save's zip format: every
 * tensor's storage is a stored, uncompressed `<archive>/data/<n>` entry of little-endian float32).
 * Rather than unpickle data.pkl, the two storages are told apart by size: dim x 4 bytes for the
 * weight, 4 bytes for the bias; anything else is refused.
 */
export function linearFromTorchZip(file: Buffer, dim: number): { weights: Float32Array; bias: number } {
  const eocd = file.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip file (no end-of-central-directory record)');
  const count = file.readUInt16LE(eocd + 10);
  let at = file.readUInt32LE(eocd + 16);
  const storages: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    if (file.readUInt32LE(at) !== 0x02014b50) throw new Error('damaged zip central directory');
    const method = file.readUInt16LE(at + 10);
    const size = file.readUInt32LE(at + 24);
    const nameLen = file.readUInt16LE(at + 28);
    const extraLen = file.readUInt16LE(at + 30);
    const commentLen = file.readUInt16LE(at + 32);
    const local = file.readUInt32LE(at + 42);
    const name = file.toString('utf8', at + 46, at + 46 + nameLen);
    at += 46 + nameLen + extraLen + commentLen;
    if (!/(^|\/)data\/\d+$/.test(name)) continue;
    if (method !== 0) throw new Error(`tensor storage ${name} is compressed; torch.save stores them uncompressed`);
    const start = local + 30 + file.readUInt16LE(local + 26) + file.readUInt16LE(local + 28);
    storages.push(file.subarray(start, start + size));
  }
  const weight = storages.filter((s) => s.length === dim * 4);
  const bias = storages.filter((s) => s.length === 4);
  if (storages.length !== 2 || weight.length !== 1 || bias.length !== 1) {
    throw new Error(`expected one ${dim}-value weight and one bias, found storages of ${storages.map((s) => s.length).join(', ')} bytes`);
  }
  const weights = new Float32Array(dim);
  Buffer.from(weights.buffer).set(weight[0]!);
  return { weights, bias: bias[0]!.readFloatLE(0) };
}

export class AestheticHead {
  readonly id: string;
  readonly version: string;
  readonly spec: AestheticSpec;
  private readonly pool: OnnxPool;
  private readonly onnxPath: string;

  private constructor(id: string, version: string, spec: AestheticSpec, pool: OnnxPool, onnxPath: string) {
    this.id = id;
    this.version = version;
    this.spec = spec;
    this.pool = pool;
    this.onnxPath = onnxPath;
  }

  /** Opens an installed head (hashed once here); a PyTorch head is turned into ONNX beside itself once. */
  static async open(manager: ModelManager, id: string, pool: OnnxPool): Promise<AestheticHead> {
    const entry = manager.entry(id);
    const spec = entry.aesthetic;
    if (!spec) throw new AnalysisError('not-found', `Model ${id} is not an aesthetic head.`);
    if ((await manager.state(id)) !== 'installed') {
      throw new AnalysisError('not-installed', `The aesthetic model ${id} is not installed. Run \`lightbox models download ${id}\` (or download it in Settings › Models) for aesthetic scores.`);
    }
    const check = await manager.verify(id);
    if (!check.ok) throw new AnalysisError('hash-mismatch', check.message);
    const file = manager.fileOf(id, spec.head);
    let onnxPath = file;
    if (spec.format === 'torch-linear') {
      onnxPath = `${file}.onnx`;
      if (!existsSync(onnxPath)) {
        let head: { weights: Float32Array; bias: number };
        try {
          head = linearFromTorchZip(await readFile(file), spec.dim);
        } catch (err) {
          throw new AnalysisError('job-failed', `The aesthetic model ${id} could not be read (${(err as Error).message}). Download it again, or remove it in Settings › Models.`);
        }
        await writeFile(`${onnxPath}.tmp`, linearHeadOnnx(spec, head.weights, head.bias));
        await rename(`${onnxPath}.tmp`, onnxPath);
      }
    }
    return new AestheticHead(id, entry.version, spec, pool, onnxPath);
  }

  get key(): string {
    return `${this.id}@${this.version}`;
  }

  /** The score of one L2-normalised image embedding of the head's CLIP model. */
  async score(embedding: Float32Array): Promise<number> {
    const { input, output, dim } = this.spec;
    if (embedding.length !== dim) throw new AnalysisError('job-failed', `The aesthetic model ${this.id} takes ${dim}-value embeddings, got ${embedding.length}.`);
    // A copy: the pool transfers (detaches) the feed's buffer.
    const out = await this.pool.runFile(`${this.key}:head`, this.onnxPath, { [input]: { data: new Float32Array(embedding), dims: [1, dim] } }, [output]);
    const v = out[output]?.data[0];
    if (v === undefined || !Number.isFinite(v)) throw new AnalysisError('job-failed', `The aesthetic model ${this.id} returned no score.`);
    return v;
  }
}
