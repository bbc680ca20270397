import { cosine } from './clip-preprocess.ts';

/** Semantic search and zero-shot tags: cosines of L2-normalised CLIP embeddings. */

export type Ranked<T> = { item: T; score: number };

/** Highest cosine first; ties keep input order (so results are stable between runs). */
export function rankByCosine<T>(query: Float32Array, items: Iterable<{ item: T; embedding: Float32Array }>, options: { limit?: number; minScore?: number } = {}): Array<Ranked<T>> {
  const out: Array<Ranked<T> & { order: number }> = [];
  let order = 0;
  for (const { item, embedding } of items) {
    const score = cosine(query, embedding);
    if (score >= (options.minScore ?? -Infinity)) out.push({ item, score, order: order++ });
  }
  out.sort((a, b) => b.score - a.score || a.order - b.order);
  return out.slice(0, options.limit ?? out.length).map(({ item, score }) => ({ item, score }));
}

export type Tag = { label: string; score: number; probability: number };

/**
 * CLIP zero-shot classification: softmax over logitScale x cosine(image, prompt) for every label;
 * labels above `minProbability` are tags, best first. Prompts follow CLIP's "a photo of a ...".
 */
export function zeroShotTags(image: Float32Array, prompts: Array<{ label: string; embedding: Float32Array }>, options: { logitScale: number; minProbability?: number; topK?: number }): Tag[] {
  if (prompts.length === 0) return [];
  const scores = prompts.map((p) => cosine(image, p.embedding));
  const logits = scores.map((s) => s * options.logitScale);
  const max = Math.max(...logits);
  const exp = logits.map((l) => Math.exp(l - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  const tags = prompts.map((p, i) => ({ label: p.label, score: r4(scores[i]!), probability: r4(exp[i]! / sum) }));
  return tags
    .filter((t) => t.probability >= (options.minProbability ?? 0.1))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, options.topK ?? 5);
}

const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

export const promptFor = (label: string) => `a photo of ${/^[aeiou]/i.test(label) ? 'an' : 'a'} ${label}`;

/** A general photo vocabulary for tags; the UI may offer the user's own keywords instead. */
export const DEFAULT_TAG_LABELS = [
  'person', 'group of people', 'child', 'dog', 'cat', 'bird', 'horse', 'car', 'bicycle', 'boat', 'aeroplane', 'train',
  'building', 'city street', 'bridge', 'beach', 'mountain', 'forest', 'lake', 'river', 'sea', 'sky', 'sunset', 'snow',
  'flower', 'tree', 'food', 'drink', 'document', 'screenshot', 'night scene', 'indoor room', 'concert', 'sport', 'wedding',
];
