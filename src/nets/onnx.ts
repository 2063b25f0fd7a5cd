/**
 * ONNX import for the accelerator models: reads a ModelProto (protobuf, no dependency), runs shape
 * inference along the graph (NCHW / OIHW, as ONNX) and returns its conv and matrix-multiply layers
 * as `AccelLayer`s. Only shapes are read, never weight values. Every malformed or unsupported input
 * gives a typed error (ValueError with the byte offset, ShapeError with the node name,
 * UnsupportedError listing every unsupported node at once).
 * @module
 */
import { convLayer, fcLayer, gemmLayer } from '../accel/simulate.js';
import type { AccelLayer } from '../accel/types.js';
import type { AutoPad } from '../descriptors/conv.js';
import { MacflowError, ShapeError, UnsupportedError, ValueError } from '../errors.js';
import { protoFields, protoPackedInt64s, type ProtoField } from './protobuf.js';

const OP = 'parseOnnxModel';
/** Largest accepted dimension (elements); larger ones are refused as crafted. */
export const ONNX_MAX_DIM = 2 ** 31 - 1;

/** Options of {@link parseOnnxModel}. */
export interface ParseOnnxOptions {
  /** File name, used in error messages and as the fallback model name. */
  file?: string;
  /** Shape of the first graph input (NCHW), overriding the model's (needed for symbolic dims). */
  inputShape?: readonly number[];
}

/** The result of {@link parseOnnxModel}: a name and the conv / FC / GEMM layers in graph order. */
export interface OnnxModel {
  name: string;
  layers: AccelLayer[];
}

/** Ops whose output shape is inferred here; everything else is refused. */
export const ONNX_SUPPORTED_OPS = [
  'Conv', 'ConvInteger', 'QLinearConv', 'Gemm', 'MatMul', 'MatMulInteger', 'QLinearMatMul',
  'Relu', 'Clip', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Flatten', 'Reshape', 'Add',
  'QuantizeLinear', 'DequantizeLinear', 'BatchNormalization', 'Softmax', 'Constant',
] as const;

const dec = new TextDecoder();
const bytesOf = (f: ProtoField): Uint8Array => (f.value instanceof Uint8Array ? f.value : new Uint8Array());
const str = (f: ProtoField | undefined): string => (f && f.value instanceof Uint8Array ? dec.decode(f.value) : '');
const sub = (f: ProtoField): ProtoField[] => {
  if (!(f.value instanceof Uint8Array)) throw new ValueError(OP, `malformed protobuf at byte ${f.at}: field ${f.no} should be a message but is wire type ${f.wire}.`, 'pass an intact ONNX model file.');
  return protoFields(f.value, f.at, OP);
};
const int = (f: ProtoField | undefined): bigint | undefined => (f === undefined ? undefined : typeof f.value === 'bigint' ? BigInt.asIntN(64, f.value) : undefined);

type Attr = { i?: bigint; ints?: bigint[]; s?: string; t?: ProtoField[]; at: number };
interface Node { name: string; op: string; domain: string; inputs: string[]; outputs: string[]; attrs: Map<string, Attr>; at: number }
interface Tensor { dims: number[]; int64?: bigint[] }

function checkDim(v: bigint, where: string, min: number): number {
  if (v < BigInt(min) || v > BigInt(ONNX_MAX_DIM)) throw new ShapeError(OP, `${where} has dimension ${v}; dimensions must be ${min > 0 ? 'positive' : 'non-negative'} and at most ${ONNX_MAX_DIM}.`, 'fix the model (or override the input with --input-shape / inputShape).');
  return Number(v);
}

function checkSize(dims: readonly number[], where: string): void {
  let n = 1;
  for (const d of dims) n *= d;
  if (!(n <= Number.MAX_SAFE_INTEGER)) throw new ShapeError(OP, `${where} has shape [${dims.join(', ')}] with more than 2^53 elements.`, 'fix the model dimensions.');
}

/** TensorProto: dims (1), data_type (2), int64_data (7), name (8), raw_data (9). Only INT64 values are kept (shape tensors). */
function readTensor(f: ProtoField[], where: string): { name: string; t: Tensor } {
  const name = str(f.find((x) => x.no === 8));
  const dims = protoPackedInt64s(f, 1, OP).map((d) => checkDim(d, `${where} '${name}'`, 0));
  checkSize(dims, `${where} '${name}'`);
  const t: Tensor = { dims };
  if (int(f.find((x) => x.no === 2)) === 7n) {
    const n = dims.reduce((a, b) => a * b, 1);
    const raw = f.find((x) => x.no === 9);
    let vals: bigint[];
    if (raw && raw.value instanceof Uint8Array) {
      const b = raw.value;
      if (b.length !== n * 8) throw new ShapeError(OP, `${where} '${name}' (int64, shape [${dims.join(', ')}]) has ${b.length} bytes of raw_data at byte ${raw.at}; it needs ${n * 8}.`, 'fix the tensor data.');
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      vals = [];
      for (let i = 0; i < n && i < 64; i++) vals.push(dv.getBigInt64(i * 8, true));
    } else vals = protoPackedInt64s(f, 7, OP);
    if (n <= 64) {
      if (vals.length !== n) throw new ShapeError(OP, `${where} '${name}' (int64, shape [${dims.join(', ')}]) holds ${vals.length} values; it needs ${n}.`, 'fix the tensor data.');
      t.int64 = vals;
    }
  }
  return { name, t };
}

/** ValueInfoProto -> name and dims (undefined per symbolic / missing dim; undefined shape if absent). */
function readValueInfo(f: ProtoField[]): { name: string; dims?: (number | undefined)[] } {
  const name = str(f.find((x) => x.no === 1));
  const type = f.find((x) => x.no === 2);
  const tensorType = type && sub(type).find((x) => x.no === 1);
  const shape = tensorType && sub(tensorType).find((x) => x.no === 2);
  if (!shape) return { name };
  const dims = sub(shape).filter((x) => x.no === 1).map((d) => {
    const v = int(sub(d).find((x) => x.no === 1));
    return v === undefined ? undefined : checkDim(v, `graph input '${name}'`, 1);
  });
  return { name, dims };
}

function readNode(f: ProtoField[], index: number, at: number): Node {
  const op = str(f.find((x) => x.no === 4));
  const attrs = new Map<string, Attr>();
  for (const a of f.filter((x) => x.no === 5)) {
    const af = sub(a);
    const t = af.find((x) => x.no === 5);
    attrs.set(str(af.find((x) => x.no === 1)), {
      i: int(af.find((x) => x.no === 3)),
      ints: protoPackedInt64s(af, 8, OP),
      s: af.some((x) => x.no === 4) ? str(af.find((x) => x.no === 4)) : undefined,
      t: t ? sub(t) : undefined,
      at: a.at,
    });
  }
  return {
    name: str(f.find((x) => x.no === 3)) || `${op || 'node'}_${index}`,
    op,
    domain: str(f.find((x) => x.no === 7)),
    inputs: f.filter((x) => x.no === 1).map(str),
    outputs: f.filter((x) => x.no === 2).map(str),
    attrs,
    at,
  };
}

const nodeErr = (n: Node, problem: string, fix = 'fix the model.'): ShapeError => new ShapeError(OP, `node '${n.name}' (${n.op}): ${problem}`, fix);

function attrInt(n: Node, key: string, dflt: number, min = -ONNX_MAX_DIM): number {
  const v = n.attrs.get(key)?.i;
  if (v === undefined) return dflt;
  if (v < BigInt(min) || v > BigInt(ONNX_MAX_DIM)) throw nodeErr(n, `attribute ${key} = ${v} is out of range.`);
  return Number(v);
}

function attrInts(n: Node, key: string, len: number, dflt: number, min: number): number[] | undefined {
  const v = n.attrs.get(key)?.ints;
  if (v === undefined || v.length === 0) return dflt === -1 ? undefined : new Array<number>(len).fill(dflt);
  if (v.length !== len) throw nodeErr(n, `attribute ${key} has ${v.length} values; this 2-D op needs ${len}.`);
  for (const x of v) if (x < BigInt(min) || x > BigInt(ONNX_MAX_DIM)) throw nodeErr(n, `attribute ${key} = [${v.join(', ')}] has a value out of range (min ${min}).`);
  return v.map(Number);
}

function autoPadOf(n: Node): AutoPad | undefined {
  const s = n.attrs.get('auto_pad')?.s ?? 'NOTSET';
  if (s === 'NOTSET' || s === '') return undefined;
  if (s === 'VALID' || s === 'SAME_UPPER' || s === 'SAME_LOWER') return s.toLowerCase() as AutoPad;
  throw nodeErr(n, `auto_pad = '${s}' is not an ONNX mode.`, 'use NOTSET, VALID, SAME_UPPER or SAME_LOWER.');
}

/** Spatial attributes shared by Conv and the pools. */
function spatial(n: Node, kernel: [number, number]) {
  const ks = attrInts(n, 'kernel_shape', 2, -1, 1);
  if (ks && (ks[0] !== kernel[0] || ks[1] !== kernel[1])) throw nodeErr(n, `kernel_shape [${ks.join(', ')}] does not match the weights' [${kernel.join(', ')}].`);
  const strides = attrInts(n, 'strides', 2, 1, 1)!;
  const dilations = attrInts(n, 'dilations', 2, 1, 1)!;
  const ap = autoPadOf(n);
  const p = attrInts(n, 'pads', 4, 0, 0)!;
  const pads: AutoPad | [number, number, number, number] = ap ?? [p[0], p[1], p[2], p[3]];
  return { strides: [strides[0], strides[1]] as [number, number], dilations: [dilations[0], dilations[1]] as [number, number], pads };
}

function poolOut(n: Node, x: number[]): number[] {
  const ks = attrInts(n, 'kernel_shape', 2, -1, 1);
  if (!ks) throw nodeErr(n, 'has no kernel_shape attribute.');
  const { strides, dilations, pads } = spatial(n, [ks[0], ks[1]]);
  const ceil = attrInt(n, 'ceil_mode', 0) === 1;
  const out = [0, 1].map((i) => {
    const size = x[2 + i];
    const k = (ks[i] - 1) * dilations[i] + 1;
    if (typeof pads === 'string') return pads === 'valid' ? Math.floor((size - k) / strides[i]) + 1 : Math.ceil(size / strides[i]);
    const span = size + pads[i] + pads[i + 2] - k;
    return (ceil ? Math.ceil(span / strides[i]) : Math.floor(span / strides[i])) + 1;
  });
  if (out[0] < 1 || out[1] < 1) throw nodeErr(n, `window ${ks.join('x')} does not fit the ${x[2]}x${x[3]} input (output ${out.join('x')}).`);
  return [x[0], x[1], out[0], out[1]];
}

function broadcast(n: Node, a: number[], b: number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw nodeErr(n, `shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast.`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/**
 * Parses an ONNX model (the bytes of a .onnx file) into accelerator layers: Conv / ConvInteger /
 * QLinearConv become conv layers, Gemm an FC layer (batch rows = M), MatMul / MatMulInteger /
 * QLinearMatMul GEMM layers; Relu, Clip, pools, Flatten, Reshape (constant shape), Add,
 * Quantize/DequantizeLinear, BatchNormalization and Softmax only carry shapes. Throws ValueError
 * (malformed protobuf, with the byte offset), ShapeError (bad or missing shapes, with the node
 * name) or UnsupportedError (every unsupported node listed at once).
 */
export function parseOnnxModel(bytes: Uint8Array, options: ParseOnnxOptions = {}): OnnxModel {
  if (!(bytes instanceof Uint8Array)) throw new ValueError(OP, 'bytes must be a Uint8Array.', 'pass the file contents, e.g. readFileSync(path).');
  const file = options.file ?? 'model.onnx';
  if (bytes.length === 0) throw new ValueError(OP, `${file} is empty.`, 'pass an ONNX model file.');
  const model = protoFields(bytes, 0, OP);
  const graphF = model.find((x) => x.no === 7);
  if (!graphF) throw new ValueError(OP, `${file} has no graph (ModelProto field 7); it is not an ONNX model or is truncated.`, 'pass an ONNX model file (.onnx).');
  const graph = sub(graphF);
  const nodes = graph.filter((x) => x.no === 1).map((x, i) => readNode(sub(x), i, x.at));

  const unsupported = nodes.filter((n) => (n.domain !== '' && n.domain !== 'ai.onnx') || !(ONNX_SUPPORTED_OPS as readonly string[]).includes(n.op));
  if (unsupported.length > 0) {
    const list = unsupported.map((n) => `${n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.` : ''}${n.op || '(empty op)'} '${n.name}'`);
    throw new UnsupportedError(OP, `${file}: ${unsupported.length} node(s) with unsupported ops: ${list.join(', ')}.`, `the importer reads ${ONNX_SUPPORTED_OPS.join(', ')}; replace or fold the others (e.g. with onnx-simplifier).`);
  }

  const shapes = new Map<string, Tensor>();
  for (const x of graph.filter((x) => x.no === 5)) {
    const { name, t } = readTensor(sub(x), 'initializer');
    shapes.set(name, t);
  }
  let first = true;
  for (const x of graph.filter((x) => x.no === 11)) {
    const vi = readValueInfo(sub(x));
    if (shapes.has(vi.name)) continue; // an initializer listed as input (IR < 4)
    let dims = vi.dims;
    if (first && options.inputShape !== undefined) {
      const s = options.inputShape;
      if (!Array.isArray(s) || s.some((d) => !Number.isInteger(d) || d < 1 || d > ONNX_MAX_DIM)) throw new ShapeError(OP, `inputShape ${JSON.stringify(s)} must be positive whole dimensions.`, 'pass e.g. [1, 3, 224, 224].');
      if (dims && dims.length !== s.length) throw new ShapeError(OP, `inputShape [${s.join(', ')}] has rank ${s.length} but graph input '${vi.name}' has rank ${dims.length}.`, `pass ${dims.length} dimensions.`);
      dims = [...s];
    }
    first = false;
    if (!dims || dims.some((d) => d === undefined)) {
      throw new ShapeError(OP, `graph input '${vi.name}' has ${dims ? `symbolic dims [${dims.map((d) => d ?? '?').join(', ')}]` : 'no shape'}.`, 'give the input shape: --input-shape 1x3x224x224 (CLI) or inputShape (API).');
    }
    checkSize(dims as number[], `graph input '${vi.name}'`);
    shapes.set(vi.name, { dims: dims as number[] });
  }

  const layers: AccelLayer[] = [];
  const get = (n: Node, i: number, what: string): Tensor => {
    const name = n.inputs[i];
    if (name === undefined || name === '') throw nodeErr(n, `input ${i} (${what}) is missing.`);
    const t = shapes.get(name);
    if (!t) throw nodeErr(n, `input '${name}' (${what}) is not a graph input, an initializer or the output of an earlier node.`, 'add the missing initializer or order the nodes topologically.');
    return t;
  };
  const rank = (n: Node, t: Tensor, r: number, what: string): number[] => {
    if (t.dims.length !== r) throw nodeErr(n, `${what} has shape [${t.dims.join(', ')}] (rank ${t.dims.length}); rank ${r} is needed.`);
    return t.dims;
  };
  const wrap = <T>(n: Node, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof MacflowError && !(e instanceof ShapeError && e.message.includes(`node '${n.name}'`))) throw nodeErr(n, e.message.replace(/ Fix: .*$/, ''), e.fix);
      throw e;
    }
  };

  for (const n of nodes) {
    let out: number[];
    let int64: bigint[] | undefined;
    switch (n.op) {
      case 'Conv':
      case 'ConvInteger':
      case 'QLinearConv': {
        const x = rank(n, get(n, 0, 'X'), 4, 'X');
        const w = rank(n, get(n, n.op === 'QLinearConv' ? 3 : 1, 'W'), 4, 'W');
        const group = attrInt(n, 'group', 1, 1);
        const l = wrap(n, () => convLayer(n.name, x, w, { layout: 'NCHW', weightLayout: 'OIHW', groups: group, ...spatial(n, [w[2], w[3]]) }));
        layers.push(l);
        out = [l.N, l.M, l.E, l.F];
        break;
      }
      case 'Gemm': {
        const a = rank(n, get(n, 0, 'A'), 2, 'A');
        const b = rank(n, get(n, 1, 'B'), 2, 'B');
        const [M, K] = attrInt(n, 'transA', 0) ? [a[1], a[0]] : a;
        const [K2, N] = attrInt(n, 'transB', 0) ? [b[1], b[0]] : b;
        if (K !== K2) throw nodeErr(n, `A [${a.join(', ')}] and B [${b.join(', ')}] disagree on K (${K} vs ${K2}).`);
        layers.push(wrap(n, () => fcLayer(n.name, K, N, M)));
        out = [M, N];
        break;
      }
      case 'MatMul':
      case 'MatMulInteger':
      case 'QLinearMatMul': {
        const a = get(n, 0, 'A').dims;
        const b = rank(n, get(n, n.op === 'QLinearMatMul' ? 3 : 1, 'B'), 2, 'B (batched B is not supported)');
        if (a.length < 1) throw nodeErr(n, 'A is a scalar; MatMul needs rank >= 1.');
        const K = a[a.length - 1];
        if (K !== b[0]) throw nodeErr(n, `A [${a.join(', ')}] and B [${b.join(', ')}] disagree on K (${K} vs ${b[0]}).`);
        const lead = a.slice(0, -1);
        const M = lead.reduce((p, q) => p * q, 1);
        layers.push(wrap(n, () => gemmLayer(n.name, M, b[1], K)));
        out = [...lead, b[1]];
        break;
      }
      case 'MaxPool':
      case 'AveragePool':
        out = poolOut(n, rank(n, get(n, 0, 'X'), 4, 'X'));
        break;
      case 'GlobalAveragePool': {
        const x = get(n, 0, 'X').dims;
        if (x.length < 3) throw nodeErr(n, `X has shape [${x.join(', ')}]; rank >= 3 is needed.`);
        out = [x[0], x[1], ...x.slice(2).map(() => 1)];
        break;
      }
      case 'Flatten': {
        const x = get(n, 0, 'input').dims;
        let axis = attrInt(n, 'axis', 1);
        if (axis < -x.length || axis > x.length) throw nodeErr(n, `axis = ${axis} is out of range for rank ${x.length}.`);
        if (axis < 0) axis += x.length;
        const p = (d: number[]) => d.reduce((s, v) => s * v, 1);
        out = [p(x.slice(0, axis)), p(x.slice(axis))];
        break;
      }
      case 'Reshape': {
        const x = get(n, 0, 'data').dims;
        const s = get(n, 1, 'shape');
        if (!s.int64) throw nodeErr(n, `the shape input '${n.inputs[1]}' is not a constant int64 tensor.`, 'make the target shape an int64 initializer or Constant.');
        const total = x.reduce((a, b) => a * b, 1);
        const allowZero = attrInt(n, 'allowzero', 0) === 1;
        let infer = -1;
        out = s.int64.map((v, i) => {
          if (v === -1n) {
            if (infer >= 0) throw nodeErr(n, `target shape [${s.int64!.join(', ')}] has more than one -1.`);
            infer = i;
            return 1;
          }
          if (v === 0n && !allowZero) {
            if (i >= x.length) throw nodeErr(n, `target shape [${s.int64!.join(', ')}] copies dimension ${i} (0) that the input [${x.join(', ')}] lacks.`);
            return x[i];
          }
          return checkDim(v, `node '${n.name}' (Reshape) target shape`, 1);
        });
        const known = out.reduce((a, b) => a * b, 1);
        if (infer >= 0) {
          if (known === 0 || total % known !== 0) throw nodeErr(n, `cannot reshape [${x.join(', ')}] to [${s.int64.join(', ')}].`);
          out[infer] = total / known;
        } else if (known !== total) throw nodeErr(n, `cannot reshape [${x.join(', ')}] (${total} elements) to [${out.join(', ')}] (${known}).`);
        break;
      }
      case 'Add':
        out = broadcast(n, get(n, 0, 'A').dims, get(n, 1, 'B').dims);
        break;
      case 'Constant': {
        const v = n.attrs.get('value');
        if (!v?.t) throw nodeErr(n, 'only a tensor `value` attribute is supported for Constant.', 'use an initializer instead.');
        const t = readTensor(v.t, `node '${n.name}' value`).t;
        out = t.dims;
        int64 = t.int64;
        break;
      }
      default: // Relu, Clip, QuantizeLinear, DequantizeLinear, BatchNormalization, Softmax
        out = get(n, 0, 'input').dims;
    }
    checkSize(out, `node '${n.name}' output`);
    if (n.outputs.length === 0 || n.outputs[0] === '') throw nodeErr(n, 'has no output.');
    shapes.set(n.outputs[0], { dims: out, int64 });
  }
  const name = str(graph.find((x) => x.no === 2)) || file;
  return { name, layers };
}
