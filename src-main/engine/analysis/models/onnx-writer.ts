/**
 * Writes an ONNX model (the ModelProto protobuf) from a plain description: enough of the format for
 * the graphs tfjs-to-onnx.ts makes (float and int64 tensors, int/float/ints/string attributes).
 * Field numbers are those of onnx.proto; onnxruntime reads the bytes directly, no file needed.
 */

export type OnnxTensor = { name: string; dims: number[] } & ({ type: 'float'; data: Float32Array } | { type: 'int64'; data: BigInt64Array });
export type OnnxAttribute = number | number[] | string | { float: number };
export type OnnxNode = { op: string; inputs: string[]; outputs: string[]; name?: string; attributes?: Record<string, OnnxAttribute> };
/** `dims` null: the shape is not stated (onnxruntime infers it). */
export type OnnxValue = { name: string; type: 'float' | 'int64'; dims: number[] | null };
export type OnnxGraph = { name: string; nodes: OnnxNode[]; initializers: OnnxTensor[]; inputs: OnnxValue[]; outputs: OnnxValue[] };

const ELEM = { float: 1, int64: 7 } as const;
/** AttributeProto.AttributeType */
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

/** Protobuf wire format: varints, and length-delimited fields (bytes, strings, nested messages). */
class Writer {
  readonly #chunks: Uint8Array[] = [];
  #length = 0;

  #push(bytes: Uint8Array): void {
    this.#chunks.push(bytes);
    this.#length += bytes.length;
  }

  #varint(value: bigint): void {
    // Negative int64 values are written as their 64-bit two's complement, ten bytes.
    let v = BigInt.asUintN(64, value);
    const out: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      out.push(byte);
    } while (v !== 0n);
    this.#push(Uint8Array.from(out));
  }

  int(field: number, value: number | bigint): this {
    this.#varint(BigInt((field << 3) | 0));
    this.#varint(BigInt(value));
    return this;
  }

  float(field: number, value: number): this {
    this.#varint(BigInt((field << 3) | 5));
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.#push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.#varint(BigInt((field << 3) | 2));
    this.#varint(BigInt(value.length));
    this.#push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}

function tensor(w: Writer, t: OnnxTensor): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, ELEM[t.type]);
  w.string(8, t.name);
  w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)); // raw_data, little-endian
}

function valueInfo(w: Writer, v: OnnxValue): void {
  w.string(1, v.name);
  w.message(2, (type) => type.message(1, (tt) => {
    tt.int(1, ELEM[v.type]);
    // A negative size is one the graph does not fix (a batch of any size): the dim is left open.
    if (v.dims) tt.message(2, (shape) => { for (const d of v.dims!) shape.message(1, (dim) => { if (d >= 0) dim.int(1, d); }); });
  }));
}

function attribute(w: Writer, name: string, value: OnnxAttribute): void {
  w.string(1, name);
  if (typeof value === 'string') w.bytes(4, new TextEncoder().encode(value)).int(20, ATTR.STRING);
  else if (typeof value === 'number') w.int(3, value).int(20, ATTR.INT);
  else if (Array.isArray(value)) {
    for (const v of value) w.int(8, v);
    w.int(20, ATTR.INTS);
  } else w.float(2, value.float).int(20, ATTR.FLOAT);
}

/** The ModelProto bytes of `graph` at ONNX opset `opset` (IR version 8). */
export function writeOnnxModel(graph: OnnxGraph, opset: number, producer: string): Uint8Array {
  return new Writer()
    .int(1, 8) // ir_version
    .string(2, producer)
    .message(7, (g) => {
      for (const node of graph.nodes) {
        g.message(1, (n) => {
          for (const input of node.inputs) n.string(1, input);
          for (const output of node.outputs) n.string(2, output);
          if (node.name) n.string(3, node.name);
          n.string(4, node.op);
          for (const [key, value] of Object.entries(node.attributes ?? {})) n.message(5, (a) => attribute(a, key, value));
        });
      }
      g.string(2, graph.name);
      for (const init of graph.initializers) g.message(5, (t) => tensor(t, init));
      for (const input of graph.inputs) g.message(11, (v) => valueInfo(v, input));
      for (const output of graph.outputs) g.message(12, (v) => valueInfo(v, output));
    })
    .message(8, (o) => o.string(1, '').int(2, opset))
    .finish();
}
