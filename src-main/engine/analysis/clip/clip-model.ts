import { AnalysisError } from '../analysis-error.ts';
import type { CatalogueEntry, ClipSpec } from '../models/catalogue.ts';
import type { ModelManager } from '../models/model-manager.ts';
import type { FeedData, OnnxPool } from '../onnx-pool.ts';
import type { RgbImage } from '../rgb-image.ts';
import { clipImageTensor, l2normalise } from './clip-preprocess.ts';
import { ClipTokenizer } from './clip-tokenizer.ts';

/**
 * A CLIP model installed by the model manager: image and text encoders run in the shared ONNX
 * pool (one worker each), embeddings come back L2-normalised so a dot product is the cosine.
 */
export class ClipModel {
  readonly id: string;
  readonly version: string;
  readonly spec: ClipSpec;
  private readonly pool: OnnxPool;
  private readonly tokenizer: ClipTokenizer;
  private readonly imagePath: string;
  private readonly textPath: string;
  private readonly textCache = new Map<string, Float32Array>();

  private constructor(entry: CatalogueEntry & { clip: ClipSpec }, manager: ModelManager, pool: OnnxPool, tokenizer: ClipTokenizer) {
    this.id = entry.id;
    this.version = entry.version;
    this.spec = entry.clip;
    this.pool = pool;
    this.tokenizer = tokenizer;
    this.imagePath = manager.fileOf(entry.id, entry.clip.imageEncoder);
    this.textPath = manager.fileOf(entry.id, entry.clip.textEncoder);
  }

  /**
   * Opens an installed CLIP model. Its files are hashed once here (about a second for ViT-B/32's
   * 600 MB on our machines), so a damaged or swapped download never loads.
   */
  static async open(manager: ModelManager, id: string, pool: OnnxPool): Promise<ClipModel> {
    const entry = manager.entry(id);
    if (!entry.clip) throw new AnalysisError('not-found', `Model ${id} is not a CLIP model.`);
    const state = await manager.state(id);
    if (state !== 'installed') {
      throw new AnalysisError('not-installed', `The CLIP model ${id} is not installed. Run \`lightbox models download ${id}\` (or download it in Settings › Models) to enable semantic search and tags.`);
    }
    const check = await manager.verify(id);
    if (!check.ok) throw new AnalysisError('hash-mismatch', check.message);
    const spec = entry.clip;
    const tokenizer = await ClipTokenizer.fromFiles(manager.fileOf(id, spec.vocab), manager.fileOf(id, spec.merges), {
      contextLength: spec.text.contextLength,
      padId: spec.text.padId,
    });
    return new ClipModel({ ...entry, clip: spec }, manager, pool, tokenizer);
  }

  /** `model@version`, the key results are cached under. */
  get key(): string {
    return `${this.id}@${this.version}`;
  }

  async encodeImage(rgb: RgbImage): Promise<Float32Array> {
    const { image, dim } = this.spec;
    const data = await clipImageTensor(rgb, image);
    const out = await this.pool.runFile(`${this.key}:image`, this.imagePath, { [image.input]: { data, dims: [1, 3, image.size, image.size] } }, [image.output]);
    return l2normalise(this.take(out[image.output], dim));
  }

  async encodeText(text: string): Promise<Float32Array> {
    const hit = this.textCache.get(text);
    if (hit) return hit;
    const { text: spec, dim } = this.spec;
    const ids = this.tokenizer.encode(text);
    const feeds: Record<string, FeedData> = { [spec.input]: { data: ids, dims: [1, spec.contextLength] } };
    if (spec.attentionMask) {
      const end = ids.indexOf(BigInt(this.tokenizer.endId));
      feeds[spec.attentionMask] = { data: BigInt64Array.from(ids, (_, i) => (i <= end ? 1n : 0n)), dims: [1, spec.contextLength] };
    }
    const out = await this.pool.runFile(`${this.key}:text`, this.textPath, feeds, [spec.output]);
    const v = l2normalise(this.take(out[spec.output], dim));
    if (this.textCache.size < 1000) this.textCache.set(text, v);
    return v;
  }

  private take(t: { data: Float32Array; dims: number[] } | undefined, dim: number): Float32Array {
    if (!t || t.data.length !== dim || t.dims.at(-1) !== dim) {
      throw new AnalysisError('job-failed', `CLIP model ${this.id} returned an embedding of shape [${t?.dims.join(', ') ?? ''}], expected [1, ${dim}].`);
    }
    return t.data;
  }
}
