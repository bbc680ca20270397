/**
 * A minimal ONNX (protobuf) writer, enough to build small stand-in models for tests: no CLIP weights
 * can be had on our machines, so tests build graphs with the real models' input/output names and
 * shapes and run them through onnxruntime like the real thing. Field numbers are those of onnx.proto
 * (ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto, AttributeProto).
 */

export type ElemType = 'float32' | 'int64';
const ELEM: Record<ElemType, number> = { float32: 1, int64: 7 };

export type Initializer = { name: string; type: 'float32'; dims: number[]; data: Float32Array };
export type GraphNode = { op: string; inputs: string[]; outputs: string[]; attrs?: Record<string, number | number[]> };
export type ValueInfo = { name: string; type: ElemType; dims: Array<number | string> };
export type GraphSpec = {
  name: string;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: Initializer[];
  nodes: GraphNode[];
  opset?: number;
};

function varint(n: number): number[] {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`varint needs a non-negative safe integer, got ${n}`);
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

/** Protobuf message builder: appends fields in order. */
class Msg {
  readonly parts: number[] = [];

  int(field: number, value: number): this {
    this.parts.push(...varint(field << 3), ...varint(value));
    return this;
  }

  bytes(field: number, value: Uint8Array | number[]): this {
    this.parts.push(...varint((field << 3) | 2), ...varint(value.length));
    for (const b of value) this.parts.push(b);
    return this;
  }

  str(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  msg(field: number, value: Msg): this {
    return this.bytes(field, value.parts);
  }
}

function tensor(init: Initializer): Msg {
  const m = new Msg();
  for (const d of init.dims) m.int(1, d);
  m.int(2, ELEM[init.type]);
  m.str(8, init.name);
  const raw = new Uint8Array(init.data.buffer, init.data.byteOffset, init.data.byteLength);
  // raw_data is little-endian by the ONNX spec, which matches every host we run on.
  m.bytes(9, raw);
  return m;
}

function valueInfo(v: ValueInfo): Msg {
  const shape = new Msg();
  for (const d of v.dims) shape.msg(1, typeof d === 'number' ? new Msg().int(1, d) : new Msg().str(2, d));
  const tensorType = new Msg().int(1, ELEM[v.type]).msg(2, shape);
  return new Msg().str(1, v.name).msg(2, new Msg().msg(1, tensorType));
}

function attribute(name: string, value: number | number[]): Msg {
  const m = new Msg().str(1, name);
  if (Array.isArray(value)) {
    for (const v of value) m.int(8, v);
    m.int(20, 7); // INTS
  } else {
    m.int(3, value);
    m.int(20, 2); // INT
  }
  return m;
}

export function encodeModel(spec: GraphSpec): Buffer {
  const graph = new Msg();
  spec.nodes.forEach((n, i) => {
    const node = new Msg();
    for (const x of n.inputs) node.str(1, x);
    for (const x of n.outputs) node.str(2, x);
    node.str(3, `${n.op.toLowerCase()}_${i}`);
    node.str(4, n.op);
    for (const [k, v] of Object.entries(n.attrs ?? {})) node.msg(5, attribute(k, v));
    graph.msg(1, node);
  });
  graph.str(2, spec.name);
  for (const init of spec.initializers) graph.msg(5, tensor(init));
  for (const v of spec.inputs) graph.msg(11, valueInfo(v));
  for (const v of spec.outputs) graph.msg(12, valueInfo(v));
  const model = new Msg()
    .int(1, 7) // IR version 7 goes with opset 13
    .str(2, 'lightbox-stand-in')
    .msg(7, graph)
    .msg(8, new Msg().str(1, '').int(2, spec.opset ?? 13));
  return Buffer.from(model.parts);
}
