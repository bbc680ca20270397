import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeOnnxModel, type OnnxNode, type OnnxTensor, type OnnxValue } from './onnx-writer.ts';

/**
 * Converts a tfjs graph model (model.json + weight shards) to ONNX, in memory, so onnxruntime runs
 * it: multithreaded native kernels instead of tfjs-backend-wasm on one core, and no second runtime
 * resident beside onnxruntime. Only the ops our bundled tfjs models use are known; any other op
 * throws UnsupportedGraphError and the model stays on tfjs (onnx-pool.ts checks first).
 *
 * Layout: the tfjs graph is NHWC where TensorFlow needs it (Conv2D, MaxPool, ResizeBilinear) and
 * the converted graph keeps every tensor exactly as TensorFlow has it. Those three ops are wrapped
 * in Transposes to ONNX's NCHW and back; onnxruntime's transpose optimiser cancels the pairs.
 */

export class UnsupportedGraphError extends Error {
  override name = 'UnsupportedGraphError';
}

const TfNode = z.object({ name: z.string(), op: z.string(), input: z.array(z.string()).optional(), attr: z.record(z.string(), z.any()).optional() });
type TfNode = z.infer<typeof TfNode>;
const WeightSpec = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.enum(['float32', 'int32', 'bool']),
  quantization: z.object({ dtype: z.enum(['float16', 'uint8', 'uint16']), scale: z.number().optional(), min: z.number().optional() }).optional(),
});
const TfjsModel = z.object({
  modelTopology: z.object({ node: z.array(TfNode) }),
  weightsManifest: z.array(z.object({ paths: z.array(z.string()), weights: z.array(WeightSpec) })),
  signature: z.object({ outputs: z.record(z.string(), z.object({ tensorShape: z.object({ dim: z.array(z.object({ size: z.string() })) }).optional() })).optional() }).optional(),
});

/** The ops a graph may use to be converted (constant-only ones are folded, the rest mapped). */
export const CONVERTIBLE_OPS: ReadonlySet<string> = new Set([
  'Const', 'Placeholder', 'Identity', 'Transpose', 'Conv2D', 'Add', 'AddV2', 'LeakyRelu', 'Sigmoid', 'Pad', 'PadV2', 'ConcatV2', 'Reshape', 'SplitV', 'MaxPool', 'ResizeBilinear', 'SparseToDense',
  '_FusedConv2D', 'FusedDepthwiseConv2dNative', '_FusedMatMul', 'Mul', 'Sub', 'AvgPool', 'Squeeze', 'Softmax',
]);

/** A known value: a constant, folded at conversion. */
type Constant = { float: boolean; shape: number[]; data: number[] | Float32Array };

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
const OPSET = 13;

/** Whether every op of the model at `modelJsonPath` can be converted (reads only the JSON). */
export async function isConvertible(modelJsonPath: string): Promise<boolean> {
  const parsed = TfjsModel.safeParse(JSON.parse(await readFile(modelJsonPath, 'utf8')));
  return parsed.success && parsed.data.modelTopology.node.every((n) => CONVERTIBLE_OPS.has(n.op));
}

/** The ONNX bytes of the tfjs graph model at `modelJsonPath` (its shards beside it). */
export async function convertTfjsModel(modelJsonPath: string): Promise<Uint8Array> {
  const model = TfjsModel.parse(JSON.parse(await readFile(modelJsonPath, 'utf8')));
  const dir = path.dirname(modelJsonPath);
  const shards: Buffer[] = [];
  for (const group of model.weightsManifest) for (const p of group.paths) shards.push(await readFile(path.join(dir, path.basename(p))));
  const constants = readWeights(model.weightsManifest.flatMap((g) => g.weights), Buffer.concat(shards));
  return new Converter(model, constants).convert(path.basename(modelJsonPath, '.json'));
}

function readWeights(specs: Array<z.infer<typeof WeightSpec>>, bytes: Buffer): Map<string, Constant> {
  const out = new Map<string, Constant>();
  let at = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const spec of specs) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const q = spec.quantization;
    if (q) {
      const size = q.dtype === 'float16' ? 2 : q.dtype === 'uint16' ? 2 : 1;
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const p = at + i * size;
        if (q.dtype === 'float16') data[i] = halfToFloat(view.getUint16(p, true));
        else data[i] = (q.dtype === 'uint8' ? view.getUint8(p) : view.getUint16(p, true)) * (q.scale ?? 1) + (q.min ?? 0);
      }
      at += n * size;
      out.set(spec.name, spec.dtype === 'float32' ? { float: true, shape: spec.shape, data } : { float: false, shape: spec.shape, data: Array.from(data, Math.round) });
    } else if (spec.dtype === 'float32') {
      out.set(spec.name, { float: true, shape: spec.shape, data: new Float32Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + n * 4)) });
      at += n * 4;
    } else {
      const data: number[] = [];
      for (let i = 0; i < n; i++) data.push(spec.dtype === 'int32' ? view.getInt32(at + i * 4, true) : view.getUint8(at + i));
      at += n * (spec.dtype === 'int32' ? 4 : 1);
      out.set(spec.name, { float: false, shape: spec.shape, data });
    }
  }
  if (at !== bytes.length) throw new UnsupportedGraphError(`the weight shards hold ${bytes.length} bytes, the manifest describes ${at}`);
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** "x" is "x:0"; "^x" is a control dependency (nothing flows). */
const tensorName = (input: string) => (input.includes(':') ? input : `${input}:0`);
const text = (attr: unknown) => Buffer.from(String((attr as { s?: string } | undefined)?.s ?? ''), 'base64').toString('utf8');
const ints = (attr: unknown) => ((attr as { list?: { i?: string[] } } | undefined)?.list?.i ?? []).map(Number);

class Converter {
  readonly #model: z.infer<typeof TfjsModel>;
  readonly #constants: Map<string, Constant>;
  readonly #nodes: OnnxNode[] = [];
  readonly #initializers: OnnxTensor[] = [];
  readonly #inputs: OnnxValue[] = [];
  readonly #emitted = new Set<string>();
  #unique = 0;

  constructor(model: z.infer<typeof TfjsModel>, weights: Map<string, Constant>) {
    this.#model = model;
    // Constants are known by their output tensor's name.
    this.#constants = new Map([...weights].map(([name, c]) => [tensorName(name), c]));
  }

  convert(name: string): Uint8Array {
    const unsupported = [...new Set(this.#model.modelTopology.node.map((n) => n.op).filter((op) => !CONVERTIBLE_OPS.has(op)))];
    if (unsupported.length > 0) throw new UnsupportedGraphError(`ops without an ONNX mapping here: ${unsupported.join(', ')}`);
    for (const node of this.#ordered()) this.#node(node);
    const signed = Object.entries(this.#model.signature?.outputs ?? {}).map(([output, spec]) => ({
      name: output,
      type: 'float' as const,
      dims: spec.tensorShape ? spec.tensorShape.dim.map((d) => Number(d.size)) : null,
    }));
    // Without a signature, the outputs are what no node reads.
    const outputs = signed.length > 0 ? signed : this.#unread().map((name) => ({ name, type: 'float' as const, dims: null }));
    if (outputs.length === 0) throw new UnsupportedGraphError('the model names no outputs in its signature');
    for (const o of outputs) if (!this.#emitted.has(o.name)) throw new UnsupportedGraphError(`output ${o.name} is not computed by the graph`);
    return writeOnnxModel({ name, nodes: this.#nodes, initializers: this.#initializers, inputs: this.#inputs, outputs }, OPSET, 'lightbox tfjs-to-onnx');
  }

  #unread(): string[] {
    const read = new Set(this.#model.modelTopology.node.flatMap((n) => (n.input ?? []).map((i) => tensorName(i.replace(/^\^/, '')))));
    return this.#model.modelTopology.node.filter((n) => n.op !== 'Const' && !read.has(tensorName(n.name))).map((n) => tensorName(n.name));
  }

  /** Nodes in an order where every input comes first (model.json does not promise one). */
  #ordered(): TfNode[] {
    const byName = new Map(this.#model.modelTopology.node.map((n) => [n.name, n]));
    const done = new Set<string>();
    const order: TfNode[] = [];
    const visit = (node: TfNode, depth: number) => {
      if (done.has(node.name)) return;
      if (depth > byName.size) throw new UnsupportedGraphError('the graph has a cycle');
      for (const input of node.input ?? []) {
        const source = byName.get(input.replace(/^\^/, '').split(':')[0]!);
        if (source) visit(source, depth + 1);
      }
      done.add(node.name);
      order.push(node);
    };
    for (const node of byName.values()) visit(node, 0);
    return order;
  }

  #constant(input: string): Constant | undefined {
    return this.#constants.get(tensorName(input));
  }

  #needConstant(node: TfNode, index: number): Constant {
    const c = this.#constant(node.input?.[index] ?? '');
    if (!c) throw new UnsupportedGraphError(`${node.op} ${node.name}: input ${index} must be a constant`);
    return c;
  }

  /** A tensor's ONNX name: a constant becomes an initializer the first time it is used. */
  #use(input: string): string {
    const name = tensorName(input);
    const c = this.#constants.get(name);
    if (c && !this.#emitted.has(name)) this.#initializer(name, c);
    return name;
  }

  #initializer(name: string, c: Constant): string {
    this.#emitted.add(name);
    this.#initializers.push(c.float
      ? { name, type: 'float', dims: c.shape, data: c.data instanceof Float32Array ? c.data : Float32Array.from(c.data) }
      : { name, type: 'int64', dims: c.shape, data: BigInt64Array.from(Array.from(c.data, (v) => BigInt(v))) });
    return name;
  }

  #int64(values: number[]): string {
    return this.#initializer(`lightbox/const_${this.#unique++}`, { float: false, shape: [values.length], data: values });
  }

  #emit(op: string, inputs: string[], outputs: string[], attributes?: OnnxNode['attributes']): void {
    this.#nodes.push({ op, inputs, outputs, name: `${outputs[0]}/${op}`, ...(attributes ? { attributes } : {}) });
    for (const o of outputs) this.#emitted.add(o);
  }

  #temp(base: string): string {
    return `${base}/lightbox_${this.#unique++}`;
  }

  /** `op` on NCHW, for a tensor TensorFlow holds as NHWC. */
  #inNchw(node: TfNode, build: (nchwInput: string, nchwOutput: string) => void): void {
    const before = this.#temp(node.name);
    const after = this.#temp(node.name);
    this.#emit('Transpose', [this.#use(node.input![0]!)], [before], { perm: TO_NCHW });
    build(before, after);
    this.#emit('Transpose', [after], [tensorName(node.name)], { perm: TO_NHWC });
  }

  #node(node: TfNode): void {
    const out = tensorName(node.name);
    const inputs = (node.input ?? []).filter((i) => !i.startsWith('^'));
    const attr = node.attr ?? {};
    if (node.op === 'Const') {
      if (!this.#constants.has(out)) throw new UnsupportedGraphError(`constant ${node.name} has no weights`);
      return;
    }
    // Constant in, constant out: folded here (shape arithmetic of the onnx-tf export).
    if (inputs.length > 0 && inputs.every((i) => this.#constant(i)) && this.#fold(node, inputs, out)) return;
    switch (node.op) {
      case 'Placeholder': {
        const dims = ((attr.shape as { shape?: { dim?: Array<{ size: string }> } })?.shape?.dim ?? []).map((d) => Number(d.size));
        this.#inputs.push({ name: out, type: 'float', dims });
        this.#emitted.add(out);
        return;
      }
      case 'Identity':
      case 'Sigmoid':
        return this.#emit(node.op, [this.#use(inputs[0]!)], [out]);
      case 'Add':
      case 'AddV2':
      case 'Mul':
      case 'Sub':
        return this.#emit(node.op === 'AddV2' ? 'Add' : node.op, inputs.map((i) => this.#use(i)), [out]);
      case 'Softmax':
        return this.#emit('Softmax', [this.#use(inputs[0]!)], [out], { axis: -1 });
      case 'Squeeze': {
        const axes = ints(attr.squeeze_dims);
        return this.#emit('Squeeze', axes.length > 0 ? [this.#use(inputs[0]!), this.#int64(axes)] : [this.#use(inputs[0]!)], [out]);
      }
      case '_FusedConv2D':
      case 'FusedDepthwiseConv2dNative':
        return this.#conv(node);
      case '_FusedMatMul':
        return this.#matMul(node);
      case 'AvgPool':
        // TensorFlow averages over the pixels inside the image only.
        return this.#pool(node, 'AveragePool', { count_include_pad: 0 });
      case 'MaxPool':
        return this.#pool(node, 'MaxPool', {});
      case 'LeakyRelu':
        return this.#emit('LeakyRelu', [this.#use(inputs[0]!)], [out], { alpha: { float: Number((attr.alpha as { f?: number })?.f ?? 0.2) } });
      case 'Transpose':
        return this.#emit('Transpose', [this.#use(inputs[0]!)], [out], { perm: Array.from(this.#needConstant(node, 1).data) });
      case 'Reshape':
        return this.#emit('Reshape', [this.#use(inputs[0]!), this.#int64(Array.from(this.#needConstant(node, 1).data))], [out]);
      case 'ConcatV2': {
        const axis = Number(this.#needConstant(node, inputs.length - 1).data[0]);
        return this.#emit('Concat', inputs.slice(0, -1).map((i) => this.#use(i)), [out], { axis });
      }
      case 'Pad':
      case 'PadV2': {
        const pairs = Array.from(this.#needConstant(node, 1).data);
        const pads = [...pairs.filter((_, i) => i % 2 === 0), ...pairs.filter((_, i) => i % 2 === 1)];
        const padInputs = [this.#use(inputs[0]!), this.#int64(pads)];
        if (node.op === 'PadV2') padInputs.push(this.#use(inputs[2]!));
        return this.#emit('Pad', padInputs, [out], { mode: 'constant' });
      }
      case 'SplitV': {
        const sizes = Array.from(this.#needConstant(node, 1).data);
        const axis = Number(this.#needConstant(node, 2).data[0]);
        return this.#emit('Split', [this.#use(inputs[0]!), this.#int64(sizes)], sizes.map((_, i) => `${node.name}:${i}`), { axis });
      }
      case 'Conv2D':
        return this.#conv(node);
      case 'ResizeBilinear':
        return this.#resize(node);
      default:
        throw new UnsupportedGraphError(`${node.op} ${node.name} has no ONNX mapping here`);
    }
  }

  #pool(node: TfNode, op: 'MaxPool' | 'AveragePool', extra: OnnxNode['attributes']): void {
    this.#nhwcOnly(node);
    const [, kh, kw] = ints(node.attr?.ksize);
    const [, sh, sw] = ints(node.attr?.strides);
    this.#inNchw(node, (x, y) => this.#emit(op, [x], [y], { kernel_shape: [kh!, kw!], strides: [sh!, sw!], ...extra, ...this.#padding(node) }));
  }

  #nhwcOnly(node: TfNode): void {
    const format = text(node.attr?.data_format) || 'NHWC';
    if (format !== 'NHWC') throw new UnsupportedGraphError(`${node.op} ${node.name}: data format ${format}`);
  }

  #padding(node: TfNode): { auto_pad: string } | { pads: number[] } {
    const padding = text(node.attr?.padding);
    if (padding === 'SAME') return { auto_pad: 'SAME_UPPER' }; // TensorFlow puts the odd pixel at the end
    if (padding === 'VALID') return { pads: [0, 0, 0, 0] };
    throw new UnsupportedGraphError(`${node.op} ${node.name}: padding ${padding}`);
  }

  /** Conv2D, and the fused forms tfjs writes: bias and an activation folded in; depthwise as a grouped Conv. */
  #conv(node: TfNode): void {
    this.#nhwcOnly(node);
    const filter = this.#needConstant(node, 1);
    const depthwise = node.op === 'FusedDepthwiseConv2dNative';
    const [kh, kw, cin, m] = filter.shape as [number, number, number, number];
    // HWIO (TensorFlow) to OIHW (ONNX); depthwise HW C M to (C*M) 1 H W, in groups of C.
    const cout = depthwise ? cin * m : m;
    const perGroup = depthwise ? 1 : cin;
    const src = filter.data;
    const oihw = new Float32Array(src.length);
    for (let h = 0; h < kh; h++) for (let w = 0; w < kw; w++) for (let i = 0; i < cin; i++) for (let o = 0; o < m; o++) {
      const value = src[((h * kw + w) * cin + i) * m + o]!;
      if (depthwise) oihw[((i * m + o) * kh + h) * kw + w] = value;
      else oihw[((o * cin + i) * kh + h) * kw + w] = value;
    }
    const weights = this.#initializer(`${node.name}/oihw`, { float: true, shape: [cout, perGroup, kh, kw], data: oihw });
    const { bias, activation } = this.#fused(node);
    const [, sh, sw] = ints(node.attr?.strides);
    const dilations = ints(node.attr?.dilations);
    this.#inNchw(node, (x, y) => {
      const conv = activation ? this.#temp(node.name) : y;
      this.#emit('Conv', bias ? [x, weights, this.#use(bias)] : [x, weights], [conv], {
        kernel_shape: [kh, kw], strides: [sh ?? 1, sw ?? 1], dilations: [dilations[1] ?? 1, dilations[2] ?? 1], group: depthwise ? cin : 1, ...this.#padding(node),
      });
      activation?.(conv, y);
    });
  }

  #matMul(node: TfNode): void {
    const flag = (name: string) => ((node.attr?.[name] as { b?: boolean })?.b ? 1 : 0);
    const { bias, activation } = this.#fused(node);
    const inputs = [this.#use(node.input![0]!), this.#use(node.input![1]!), ...(bias ? [this.#use(bias)] : [])];
    const out = tensorName(node.name);
    const gemm = activation ? this.#temp(node.name) : out;
    this.#emit('Gemm', inputs, [gemm], { transA: flag('transpose_a'), transB: flag('transpose_b') });
    activation?.(gemm, out);
  }

  /** What a fused op adds after its product: BiasAdd (the third input), then Relu, Relu6 or LeakyRelu. */
  #fused(node: TfNode): { bias: string | null; activation: ((from: string, to: string) => void) | null } {
    const ops = ((node.attr?.fused_ops as { list?: { s?: string[] } })?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
    if (ops.length > 0 && ops[0] !== 'BiasAdd') throw new UnsupportedGraphError(`${node.op} ${node.name}: fused ${ops.join(', ')}`);
    const bias = ops[0] === 'BiasAdd' ? node.input![2]! : null;
    const act = ops[1];
    if (act === undefined) return { bias, activation: null };
    if (act === 'Relu') return { bias, activation: (from, to) => this.#emit('Relu', [from], [to]) };
    if (act === 'Relu6') return { bias, activation: (from, to) => this.#emit('Clip', [from, this.#float(0), this.#float(6)], [to]) };
    if (act === 'LeakyRelu') {
      const alpha = Number((node.attr?.leakyrelu_alpha as { f?: number })?.f ?? 0.2);
      return { bias, activation: (from, to) => this.#emit('LeakyRelu', [from], [to], { alpha: { float: alpha } }) };
    }
    throw new UnsupportedGraphError(`${node.op} ${node.name}: fused activation ${act}`);
  }

  #float(value: number): string {
    return this.#initializer(`lightbox/const_${this.#unique++}`, { float: true, shape: [], data: Float32Array.of(value) });
  }

  #resize(node: TfNode): void {
    const size = Array.from(this.#needConstant(node, 1).data);
    const alignCorners = Boolean((node.attr?.align_corners as { b?: boolean })?.b);
    const halfPixel = Boolean((node.attr?.half_pixel_centers as { b?: boolean })?.b);
    const mode = alignCorners ? 'align_corners' : halfPixel ? 'half_pixel' : 'asymmetric';
    this.#inNchw(node, (x, y) => {
      // Sizes are N, C (as the input has them) then the constant H, W.
      const shape = this.#temp(node.name);
      const nc = this.#temp(node.name);
      const sizes = this.#temp(node.name);
      this.#emit('Shape', [x], [shape]);
      this.#emit('Slice', [shape, this.#int64([0]), this.#int64([2])], [nc]);
      this.#emit('Concat', [nc, this.#int64(size)], [sizes], { axis: 0 });
      this.#emit('Resize', [x, '', '', sizes], [y], { mode: 'linear', coordinate_transformation_mode: mode });
    });
  }

  /** Evaluates a node whose inputs are all constants; false when it is not one that can be. */
  #fold(node: TfNode, inputs: string[], out: string): boolean {
    const c = inputs.map((i) => this.#constant(i)!);
    let result: Constant | null = null;
    if (node.op === 'Identity') result = c[0]!;
    else if ((node.op === 'Add' || node.op === 'AddV2') && sameShape(c[0]!, c[1]!)) {
      result = { float: c[0]!.float, shape: c[0]!.shape, data: Array.from(c[0]!.data, (v, i) => v + c[1]!.data[i]!) };
    } else if (node.op === 'SparseToDense') {
      const [indices, shape, values, fill] = c as [Constant, Constant, Constant, Constant];
      const dims = Array.from(shape.data);
      const data = new Array<number>(dims.reduce((a, b) => a * b, 1)).fill(Number(fill.data[0]));
      const rank = indices.shape.length === 2 ? indices.shape[1]! : 1;
      for (let k = 0; k < indices.data.length / rank; k++) {
        let flat = 0;
        for (let d = 0; d < rank; d++) flat = flat * dims[d]! + Number(indices.data[k * rank + d]);
        data[flat] = Number(values.data.length === 1 ? values.data[0] : values.data[k]);
      }
      result = { float: values.float, shape: dims, data };
    }
    if (!result) return false;
    this.#constants.set(out, result);
    return true;
  }
}

const sameShape = (a: Constant, b: Constant) => a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
