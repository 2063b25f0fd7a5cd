/**
 * A small int8 network graph: nodes of the ops macflow has (conv2d, dense, max / average / global
 * average pooling, relu, clamp, add, flatten, softmax), in execution order, sequential by default
 * with named inputs for residual connections. Everything between the input and the softmax is
 * int8 with per-layer quantisation (real = scale * (q - zeroPoint)); weights are symmetric int8
 * (zero point 0) with a scale per tensor or per output channel.
 *
 * - {@link inferGraph} validates a graph once (unique names, known ops, inputs defined before use,
 *   shapes through every node via the ops' own descriptors, weights and quantisation) and throws
 *   typed errors whose `op` names the graph and the node.
 * - {@link calibrateGraph} runs the graph on sample inputs and sets each conv / dense / add node's
 *   output scale and zero point from its int32 accumulators (min/max or percentile).
 * - {@link runNetwork} runs it: output, per-layer statistics and CPU time, and per-layer and total
 *   accelerator reports fed with each layer's actual input.
 * - {@link graphFromTopology}, {@link lenet5Graph}, {@link resnetBlocksGraph}: networks with
 *   SEEDED RANDOM weights (not trained): for checking arithmetic and modelling, not accuracy.
 * @module
 */
import { seededRandom } from '../util/random.js';
import { conv2dInfo, type Conv2DInfo, type Conv2DOptions } from '../descriptors/conv.js';
import { pool2dInfo, type Pool2dInfo } from '../descriptors/pool.js';
import { roundHalfEven, type QuantParams } from '../descriptors/output-stage.js';
import { QuantError, ShapeError, ValueError, fmt } from '../errors.js';
import { nearest } from '../accel/schema.js';
import { TOPOLOGIES, type Topology, type TopologyPads } from './topologies.js';

/** Quantisation of an int8 activation tensor: real = scale * (q - zeroPoint). */
export interface GraphQuant {
  /** Real value of one step (> 0). */
  scale: number;
  /** The int8 value of real 0, in [-128, 127]. */
  zeroPoint: number;
}

/** Fields of every node. */
export interface GraphNodeBase {
  /** Unique name (not `'input'`, which names the graph input). */
  name: string;
  /** Names of the nodes (or `'input'`) this node reads. Default: the previous node (the graph input for the first). */
  inputs?: string[];
}

/** Fused activation of conv2d / dense / add: `'relu'` clamps at real 0, `{ min, max }` at real bounds. */
export type GraphActivation = 'none' | 'relu' | { min?: number; max?: number };

/** A convolution: int8 OHWI weights [M, R, S, C/groups], symmetric (zero point 0), int32 bias. */
export interface ConvNode extends GraphNodeBase, Pick<Conv2DOptions, 'strides' | 'pads' | 'dilations' | 'groups'> {
  op: 'conv2d';
  weights: Int8Array;
  wShape: [number, number, number, number];
  /** Weight scale: one, or one per output channel. */
  wScale: number | ArrayLike<number>;
  /** int32 bias per output channel (units of xScale * wScale). Default none. */
  bias?: Int32Array;
  activation?: GraphActivation;
  /** Output quantisation (set by {@link calibrateGraph}). */
  output?: GraphQuant;
}

/** A fully connected layer: int8 weights [outFeatures, inFeatures], input [batch, inFeatures]. */
export interface DenseNode extends GraphNodeBase {
  op: 'dense';
  weights: Int8Array;
  wShape: [number, number];
  wScale: number | ArrayLike<number>;
  bias?: Int32Array;
  activation?: GraphActivation;
  output?: GraphQuant;
}

/** Max or average pooling (output keeps the input's quantisation). */
export interface PoolNode extends GraphNodeBase {
  op: 'maxPool2d' | 'avgPool2d';
  kernel: number | [number, number];
  strides?: number | [number, number];
  pads?: number | [number, number, number, number];
}

/** Global average pooling [N, H, W, C] -> [N, 1, 1, C]. */
export interface GlobalAvgPoolNode extends GraphNodeBase {
  op: 'globalAvgPool';
}

/** ReLU (at the input's zero point). */
export interface ReluNode extends GraphNodeBase {
  op: 'relu';
}

/** Clamp at real bounds (e.g. ReLU6: `{ min: 0, max: 6 }`), quantised with the input's scale. */
export interface ClampNode extends GraphNodeBase {
  op: 'clamp';
  min?: number;
  max?: number;
}

/** Residual add of two nodes' outputs (same shape), requantised (ONNX QLinearAdd). */
export interface AddNode extends GraphNodeBase {
  op: 'add';
  inputs: [string, string];
  activation?: GraphActivation;
  output?: GraphQuant;
}

/** Flatten [N, ...] -> [N, rest]. */
export interface FlattenNode extends GraphNodeBase {
  op: 'flatten';
}

/** Softmax over the last axis; int8 output with scale 1/256 and zero point -128. */
export interface SoftmaxNode extends GraphNodeBase {
  op: 'softmax';
}

/** A node of a {@link Graph}. */
export type GraphNode = ConvNode | DenseNode | PoolNode | GlobalAvgPoolNode | ReluNode | ClampNode | AddNode | FlattenNode | SoftmaxNode;

/** The ops a graph node may name. */
export const GRAPH_OPS = ['conv2d', 'dense', 'maxPool2d', 'avgPool2d', 'globalAvgPool', 'relu', 'clamp', 'add', 'flatten', 'softmax'] as const;

/** A network: the int8 input, the nodes in execution order, and which node is the output. */
export interface Graph {
  name: string;
  /** Input shape (NHWC [N, H, W, C] or [N, features]) and quantisation (set by {@link calibrateGraph} when absent). */
  input: { shape: number[]; quant?: GraphQuant };
  nodes: GraphNode[];
  /** Output node. Default the last node. */
  output?: string;
}

/** One node after {@link inferGraph}: its resolved inputs, output shape and quantisation. */
export interface NodeInfo {
  node: GraphNode;
  /** Index of each input in `GraphInfo.nodes`, -1 for the graph input. */
  inputs: number[];
  /** Output shape. */
  shape: number[];
  /** Output quantisation (undefined only before calibration, with `allowUncalibrated`). */
  quant: GraphQuant | undefined;
  /** Conv descriptor of conv2d / dense nodes (a dense layer is a 1x1 conv on a 1x1 image). */
  conv?: Conv2DInfo;
  /** Pool geometry of pooling nodes. */
  pool?: Pool2dInfo;
  /** Index of the last node that reads this one's output (Infinity for the graph output). */
  lastUse: number;
}

/** A validated graph. */
export interface GraphInfo {
  graph: Graph;
  nodes: NodeInfo[];
  /** Index of the output node. */
  output: number;
}

/** Quantisation of every softmax output: uint8-like probabilities in int8 (scale 1/256, zero point -128). */
export const SOFTMAX_QUANT: Readonly<GraphQuant> = Object.freeze({ scale: 1 / 256, zeroPoint: -128 });

/** The `op` of errors about one node: names the graph, the node and its op. */
export function nodeOp(graph: Graph, node: { name?: unknown; op?: unknown }, i: number): string {
  return `graph ${JSON.stringify(graph.name)}, node ${typeof node?.name === 'string' ? JSON.stringify(node.name) : `#${i}`} (${String(node?.op)})`;
}

function checkQuant(op: string, what: string, q: unknown): GraphQuant {
  const v = q as GraphQuant;
  if (typeof v !== 'object' || v === null || typeof v.scale !== 'number' || !Number.isFinite(v.scale) || v.scale <= 0) {
    throw new QuantError(op, `${what} = ${fmt(JSON.stringify(q))} needs a finite scale > 0.`, 'run calibrateGraph, or set { scale, zeroPoint }.');
  }
  if (!Number.isInteger(v.zeroPoint) || v.zeroPoint < -128 || v.zeroPoint > 127) throw new QuantError(op, `${what}.zeroPoint = ${fmt(v.zeroPoint)} is not an int8.`, 'use an integer in [-128, 127].');
  return { scale: v.scale, zeroPoint: v.zeroPoint };
}

function checkWeights(op: string, node: ConvNode | DenseNode, size: number, channels: number): void {
  if (!(node.weights instanceof Int8Array)) throw new ValueError(op, 'weights must be an Int8Array.', 'quantise the weights to int8 (quant.quantizeWeights).');
  if (node.weights.length !== size) throw new ShapeError(op, `weights hold ${fmt(node.weights.length)} values but wShape ${fmt(node.wShape)} needs ${fmt(size)}.`, 'make weights.length the product of wShape.');
  const s = node.wScale;
  const n = typeof s === 'number' ? 1 : s?.length;
  if (n !== 1 && n !== channels) throw new ShapeError(op, `wScale has ${fmt(n)} values but there are ${channels} output channels.`, `pass one scale or ${channels}.`);
  for (let i = 0; i < (typeof s === 'number' ? 1 : n); i++) {
    const v = typeof s === 'number' ? s : s[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new QuantError(op, `wScale${typeof s === 'number' ? '' : `[${i}]`} = ${fmt(v)} must be a finite number > 0.`, 'pass the weights\' quantisation scale.');
  }
  if (node.bias !== undefined && (!(node.bias instanceof Int32Array) || node.bias.length !== channels)) {
    throw new ShapeError(op, `bias must be an Int32Array of ${channels} values.`, 'pass one int32 per output channel, or omit it.');
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Validates a graph and infers every node's output shape and quantisation. Errors are
 * {@link ShapeError} (shape mismatch between nodes, bad weights), {@link ValueError} (unknown op
 * with the nearest known one, unknown or later inputs, duplicate names) or {@link QuantError}
 * (missing or bad quantisation), and their `op` names the graph and the node.
 *
 * @param options.allowUncalibrated accept nodes without `output` quantisation (used by {@link calibrateGraph}).
 */
export function inferGraph(graph: Graph, options: { allowUncalibrated?: boolean } = {}): GraphInfo {
  const gop = `graph ${JSON.stringify(graph?.name)}`;
  if (typeof graph !== 'object' || graph === null || typeof graph.name !== 'string') throw new ValueError('graph', `graph = ${fmt(graph)} must be { name, input, nodes }.`, 'pass a Graph object.');
  if (!graph.input || !Array.isArray(graph.input.shape) || graph.input.shape.length < 2 || !graph.input.shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ShapeError(gop, `input.shape = ${fmt(graph.input?.shape)} must be [N, H, W, C] or [N, features] of positive integers.`, 'give the input shape with the batch first.');
  }
  if (!Array.isArray(graph.nodes) || graph.nodes.length === 0) throw new ValueError(gop, 'nodes must be a non-empty array.', 'list the nodes in execution order.');
  const allow = options.allowUncalibrated ?? false;
  const inputQuant = graph.input.quant === undefined && allow ? undefined : checkQuant(gop, 'input.quant', graph.input.quant);
  const index = new Map<string, number>([['input', -1]]);
  const infos: NodeInfo[] = [];
  graph.nodes.forEach((node, i) => {
    const op = nodeOp(graph, node, i);
    if (typeof node !== 'object' || node === null) throw new ValueError(op, `node #${i} is ${fmt(node)}.`, 'pass node objects { name, op, ... }.');
    if (typeof node.name !== 'string' || node.name === '') throw new ValueError(op, `name = ${fmt(node.name)} must be a non-empty string.`, 'name every node.');
    if (index.has(node.name)) throw new ValueError(op, `the name ${JSON.stringify(node.name)} is used ${node.name === 'input' ? 'by the graph input' : 'twice'}.`, 'give every node a unique name.');
    if (!(GRAPH_OPS as readonly string[]).includes(node.op)) {
      const s = nearest(String(node.op), GRAPH_OPS);
      throw new ValueError(op, `op ${JSON.stringify(node.op)} is not known.`, `use one of ${GRAPH_OPS.join(', ')}${s ? ` (did you mean ${JSON.stringify(s)}?)` : ''}.`);
    }
    const names = node.inputs ?? [i === 0 ? 'input' : graph.nodes[i - 1].name];
    const want = node.op === 'add' ? 2 : 1;
    if (!Array.isArray(names) || names.length !== want) throw new ValueError(op, `inputs = ${fmt(names)}: ${node.op} takes ${want} input${want > 1 ? 's' : ''}.`, `name ${want} earlier node${want > 1 ? 's' : ''} (or 'input').`);
    const ins = names.map((n) => {
      const k = index.get(n);
      if (k === undefined) {
        const s = nearest(String(n), [...index.keys()]);
        throw new ValueError(op, `input ${JSON.stringify(n)} is not the graph input or an earlier node.`, `name a node listed before this one${s ? ` (did you mean ${JSON.stringify(s)}?)` : ''}; nodes run in the order given.`);
      }
      return k;
    });
    const inShape = (k: number) => (k < 0 ? graph.input.shape : infos[k].shape);
    const inQuant = (k: number) => (k < 0 ? inputQuant : infos[k].quant);
    const xs = inShape(ins[0]);
    const own = (n: { output?: GraphQuant }) => (n.output === undefined && allow ? undefined : checkQuant(op, 'output', n.output));
    let info: NodeInfo;
    switch (node.op) {
      case 'conv2d': {
        if (xs.length !== 4) throw new ShapeError(op, `its input ${JSON.stringify(names[0])} has shape ${fmt(xs)}; conv2d needs [N, H, W, C].`, 'feed a rank-4 NHWC tensor (no flatten before a conv).');
        if (!Array.isArray(node.wShape) || node.wShape.length !== 4) throw new ShapeError(op, `wShape = ${fmt(node.wShape)} must be [M, R, S, C/groups].`, 'give OHWI weight dimensions.');
        const conv = conv2dInfo(xs, node.wShape, { strides: node.strides, pads: node.pads, dilations: node.dilations, groups: node.groups }, op);
        checkWeights(op, node, conv.M * conv.K, conv.M);
        info = { node, inputs: ins, shape: [...conv.yShape], quant: own(node), conv, lastUse: -1 };
        break;
      }
      case 'dense': {
        if (!Array.isArray(node.wShape) || node.wShape.length !== 2) throw new ShapeError(op, `wShape = ${fmt(node.wShape)} must be [outFeatures, inFeatures].`, 'give the weight matrix dimensions.');
        const [N, K] = node.wShape;
        const feat = xs.slice(1).reduce((a, b) => a * b, 1);
        if (xs.length !== 2 || feat !== K) {
          throw new ShapeError(op, `its input ${JSON.stringify(names[0])} has shape ${fmt(xs)} but the weights take [batch, ${fmt(K)}].`, xs.length !== 2 && feat === K ? 'add a flatten node before the dense node.' : `make the previous node produce ${fmt(K)} features or change wShape.`);
        }
        const conv = conv2dInfo([xs[0], 1, 1, K], [N, 1, 1, K], {}, op);
        checkWeights(op, node, N * K, N);
        info = { node, inputs: ins, shape: [xs[0], N], quant: own(node), conv, lastUse: -1 };
        break;
      }
      case 'maxPool2d':
      case 'avgPool2d': {
        const pool = pool2dInfo(op, xs, { kernel: node.kernel, strides: node.strides, pads: node.pads });
        info = { node, inputs: ins, shape: [...pool.outShape], quant: inQuant(ins[0]), pool, lastUse: -1 };
        break;
      }
      case 'globalAvgPool': {
        if (xs.length !== 4) throw new ShapeError(op, `its input has shape ${fmt(xs)}; global average pooling needs [N, H, W, C].`, 'feed a rank-4 NHWC tensor.');
        const pool = pool2dInfo(op, xs, { kernel: [xs[1], xs[2]] });
        info = { node, inputs: ins, shape: [xs[0], 1, 1, xs[3]], quant: inQuant(ins[0]), pool, lastUse: -1 };
        break;
      }
      case 'relu':
      case 'clamp':
        info = { node, inputs: ins, shape: [...xs], quant: inQuant(ins[0]), lastUse: -1 };
        break;
      case 'flatten':
        info = { node, inputs: ins, shape: [xs[0], xs.slice(1).reduce((a, b) => a * b, 1)], quant: inQuant(ins[0]), lastUse: -1 };
        break;
      case 'softmax':
        info = { node, inputs: ins, shape: [...xs], quant: { ...SOFTMAX_QUANT }, lastUse: -1 };
        break;
      case 'add': {
        const bs = inShape(ins[1]);
        if (!sameShape(xs, bs)) throw new ShapeError(op, `its inputs ${JSON.stringify(names[0])} ${fmt(xs)} and ${JSON.stringify(names[1])} ${fmt(bs)} differ in shape; add does not broadcast.`, 'add two tensors of the same shape (use a 1x1 projection conv on the shortcut).');
        info = { node, inputs: ins, shape: [...xs], quant: own(node), lastUse: -1 };
        break;
      }
    }
    for (const k of ins) if (k >= 0) infos[k].lastUse = i;
    index.set(node.name, i);
    infos.push(info);
  });
  let output = infos.length - 1;
  if (graph.output !== undefined) {
    const k = index.get(graph.output);
    if (k === undefined || k < 0) throw new ValueError(gop, `output = ${JSON.stringify(graph.output)} is not a node.`, 'name one of the nodes, or omit output (the last node).');
    output = k;
  }
  infos[output].lastUse = Infinity;
  return { graph, nodes: infos, output };
}

/** The integer parameters of a conv2d / dense node for the ops (and the reference). @internal */
export function layerParams(ni: NodeInfo, xq: GraphQuant, yq: GraphQuant | undefined): QuantParams {
  const node = ni.node as ConvNode | DenseNode;
  const p: QuantParams = { xZeroPoint: xq.zeroPoint, bias: node.bias };
  if (yq) {
    p.requantize = { xScale: xq.scale, wScale: node.wScale, yScale: yq.scale, yZeroPoint: yq.zeroPoint, outputDtype: 'int8', activation: node.activation ?? 'none' };
  }
  return p;
}

/** [qmin, qmax] of a clamp node at real bounds on a tensor quantised by `q`. @internal */
export function clampBounds(node: ClampNode, q: GraphQuant): [number, number] {
  const lo = node.min === undefined ? -128 : Math.min(127, Math.max(-128, q.zeroPoint + roundHalfEven(node.min / q.scale)));
  const hi = node.max === undefined ? 127 : Math.min(127, Math.max(-128, q.zeroPoint + roundHalfEven(node.max / q.scale)));
  return [lo, hi];
}


/** Seeded He-uniform int8 weights: real w ~ U(-sqrt(6 / fanIn), sqrt(6 / fanIn)) as q * wScale, q in [-127, 127]. */
function heWeights(rand: () => number, count: number, fanIn: number): { weights: Int8Array; wScale: number } {
  const limit = Math.sqrt(6 / fanIn);
  const weights = new Int8Array(count);
  for (let i = 0; i < count; i++) weights[i] = Math.round((rand() * 2 - 1) * 127);
  return { weights, wScale: limit / 127 };
}

function pads4(p: TopologyPads | undefined): Conv2DOptions['pads'] {
  return (p ?? 0) as Conv2DOptions['pads'];
}

/** Options of {@link graphFromTopology}. */
export interface GraphFromTopologyOptions {
  /** Seed of the weights. Default 1. */
  seed?: number;
  /** Batch. Default 1. */
  batch?: number;
  /** Append a softmax node. Default true. */
  softmax?: boolean;
}

/**
 * A runnable graph from a built-in topology (TOPOLOGIES) with SEEDED RANDOM He-uniform int8
 * weights and zero biases: NOT trained. Convs get a fused ReLU unless only adds read them (the end
 * of a residual branch or a projection shortcut: the add applies the ReLU, as in ResNet), fc layers get one except the last; a flatten precedes the first fc
 * after a spatial layer; a softmax ends it. Quantisation is left for {@link calibrateGraph}.
 */
export function graphFromTopology(topology: Topology, options: GraphFromTopologyOptions = {}): Graph {
  const op = `graphFromTopology(${JSON.stringify(topology?.name)})`;
  const rand = seededRandom(options.seed ?? 1);
  const batch = options.batch ?? 1;
  const nodes: GraphNode[] = [];
  const shapes = new Map<string, number[]>([['input', [batch, ...topology.input]]]);
  // readers of each layer: a conv read only by adds ends a residual branch or is a projection
  // shortcut (no ReLU of its own: the add applies it); a shared trunk (e.g. the stem) keeps its ReLU.
  const readers = new Map<string, string[]>();
  let p0 = 'input';
  for (const l of topology.layers) {
    for (const src of l.kind === 'add' ? l.inputs : [l.input ?? p0]) readers.set(src, [...(readers.get(src) ?? []), l.kind]);
    p0 = l.name;
  }
  const onlyAdds = (name: string) => (readers.get(name) ?? []).length > 0 && readers.get(name)!.every((k) => k === 'add');
  const lastFc = [...topology.layers].reverse().find((l) => l.kind === 'fc')?.name;
  let prev = 'input';
  for (const l of topology.layers) {
    const src = l.kind === 'add' ? undefined : l.input ?? prev;
    const xs = src !== undefined ? shapes.get(src) : undefined;
    if (src !== undefined && !xs) throw new ValueError(op, `layer ${JSON.stringify(l.name)} reads ${JSON.stringify(src)}, which is not defined before it.`, 'list layers in execution order.');
    switch (l.kind) {
      case 'conv': {
        const C = xs![3];
        const g = l.groups ?? 1;
        const wShape: [number, number, number, number] = [l.filters, l.kernel[0], l.kernel[1], C / g];
        const { weights, wScale } = heWeights(rand, l.filters * l.kernel[0] * l.kernel[1] * (C / g), l.kernel[0] * l.kernel[1] * (C / g));
        const node: ConvNode = { op: 'conv2d', name: l.name, inputs: [src!], weights, wShape, wScale, strides: l.strides ? [l.strides[0], l.strides[1]] : 1, pads: pads4(l.pads), groups: g, activation: onlyAdds(l.name) ? 'none' : 'relu' };
        nodes.push(node);
        shapes.set(l.name, [...conv2dInfo(xs!, wShape, node, op).yShape]);
        break;
      }
      case 'maxpool':
      case 'avgpool': {
        const global = l.kind === 'avgpool' && l.kernel[0] === xs![1] && l.kernel[1] === xs![2] && !l.pads;
        if (global) {
          nodes.push({ op: 'globalAvgPool', name: l.name, inputs: [src!] });
          shapes.set(l.name, [xs![0], 1, 1, xs![3]]);
        } else {
          const pads = l.pads === undefined ? 0 : typeof l.pads === 'number' ? l.pads : Array.isArray(l.pads) ? [...l.pads] as [number, number, number, number] : undefined;
          if (pads === undefined) throw new ValueError(op, `pool ${JSON.stringify(l.name)} uses auto padding ${fmt(l.pads)}.`, 'give explicit pads.');
          nodes.push({ op: l.kind === 'maxpool' ? 'maxPool2d' : 'avgPool2d', name: l.name, inputs: [src!], kernel: [l.kernel[0], l.kernel[1]], strides: [l.strides[0], l.strides[1]], pads });
          shapes.set(l.name, [...pool2dInfo(op, xs!, { kernel: [l.kernel[0], l.kernel[1]], strides: [l.strides[0], l.strides[1]], pads }).outShape]);
        }
        break;
      }
      case 'fc': {
        let from = src!;
        let s = xs!;
        if (s.length !== 2) {
          const f = `${l.name}_flatten`;
          nodes.push({ op: 'flatten', name: f, inputs: [from] });
          s = [s[0], s.slice(1).reduce((a, b) => a * b, 1)];
          shapes.set(f, s);
          from = f;
        }
        const { weights, wScale } = heWeights(rand, l.units * s[1], s[1]);
        nodes.push({ op: 'dense', name: l.name, inputs: [from], weights, wShape: [l.units, s[1]], wScale, activation: l.name === lastFc ? 'none' : 'relu' });
        shapes.set(l.name, [s[0], l.units]);
        break;
      }
      case 'add':
        nodes.push({ op: 'add', name: l.name, inputs: [l.inputs[0], l.inputs[1]], activation: 'relu' });
        shapes.set(l.name, shapes.get(l.inputs[0]) ?? []);
        break;
    }
    prev = l.name;
  }
  if (options.softmax ?? true) nodes.push({ op: 'softmax', name: 'softmax', inputs: [prev] });
  return { name: topology.name, input: { shape: [batch, ...topology.input] }, nodes };
}

/**
 * A small ResNet-style topology (data): 16x16x8 input, a 3x3 stem conv (16), two basic blocks
 * (3x3 + 3x3 with an identity shortcut, add + ReLU), a stride-2 block with a 1x1 projection
 * shortcut (32), global average pooling and fc 10. Ours, for tests and examples.
 */
export const RESNET_BLOCKS_TOPOLOGY: Topology = Object.freeze({
  name: 'resnet-blocks',
  source: 'macflow test network: a ResNet-style stack of basic blocks (He et al., CVPR 2016) small enough to run op by op in tests.',
  input: [16, 16, 8] as const,
  layers: [
    { name: 'stem', kind: 'conv', filters: 16, kernel: [3, 3], pads: 1 },
    { name: 'b1c1', kind: 'conv', filters: 16, kernel: [3, 3], pads: 1 },
    { name: 'b1c2', kind: 'conv', filters: 16, kernel: [3, 3], pads: 1 },
    { name: 'b1add', kind: 'add', inputs: ['b1c2', 'stem'] },
    { name: 'b2c1', kind: 'conv', filters: 16, kernel: [3, 3], pads: 1 },
    { name: 'b2c2', kind: 'conv', filters: 16, kernel: [3, 3], pads: 1 },
    { name: 'b2add', kind: 'add', inputs: ['b2c2', 'b1add'] },
    { name: 'b3c1', kind: 'conv', filters: 32, kernel: [3, 3], strides: [2, 2], pads: 1 },
    { name: 'b3c2', kind: 'conv', filters: 32, kernel: [3, 3], pads: 1 },
    { name: 'b3proj', kind: 'conv', filters: 32, kernel: [1, 1], strides: [2, 2], input: 'b2add' },
    { name: 'b3add', kind: 'add', inputs: ['b3c2', 'b3proj'] },
    { name: 'gap', kind: 'avgpool', kernel: [8, 8], strides: [1, 1], input: 'b3add' },
    { name: 'fc', kind: 'fc', units: 10 },
  ],
} as Topology);

/** LeNet-5 (TOPOLOGIES.lenet5, the Caffe variant: 28x28x1, conv 20@5x5, pool, conv 50@5x5, pool, fc 500, fc 10, softmax) with seeded random weights: NOT trained. */
export function lenet5Graph(options: GraphFromTopologyOptions = {}): Graph {
  return graphFromTopology(TOPOLOGIES.lenet5, options);
}

/** The {@link RESNET_BLOCKS_TOPOLOGY} network with seeded random weights: NOT trained. */
export function resnetBlocksGraph(options: GraphFromTopologyOptions = {}): Graph {
  return graphFromTopology(RESNET_BLOCKS_TOPOLOGY, options);
}

export { seededRandom };
