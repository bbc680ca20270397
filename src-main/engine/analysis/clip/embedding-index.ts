import { setImmediate as yieldToEvents } from 'node:timers/promises';
import type { AnalysisRepo } from '../../library/index.ts';
import { embeddingFromBase64 } from './clip-preprocess.ts';
import { rankByCosine, type Ranked } from './clip-search.ts';

type Generation = ReturnType<AnalysisRepo['modelGeneration']>;

/** Embeddings decoded between two turns of the event loop: about 20 ms of work. */
const PAGE = 500;

/**
 * Every photo's CLIP embedding, decoded once and kept up to date by reading only what changed.
 * The search box asks three times per change of text (page, counts, select-all), and again on
 * every live refresh while analysis embeds new photos; decoding 10,000 base64 vectors out of JSON
 * takes 0.3-0.6 s, the cosines 15 ms. The decoding goes a page at a time, with the event loop free
 * in between, so the engine keeps answering while it runs.
 */
export class EmbeddingIndex {
  readonly #analysis: AnalysisRepo;
  readonly #model: string;
  readonly #decode: (result: unknown) => { vector: string } | null;
  #seen: Generation | null = null;
  #byPhoto = new Map<number, Float32Array>();
  #refreshing: Promise<void> | null = null;

  constructor(analysis: AnalysisRepo, model: string, decode: (result: unknown) => { vector: string } | null) {
    this.#analysis = analysis;
    this.#model = model;
    this.#decode = decode;
  }

  /** The photos' embeddings with the query's dimension (another model's are left out), ranked by cosine. */
  async rank(query: Float32Array, limit?: number): Promise<Array<Ranked<number>>> {
    // One refresh at a time: the page, the counts and select-all ask together.
    while (this.#refreshing) await this.#refreshing;
    this.#refreshing = this.#refresh().finally(() => (this.#refreshing = null));
    await this.#refreshing;
    const items = [];
    for (const [item, embedding] of this.#byPhoto) if (embedding.length === query.length) items.push({ item, embedding });
    return rankByCosine(query, items, { limit });
  }

  /** A key for what the ranking would be made from: it changes when an embedding is added or renewed. */
  generation(): string {
    const g = this.#analysis.modelGeneration(this.#model);
    return `${g.count}:${g.newest ?? ''}:${g.photos}`;
  }

  async #refresh(): Promise<void> {
    const now = this.#analysis.modelGeneration(this.#model);
    const seen = this.#seen;
    if (seen && now.count === seen.count && now.newest === seen.newest && now.photos === seen.photos) return;
    // Results are added or renewed, never deleted, so what is new was written at or after the
    // newest one seen. Fewer results than before (one failed on a rerun, or is being redone) or
    // fewer photos: read everything again rather than keep a vector that is no longer stored.
    const grew = seen !== null && now.count >= seen.count && now.photos >= seen.photos;
    if (!grew) this.#byPhoto = new Map();
    const since = grew ? (seen.newest ?? '') : '';
    for (let after = 0; ; ) {
      const page = this.#analysis.completedByModel(this.#model, since, { after, limit: PAGE });
      for (const { photoId, result } of page) {
        const stored = this.#decode(result);
        if (stored) this.#byPhoto.set(photoId, embeddingFromBase64(stored.vector));
      }
      if (page.length < PAGE) break;
      after = page.at(-1)!.photoId;
      await yieldToEvents();
    }
    this.#seen = now;
  }
}
