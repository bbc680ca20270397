import type { AnalysisRepo } from '../../library/index.ts';
import { embeddingFromBase64 } from './clip-preprocess.ts';
import { rankByCosine, type Ranked } from './clip-search.ts';

type Decoded = { item: number; embedding: Float32Array };

/**
 * Every photo's CLIP embedding, decoded once and kept while the stored ones stay the same. The
 * search box asks three times per change of text (page, counts, select-all), and decoding 10,000
 * base64 vectors out of JSON costs far more than the cosines do.
 */
export class EmbeddingIndex {
  readonly #analysis: AnalysisRepo;
  readonly #model: string;
  readonly #decode: (result: unknown) => { dim: number; vector: string } | null;
  #generation: string | null = null;
  #items: Decoded[] = [];

  constructor(analysis: AnalysisRepo, model: string, decode: (result: unknown) => { dim: number; vector: string } | null) {
    this.#analysis = analysis;
    this.#model = model;
    this.#decode = decode;
  }

  /** The photos' embeddings with the query's dimension (a different model's are left out), ranked by cosine. */
  rank(query: Float32Array, limit?: number): Array<Ranked<number>> {
    return rankByCosine(query, this.#current().filter((d) => d.embedding.length === query.length), { limit });
  }

  /** Changes when an embedding is added, renewed or dropped: what a cached ranking is valid for. */
  generation(): string {
    return this.#analysis.modelGeneration(this.#model);
  }

  #current(): Decoded[] {
    const generation = this.generation();
    if (generation === this.#generation) return this.#items;
    this.#items = this.#analysis.completedByModel(this.#model).flatMap(({ photoId, result }) => {
      const stored = this.#decode(result);
      return stored ? [{ item: photoId, embedding: embeddingFromBase64(stored.vector) }] : [];
    });
    this.#generation = generation;
    return this.#items;
  }
}
