// Turns a TensorFlow.js model that a package ships as JavaScript modules (a bundler wrapper whose
// module body is `<x>.exports = <object literal>` for model.json, and `<x>.exports = "<base64>"` for
// each weight shard) back into the plain files tfjs reads: model.json and a binary weight file.
//
// WHY PARSE INSTEAD OF EVALUATING: the wrappers are code from a package we do not own; running them
// (even in node:vm) would execute whatever a future release puts there. The payload is a literal,
// so a small literal parser recovers it and refuses anything that is not pure data.

export class UnwrapError extends Error {}

type Literal = null | boolean | number | string | Literal[] | { [key: string]: Literal };

/** The offset where the first `.exports=` that assigns a literal ({ or ") begins its value. */
function payloadStart(source: string): number {
  const re = /\.exports\s*=\s*(?=[{"])/g;
  const m = re.exec(source);
  if (!m) throw new UnwrapError('no `.exports = <literal>` assignment found');
  const second = re.exec(source);
  // Exactly one payload: two would mean a bundle with more than one data module, which we do not know how to read.
  if (second) throw new UnwrapError('more than one `.exports = <literal>` assignment found');
  return m.index + m[0].length;
}

/**
 * Parses one JavaScript literal at `pos`: objects (identifier, string or number keys), arrays,
 * double- or single-quoted strings, numbers (incl. `.5`, `-1e-3`), true/false/null and the minifier's
 * `!0` / `!1`. Returns { value, end }. Anything else (calls, identifiers as values) is an error.
 */
export function parseLiteral(src: string, pos = 0): { value: Literal; end: number } {
  let i = pos;
  const fail = (what: string): never => {
    throw new UnwrapError(`${what} at offset ${i}: ${JSON.stringify(src.slice(i, i + 40))}`);
  };
  const ws = () => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  const str = (): string => {
    const q = src[i++];
    let out = '';
    for (;;) {
      if (i >= src.length) fail('unterminated string');
      const c = src[i++];
      if (c === q) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = src[i++] ?? '';
      const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', 0: '\0' };
      if (e in simple) out += simple[e];
      else if (e === 'u' || e === 'x') {
        const len = e === 'u' ? 4 : 2;
        const hex = src.slice(i, i + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) fail('bad escape');
        out += String.fromCharCode(parseInt(hex, 16));
        i += len;
      } else out += e;
    }
  };
  const num = (): number => {
    const m = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i, i + 64));
    if (!m) return fail('expected a number');
    i += m[0].length;
    return Number(m[0]);
  };
  const value = (): Literal => {
    ws();
    const c = src[i];
    if (c === '{') {
      i++;
      const obj: { [key: string]: Literal } = {};
      for (;;) {
        ws();
        if (src[i] === '}') {
          i++;
          return obj;
        }
        let key: string;
        if (src[i] === '"' || src[i] === "'") key = str();
        else {
          const m = /^[A-Za-z_$][\w$]*|^\d+/.exec(src.slice(i, i + 256));
          if (!m) return fail('expected a key');
          key = m[0];
          i += key.length;
        }
        ws();
        if (src[i++] !== ':') fail('expected ":"');
        // defineProperty: a key named __proto__ stays plain data instead of changing the prototype.
        Object.defineProperty(obj, key, { value: value(), enumerable: true, writable: true, configurable: true });
        ws();
        if (src[i] === ',') i++;
        else if (src[i] !== '}') fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const arr: Literal[] = [];
      for (;;) {
        ws();
        if (src[i] === ']') {
          i++;
          return arr;
        }
        arr.push(value());
        ws();
        if (src[i] === ',') i++;
        else if (src[i] !== ']') fail('expected "," or "]"');
      }
    }
    if (c === '"' || c === "'") return str();
    if (src.startsWith('!0', i)) return (i += 2), true;
    if (src.startsWith('!1', i)) return (i += 2), false;
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (src.startsWith(word, i) && !/[\w$]/.test(src[i + word.length] ?? '')) return (i += word.length), v;
    }
    return num();
  };
  const v = value();
  return { value: v, end: i };
}

/** The data literal a wrapper module exports. */
export function unwrapModule(source: string): Literal {
  return parseLiteral(source, payloadStart(source)).value;
}

/** model.json text from a wrapped model module, its weight groups pointing at `weightFile` (all shards joined). */
export function unwrapModelJson(source: string, weightFile: string): string {
  const model = unwrapModule(source);
  if (!model || typeof model !== 'object' || Array.isArray(model) || !model.modelTopology || !Array.isArray(model.weightsManifest)) {
    throw new UnwrapError('the wrapped module is not a tfjs model.json (no modelTopology / weightsManifest)');
  }
  // tfjs reads a group's shards in order and then all groups in order; with every shard joined into
  // one file in that same order, one group listing one path describes the same bytes.
  const weights = model.weightsManifest.flatMap((g) => (g && typeof g === 'object' && !Array.isArray(g) && Array.isArray(g.weights) ? g.weights : []));
  model.weightsManifest = [{ paths: [weightFile], weights }];
  return JSON.stringify(model);
}

/** The bytes of a wrapped weight shard (a base64 string literal). */
export function unwrapShard(source: string): Buffer {
  const b64 = unwrapModule(source);
  if (typeof b64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new UnwrapError('the wrapped shard is not a base64 string');
  return Buffer.from(b64, 'base64');
}

