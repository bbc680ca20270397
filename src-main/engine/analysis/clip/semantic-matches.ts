import type { Ranked } from './clip-search.ts';

/**
 * Which of CLIP's ranked photos the search box counts as matches. A ranking has no natural end
 * (every photo has some cosine with any text), so it is cut where the match is clearly weaker
 * than the best: CLIP ViT-B/32 gives a photo and a fitting description a cosine around 0.25-0.35
 * and an unrelated pair 0.1-0.2, so photos within 0.1 of the best, and above 0.2, are kept.
 * MAX keeps a vague query ("photo") from matching the whole library.
 */
export type MatchRule = { minScore: number; window: number; max: number };
export const SEMANTIC_MATCH: MatchRule = { minScore: 0.2, window: 0.1, max: 500 };

export function semanticMatches(ranked: ReadonlyArray<Ranked<number>>, rule = SEMANTIC_MATCH): number[] {
  const best = ranked[0]?.score ?? -Infinity;
  const floor = Math.max(rule.minScore, best - rule.window);
  const out: number[] = [];
  for (const hit of ranked) {
    if (hit.score < floor || out.length >= rule.max) break;
    out.push(hit.item);
  }
  return out;
}

/**
 * The last few texts' matches, for as long as the embeddings they were ranked against stay the
 * same. Typing "dog on the beach" asks once per pause, and each answer is asked for three times
 * (the page, the counts, select-all).
 */
export class MatchCache {
  readonly #entries = new Map<string, Promise<number[]>>();
  readonly #size: number;

  constructor(size = 8) {
    this.#size = size;
  }

  get(text: string, generation: string, compute: () => Promise<number[]>): Promise<number[]> {
    const key = `${generation}\u0000${text}`;
    let entry = this.#entries.get(key);
    if (entry) {
      // Most recently used last, so the oldest is the first key.
      this.#entries.delete(key);
    } else {
      entry = compute();
      entry.catch(() => this.#entries.delete(key));
    }
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#size) this.#entries.delete(this.#entries.keys().next().value!);
    return entry;
  }
}
