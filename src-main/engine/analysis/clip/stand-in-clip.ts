import { encodeModel } from './onnx-writer.ts';
import type { ClipSpec } from '../models/catalogue.ts';
import { END, START } from './clip-tokenizer.ts';

/**
 * Builds a tiny CLIP stand-in for tests and benchmarks (no real CLIP weights can be had on our
 * machines): ONNX encoders with ViT-B/32's tensor names and shapes, plus a small vocab/merges pair.
 * - image: pixel_values [1,3,224,224] -> ReduceMean over H,W -> [1,3] -> MatMul W[3,512] -> image_embeds [1,512];
 *   W is the identity onto the first 3 dims, so the embedding is the normalised per-channel mean.
 * - text: input_ids [1,77] int64 -> Gather(table[V,512]) -> ReduceMean over tokens -> text_embeds [1,512];
 *   "red", "green" and "blue" point along dims 0, 1 and 2; other tokens get a small spread elsewhere.
 * So "red" ranks a red image above a grey one above a blue one, and the test can compute every value.
 */

export const STAND_IN_DIM = 512;
export const STAND_IN_CONTEXT = 77;

export const STAND_IN_SPEC: ClipSpec = {
  imageEncoder: 'vision_model.onnx',
  textEncoder: 'text_model.onnx',
  vocab: 'vocab.json',
  merges: 'merges.txt',
  dim: STAND_IN_DIM,
  image: { input: 'pixel_values', output: 'image_embeds', size: 224, mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711] },
  text: { input: 'input_ids', output: 'text_embeds', contextLength: STAND_IN_CONTEXT, padId: 0, attentionMask: null },
  logitScale: 100,
};

const WORDS = ['red', 'green', 'blue', 'a', 'photo', 'of', 'dog'];

/**
 * Merges that make each word one token. Each word is first split by the merges made so far (as the
 * tokenizer will: "green" meets "r e" from "red"), then its remaining pieces are joined left to right.
 */
function mergesFor(words: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const w of words) {
    let parts = [...w];
    parts[parts.length - 1] += '</w>';
    for (const [a, b] of out) {
      const next: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (parts[i] === a && parts[i + 1] === b) next.push(a + b), i++;
        else next.push(parts[i]!);
      }
      parts = next;
    }
    while (parts.length > 1) {
      out.push([parts[0]!, parts[1]!]);
      parts = [parts[0]! + parts[1]!, ...parts.slice(2)];
    }
  }
  return out;
}

export type StandInClip = {
  files: Record<string, Buffer>;
  vocab: Record<string, number>;
  /** Row per token id: the text table the graph gathers from. */
  table: Float32Array;
};

export function buildStandInClip(): StandInClip {
  const merges = mergesFor(WORDS);
  const tokens = ['!pad'];
  for (let c = 97; c <= 122; c++) tokens.push(String.fromCharCode(c), `${String.fromCharCode(c)}</w>`);
  for (const [a, b] of merges) if (!tokens.includes(a + b)) tokens.push(a + b);
  for (const w of WORDS) if (w.length === 1 && !tokens.includes(`${w}</w>`)) tokens.push(`${w}</w>`);
  tokens.push(START, END);
  const vocab = Object.fromEntries(tokens.map((t, i) => [t, i]));

  const V = tokens.length;
  const D = STAND_IN_DIM;
  const table = new Float32Array(V * D);
  tokens.forEach((t, id) => {
    const colour = ['red</w>', 'green</w>', 'blue</w>'].indexOf(t);
    if (colour >= 0) table[id * D + colour] = 1;
    else if (id !== 0 && t !== START && t !== END) table[id * D + 3 + (id % (D - 3))] = 0.05; // small, off the colour axes
  });

  const w = new Float32Array(3 * D);
  for (let c = 0; c < 3; c++) w[c * D + c] = 1;
  const image = encodeModel({
    name: 'clip-stand-in-vision',
    inputs: [{ name: 'pixel_values', type: 'float32', dims: [1, 3, 224, 224] }],
    outputs: [{ name: 'image_embeds', type: 'float32', dims: [1, D] }],
    initializers: [{ name: 'proj', type: 'float32', dims: [3, D], data: w }],
    nodes: [
      { op: 'ReduceMean', inputs: ['pixel_values'], outputs: ['pooled'], attrs: { axes: [2, 3], keepdims: 0 } },
      { op: 'MatMul', inputs: ['pooled', 'proj'], outputs: ['image_embeds'] },
    ],
  });
  const text = encodeModel({
    name: 'clip-stand-in-text',
    inputs: [{ name: 'input_ids', type: 'int64', dims: [1, STAND_IN_CONTEXT] }],
    outputs: [{ name: 'text_embeds', type: 'float32', dims: [1, D] }],
    initializers: [{ name: 'token_table', type: 'float32', dims: [V, D], data: table }],
    nodes: [
      { op: 'Gather', inputs: ['token_table', 'input_ids'], outputs: ['tokens'], attrs: { axis: 0 } },
      { op: 'ReduceMean', inputs: ['tokens'], outputs: ['text_embeds'], attrs: { axes: [1], keepdims: 0 } },
    ],
  });
  const mergesTxt = `#version: 0.2\n${merges.map(([a, b]) => `${a} ${b}`).join('\n')}\n`;
  return {
    files: {
      'vision_model.onnx': image,
      'text_model.onnx': text,
      'vocab.json': Buffer.from(JSON.stringify(vocab)),
      'merges.txt': Buffer.from(mergesTxt),
    },
    vocab,
    table,
  };
}
