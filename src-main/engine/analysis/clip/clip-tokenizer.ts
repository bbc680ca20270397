import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * CLIP's byte-level BPE tokenizer, driven by the model's own vocab.json (token -> id) and
 * merges.txt (one "left right" pair per line, best first). Words end with "</w>", text is
 * lower-cased and its whitespace collapsed; the sequence is <|startoftext|> ... <|endoftext|>,
 * cut and padded to the model's context length (77 for every released CLIP).
 */

export const START = '<|startoftext|>';
export const END = '<|endoftext|>';

// Letters, single digits, runs of other symbols; contractions split as in CLIP's training.
const WORD = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/gu;

/**
 * Every byte gets a printable stand-in character so that merges can be written as text: bytes
 * that are already visible Latin-1 keep their character, the rest are shifted above U+00FF.
 */
function byteAlphabet(): string[] {
  const table: string[] = new Array(256);
  const visible = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let extra = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCodePoint(visible(b) ? b : 256 + extra++);
  return table;
}
const BYTE_CHAR = byteAlphabet();

export type TokenizerOptions = {
  contextLength: number;
  /** Id that fills the sequence after <|endoftext|>; 0 as in OpenAI's release unless the model says otherwise. */
  padId?: number;
};

export class ClipTokenizer {
  readonly contextLength: number;
  readonly startId: number;
  readonly endId: number;
  private readonly padId: number;
  private readonly vocab: Map<string, number>;
  private readonly ranks: Map<string, number>;
  private readonly cache = new Map<string, number[]>();

  constructor(vocab: Record<string, number>, merges: Array<[string, string]>, options: TokenizerOptions) {
    this.vocab = new Map(Object.entries(vocab));
    this.ranks = new Map(merges.map(([a, b], i) => [`${a} ${b}`, i]));
    const id = (t: string) => {
      const v = this.vocab.get(t);
      if (v === undefined) throw new Error(`The tokenizer vocabulary has no ${t} token.`);
      return v;
    };
    this.startId = id(START);
    this.endId = id(END);
    this.padId = options.padId ?? 0;
    this.contextLength = options.contextLength;
  }

  static async fromFiles(vocabFile: string, mergesFile: string, options: TokenizerOptions): Promise<ClipTokenizer> {
    const vocab = z.record(z.string(), z.number().int().nonnegative()).parse(JSON.parse(await readFile(vocabFile, 'utf8')));
    return new ClipTokenizer(vocab, parseMerges(await readFile(mergesFile, 'utf8')), options);
  }

  /** Token ids of `text` without start/end markers. */
  ids(text: string): number[] {
    const clean = text.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
    const out: number[] = [];
    for (const [word] of clean.matchAll(WORD)) {
      if (word === START || word === END) {
        out.push(word === START ? this.startId : this.endId);
        continue;
      }
      out.push(...this.word(word));
    }
    return out;
  }

  /** The model's `input_ids`: [start, ...ids (cut to fit), end, pad...], length contextLength. */
  encode(text: string): BigInt64Array {
    const body = this.ids(text).slice(0, this.contextLength - 2);
    const seq = new BigInt64Array(this.contextLength).fill(BigInt(this.padId));
    seq[0] = BigInt(this.startId);
    body.forEach((id, i) => (seq[i + 1] = BigInt(id)));
    seq[body.length + 1] = BigInt(this.endId);
    return seq;
  }

  private word(word: string): number[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    const chars = [...Buffer.from(word, 'utf8')].map((b) => BYTE_CHAR[b]!);
    chars[chars.length - 1] += '</w>';
    const parts = this.bpe(chars);
    // A piece missing from the vocabulary (only possible with a truncated vocab) maps to
    // <|endoftext|>, as the reference tokenizers do with their unknown token.
    const ids = parts.map((p) => this.vocab.get(p) ?? this.endId);
    if (this.cache.size < 10_000) this.cache.set(word, ids);
    return ids;
  }

  /** Repeatedly joins the adjacent pair that ranks best in merges.txt, everywhere it occurs. */
  private bpe(parts: string[]): string[] {
    while (parts.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < parts.length - 1; i++) {
        const rank = this.ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      const left = parts[best]!;
      const right = parts[best + 1]!;
      const next: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i < parts.length - 1 && parts[i] === left && parts[i + 1] === right) {
          next.push(left + right);
          i++;
        } else next.push(parts[i]!);
      }
      parts = next;
    }
    return parts;
  }
}

/** merges.txt: an optional "#version" header, then "left right" per line. */
export function parseMerges(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#version') || line.trim() === '') continue;
    const [a, b, extra] = line.trim().split(' ');
    if (!a || !b || extra !== undefined) throw new Error(`merges.txt has a malformed line: ${JSON.stringify(line)}`);
    out.push([a, b]);
  }
  return out;
}
