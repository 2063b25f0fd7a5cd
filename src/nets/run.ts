/**
 * Running a {@link Graph}: `runNetwork` (output, per-layer statistics, CPU time, accelerator
 * reports fed with every layer's actual input), `prepareNetwork` (the same, validated and with the
 * weights packed once, for repeated runs) and `calibrateGraph` (output quantisation of every
 * conv / dense / add node from its int32 accumulators on sample inputs).
 * @module
 */
import { feieActivityOf } from '../accel/feie-dataflow.js';
import type { FeieActivity } from '../accel/feie.js';
import { opReport, resolveTargets, type AcceleratorComparisonRow, type AcceleratorOption, type OpAcceleratorReport } from '../accel/op-report.js';
import { simulateNetwork, type NetworkReport } from '../accel/simulate.js';
import type { ArchSpec, SimulationData } from '../accel/types.js';
import { QuantError, ShapeError, ValueError, fmt } from '../errors.js';
import { add } from '../ops/add.js';
import { clamp, relu } from '../ops/activation.js';
import { conv2d, packConvWeights, PackedConvWeights, type Conv2DParams } from '../ops/conv2d.js';
import { zeroSkipCrossoverFor } from '../ops/conv2d-auto.js';
import { FC_ZERO_SKIP_CROSSOVER, activationDensity } from '../ops/select.js';
import { BLOCKSPARSE_MIN_MG, conv2dZeroSkip, packZeroSkipWeights, PackedZeroSkipWeights, type Conv2DZeroSkipParams } from '../ops/conv2d-zeroskip.js';
import { dense, type DenseParams } from '../ops/dense.js';
import { packWeights, PackedWeights } from '../ops/packed.js';
import { avgPool2d, globalAvgPool, maxPool2d } from '../ops/pool.js';
import { flatten, reshape } from '../ops/shape.js';
import { softmax } from '../ops/softmax.js';
import { calibrate } from '../quant/calibrate.js';
import { quantize } from '../quant/quantize.js';
import type { Engine, TensorLike } from '../runtime/engine.js';
import { Tensor } from '../runtime/tensor.js';
import { clampBounds, inferGraph, layerParams, nodeOp, type ConvNode, type DenseNode, type Graph, type GraphActivation, type GraphInfo, type GraphNode, type GraphQuant, type NodeInfo, type PoolNode } from './graph.js';

/** Options of {@link runNetwork}. */
export interface RunNetworkOptions {
  /** Model every conv / dense layer and the whole network on these targets (arch, preset name or list). */
  accelerator?: AcceleratorOption;
  /**
   * Kernel of conv / dense layers: `true` the zero-skipping kernel (conv2dZeroSkip), `false`
   * im2col / GEMM (conv2d, dense), `'auto'` (default) zero skipping when an accelerator is asked
   * for (its counts are the report's) or when the layer's input density (fraction of values that
   * differ from the zero point) is below the crossover of conv2dAuto ({@link zeroSkipCrossoverFor}
   * the build and layer) or, for dense layers, denseAuto's {@link FC_ZERO_SKIP_CROSSOVER}. With
   * `false` and an accelerator, the activity is counted from the layer's input separately
   * (`countsFrom: 'input'`).
   */
  zeroSkip?: 'auto' | boolean;
  /** Keep every layer's output (host copies) in the result. Default false. */
  keepOutputs?: boolean;
}

/** What one node did in {@link runNetwork}. */
export interface LayerRun {
  name: string;
  op: GraphNode['op'];
  /** Output shape and quantisation. */
  shape: number[];
  quant: GraphQuant;
  /** The kernel path: `'zeroskip'`, `'im2col'` (conv2d), `'gemm'` (dense) or the op name. */
  kernel: string;
  /** Wall time of the op call on this thread, in ms (performance.now; includes host copies). */
  cpuMs: number;
  /** Fraction of the (first) input's values equal to its zero point (real 0). */
  inputZeroFraction: number;
  /** Fraction of the output's values equal to its zero point, and the output's range. */
  outputZeroFraction: number;
  outputMin: number;
  outputMax: number;
  /** The output (with `keepOutputs`). */
  output?: Int8Array;
}

/** Accelerator part of a {@link NetworkRun}: per layer and per target, and totals. */
export interface NetworkAcceleratorReport {
  /** Targets in report order (ZASCAD, ZASCAS, then the others). */
  archs: ArchSpec[];
  /** Per modelled layer (conv and dense): the reports and where the counts came from. */
  layers: { name: string; report: OpAcceleratorReport; countsFrom: 'kernel' | 'input' }[];
  /** Per target: the network report (layers in execution order and totals). */
  networks: NetworkReport[];
  /** Per target: totals side by side (speedup relative to ZASCAD). */
  comparison: AcceleratorComparisonRow[];
}

/** The result of {@link runNetwork}. */
export interface NetworkRun {
  /** The output node's values, shape and quantisation. */
  output: { name: string; data: Int8Array; shape: number[]; quant: GraphQuant };
  layers: LayerRun[];
  /** Sum of the layers' times, in ms. */
  cpuMs: number;
  accelerator?: NetworkAcceleratorReport;
}

interface Exec {
  y: Tensor;
  kernel: string;
  activity?: FeieActivity;
  countsFrom?: 'kernel' | 'input';
}

/**
 * Fraction of a tensor's values equal to `zp` (real 0; 0 for an empty tensor), one Wasm pass:
 * every layer's statistics and the 'auto' kernel choice read it.
 */
function zeroFraction(engine: Engine, t: Tensor, zp: number): number {
  return t.size ? 1 - activationDensity(t as Tensor<'int8'>, zp, engine) : 0;
}

/** int8 view of a {data, shape} with a new shape (host data only). */
const asHost = (t: Tensor, shape: number[]) => ({ data: t.toArray() as Int8Array, shape });

/** Weights of one conv / dense node packed once ({@link PreparedNetwork}); each form made on first use. */
interface LayerPacks {
  /** For conv2d (im2col / direct) or dense (GEMM). */
  dense?: PackedConvWeights | PackedWeights;
  denseBytes: number;
  /** For conv2dZeroSkip's block-sparse kernel. */
  zeroSkip?: PackedZeroSkipWeights;
  zeroSkipBytes: number;
}

/**
 * Runs one node on tensors of this engine. `yq` undefined: conv / dense return the int32 sums
 * (calibration). `skip`: zero-skipping kernel; `count`: also the activity (kernel's or recount).
 * `packs`: the node's weights packed once (a form that is absent is packed by the op, per call).
 */
function execNode(engine: Engine, ni: NodeInfo, xs: Tensor<'int8' | 'uint8'>[], qs: GraphQuant[], yq: GraphQuant | undefined, skip: boolean, count: boolean, packs?: LayerPacks): Exec {
  const n = ni.node;
  const op = n.op;
  switch (n.op) {
    case 'conv2d':
    case 'dense': {
      const node = n as ConvNode | DenseNode;
      const params = layerParams(ni, qs[0], yq);
      const info = ni.conv!;
      // the zero-skip kernel takes dense weights [N, K] as a 1x1 conv's [N, 1, 1, K]
      const w = { data: node.weights, shape: op === 'dense' ? [info.M, 1, 1, info.K] : node.wShape };
      const geo = op === 'conv2d' ? { strides: (node as ConvNode).strides, pads: (node as ConvNode).pads, dilations: (node as ConvNode).dilations, groups: (node as ConvNode).groups } : {};
      if (skip) {
        const x = op === 'dense' ? asHost(xs[0], [info.N, 1, 1, info.C]) : xs[0];
        const r = conv2dZeroSkip(engine, x, packs?.zeroSkip ?? w, { ...geo, ...params, skipZeros: true, count } as Conv2DZeroSkipParams);
        const activity = count ? { rowNnz: r.counts!.rowNnz, macsExecuted: r.feie.zeroSkip!.macs } : undefined;
        let y: Tensor = r.y;
        if (op === 'dense') {
          try {
            y = reshape(engine, r.y, ni.shape);
          } finally {
            r.y.dispose();
          }
        }
        return { y, kernel: 'zeroskip', activity, countsFrom: count ? 'kernel' : undefined };
      }
      const activity = count ? feieActivityOf(info, xs[0].data, qs[0].zeroPoint) : undefined;
      const pw = packs?.dense;
      const y = op === 'dense'
        ? dense(engine, xs[0], (pw as PackedWeights | undefined) ?? { data: node.weights, shape: node.wShape }, { ...params, layout: 'nk' } as DenseParams)
        : conv2d(engine, xs[0], (pw as PackedConvWeights | undefined) ?? w, { ...geo, ...params } as Conv2DParams);
      return { y, kernel: op === 'dense' ? 'gemm' : 'im2col', activity, countsFrom: count ? 'input' : undefined };
    }
    case 'maxPool2d':
    case 'avgPool2d': {
      const p = n as PoolNode;
      const o = { kernel: p.kernel, strides: p.strides, pads: p.pads };
      return { y: op === 'maxPool2d' ? maxPool2d(engine, xs[0], o) : avgPool2d(engine, xs[0], o), kernel: op };
    }
    case 'globalAvgPool':
      return { y: globalAvgPool(engine, xs[0]), kernel: op };
    case 'relu':
      return { y: relu(engine, xs[0], { zeroPoint: qs[0].zeroPoint }), kernel: op };
    case 'clamp': {
      const [qmin, qmax] = clampBounds(n, qs[0]);
      return { y: clamp(engine, xs[0], { qmin, qmax }), kernel: op };
    }
    case 'add':
      return { y: add(engine, xs[0], xs[1], { a: qs[0], b: qs[1], y: yq!, outputDtype: 'int8', activation: n.activation }), kernel: op };
    case 'flatten':
      return { y: flatten(engine, xs[0], 1), kernel: op };
    case 'softmax':
      return { y: softmax(engine, xs[0], { scale: qs[0].scale, zeroPoint: qs[0].zeroPoint, output: 'int8' }), kernel: op };
  }
}

function checkInputTensor(op: string, engine: Engine, info: GraphInfo, input: TensorLike<'int8'> | Int8Array): TensorLike<'int8'> {
  const shape = info.graph.input.shape;
  const x: TensorLike<'int8'> = input instanceof Int8Array ? { data: input, shape } : input;
  const { shape: s } = engine.checkInput(op, 'input', x, ['int8']);
  if (s.length !== shape.length || s.some((d, i) => d !== shape[i])) throw new ShapeError(op, `input has shape ${fmt(s)} but the graph takes ${fmt(shape)}.`, 'pass an int8 tensor of the graph\'s input shape (quantised with graph.input.quant).');
  return x;
}

function checkZeroSkip(op: string, z: unknown): 'auto' | boolean {
  if (z !== 'auto' && z !== true && z !== false) throw new ValueError(op, `zeroSkip = ${fmt(z)}.`, "use 'auto', true or false.");
  return z;
}

function checkOptions(op: string, o: RunNetworkOptions): void {
  if (typeof o !== 'object' || o === null) throw new ValueError(op, `options = ${fmt(o)} must be an object.`, 'pass { accelerator?, zeroSkip?, keepOutputs? } or omit it.');
  checkZeroSkip(op, o.zeroSkip ?? 'auto');
}

/** Options of {@link prepareNetwork}. */
export interface PrepareNetworkOptions {
  /**
   * Kernel policy of conv / dense layers, as {@link RunNetworkOptions.zeroSkip} (default
   * `'auto'`); fixed for the prepared network. It decides which packed weight forms exist:
   * `false` packs every layer for im2col / GEMM and `true` for the zero-skipping kernel, both
   * here; `'auto'` packs each layer's form the first time a run picks it (see {@link PreparedNetwork}).
   */
  zeroSkip?: 'auto' | boolean;
}

/** Options of {@link PreparedNetwork.run}: those of {@link runNetwork} but the kernel policy, fixed by {@link prepareNetwork}. */
export type PreparedRunOptions = Omit<RunNetworkOptions, 'zeroSkip'>;

/** The Wasm memory one conv / dense layer's packed weights hold in a {@link PreparedNetwork}. */
export interface PreparedLayerWeights {
  /** The graph node's name. */
  name: string;
  /** The node's op. */
  op: 'conv2d' | 'dense';
  /** Bytes of the form for the dense kernels (conv2d's im2col / direct, dense's GEMM); 0 while not packed. */
  denseBytes: number;
  /**
   * Bytes of the form for the zero-skipping kernel; 0 while not packed, and always on the scalar
   * build or for groups of fewer than {@link BLOCKSPARSE_MIN_MG} output channels, whose
   * zero-skip kernel (the scatter) packs its weights per call.
   */
  zeroSkipBytes: number;
}

/**
 * A {@link Graph} validated once, with its conv / dense weights packed once in one engine's Wasm
 * memory, for repeated inference (e.g. per video frame). Create with {@link prepareNetwork};
 * {@link PreparedNetwork.run} returns what {@link runNetwork} returns, bit for bit; call
 * {@link PreparedNetwork.dispose} to free the packed weights.
 *
 * Which forms are packed: with `zeroSkip: false` every layer's dense-kernel form and with
 * `true` its zero-skip form, at prepare time (the first run costs what the others do, and a
 * MemoryError surfaces at prepare). With `'auto'` a layer runs either kernel depending on its
 * input's density, so each form is packed the first time a run picks it (in that run's
 * `cpuMs`): a layer that always runs one kernel holds one form instead of two. Zero-skip forms
 * are not made where the zero-skip kernel packs per call anyway (see
 * {@link PreparedLayerWeights.zeroSkipBytes}).
 *
 * The graph is read, not copied: do not modify its nodes after preparing (prepare again).
 */
export class PreparedNetwork {
  /** The engine whose memory holds the packed weights; runs happen there. */
  readonly engine: Engine;
  /** The validated graph. */
  readonly info: GraphInfo;
  /** The kernel policy (see {@link PrepareNetworkOptions.zeroSkip}). */
  readonly zeroSkip: 'auto' | boolean;
  /** false: nothing is kept between runs (runNetwork's one-shot use: each op packs per call). */
  private readonly retain: boolean;
  private readonly packs = new Map<number, LayerPacks>();
  private isDisposed = false;

  /** @internal Use {@link prepareNetwork}. */
  constructor(engine: Engine, info: GraphInfo, zeroSkip: 'auto' | boolean, retain: boolean) {
    this.engine = engine;
    this.info = info;
    this.zeroSkip = zeroSkip;
    this.retain = retain;
    if (!retain || zeroSkip === 'auto') return;
    try {
      info.nodes.forEach((ni, i) => {
        if (ni.node.op === 'conv2d' || ni.node.op === 'dense') this.packsFor(i, zeroSkip);
      });
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** The graph. */
  get graph(): Graph {
    return this.info.graph;
  }

  /** True once {@link dispose} has run. */
  get disposed(): boolean {
    return this.isDisposed;
  }

  /** Bytes of Wasm memory the packed weights hold now (0 after {@link dispose}). */
  get byteLength(): number {
    let n = 0;
    for (const p of this.packs.values()) n += p.denseBytes + p.zeroSkipBytes;
    return n;
  }

  /** Per conv / dense layer, in graph order: the bytes each packed form holds now. */
  get weights(): PreparedLayerWeights[] {
    return this.info.nodes.flatMap((ni, i) => {
      if (ni.node.op !== 'conv2d' && ni.node.op !== 'dense') return [];
      const p = this.packs.get(i);
      return [{ name: ni.node.name, op: ni.node.op, denseBytes: p?.denseBytes ?? 0, zeroSkipBytes: p?.zeroSkipBytes ?? 0 }];
    });
  }

  /**
   * Runs the network on one input: same result as {@link runNetwork} with this policy (output,
   * per-layer statistics, accelerator reports), bit for bit. Every argument is checked before
   * Wasm memory is touched: a disposed network, options, the input's dtype, shape and engine.
   *
   * @param input int8 data of graph.input.shape (an Int8Array, `{ data, shape }` or a tensor of this engine).
   * @param options `accelerator`, `keepOutputs` as in {@link RunNetworkOptions}.
   */
  run(input: TensorLike<'int8'> | Int8Array, options: PreparedRunOptions = {}): NetworkRun {
    const op = 'PreparedNetwork.run';
    if (this.isDisposed) throw new ValueError(op, `the prepared network of graph ${JSON.stringify(this.info.graph.name)} was disposed.`, 'call prepareNetwork(engine, graph) again, or dispose only after the last run.');
    if (typeof options !== 'object' || options === null) throw new ValueError(op, `options = ${fmt(options)} must be an object.`, 'pass { accelerator?, keepOutputs? } or omit it.');
    const z = (options as RunNetworkOptions).zeroSkip;
    if (z !== undefined && z !== this.zeroSkip) throw new ValueError(op, `zeroSkip = ${fmt(z)} but the network was prepared with zeroSkip = ${fmt(this.zeroSkip)}.`, 'omit zeroSkip (it is fixed by prepareNetwork), or prepare the graph again with the policy you want.');
    return this.execute(op, input, options);
  }

  /** Frees the packed weights. Idempotent; later {@link run} calls throw a ValueError. */
  dispose(): void {
    for (const p of this.packs.values()) {
      p.dense?.dispose();
      p.zeroSkip?.dispose();
    }
    this.packs.clear();
    this.isDisposed = true;
  }

  /** The packed weights node `i` needs for this kernel, packing them on first use (none when not retained). */
  private packsFor(i: number, skip: boolean): LayerPacks | undefined {
    if (!this.retain) return undefined;
    const ni = this.info.nodes[i];
    const node = ni.node as ConvNode | DenseNode;
    const info = ni.conv!;
    const heap = this.engine.heap;
    let p = this.packs.get(i);
    if (!p) this.packs.set(i, (p = { denseBytes: 0, zeroSkipBytes: 0 }));
    const before = heap.liveBytes;
    if (!skip && !p.dense) {
      p.dense = node.op === 'dense'
        ? packWeights(this.engine, { data: node.weights, shape: node.wShape }, { layout: 'nk' })
        : packConvWeights(this.engine, { data: node.weights, shape: node.wShape }, { groups: node.groups });
      p.denseBytes = heap.liveBytes - before;
    } else if (skip && !p.zeroSkip && this.engine.isa !== 'scalar' && info.Mg >= BLOCKSPARSE_MIN_MG) {
      // only where conv2dZeroSkip's own choice is the block-sparse kernel (packing forces it)
      const shape = node.op === 'dense' ? [info.M, 1, 1, info.K] : node.wShape;
      p.zeroSkip = packZeroSkipWeights(this.engine, { data: node.weights, shape }, { groups: node.op === 'conv2d' ? node.groups : undefined });
      p.zeroSkipBytes = heap.liveBytes - before;
    }
    return p;
  }

  /** The one execution path of {@link run} and {@link runNetwork} (`op` names the caller in errors). @internal */
  execute(op: string, input: TensorLike<'int8'> | Int8Array, options: PreparedRunOptions): NetworkRun {
    const { engine, info } = this;
    const graph = info.graph;
    const x0 = checkInputTensor(op, engine, info, input);
    const archs = options.accelerator !== undefined ? resolveTargets(op, options.accelerator) : undefined;
    const mode = this.zeroSkip;
    const live = new Map<number, Tensor<'int8' | 'uint8'>>();
    const owned = new Set<Tensor>();
    const inTensor: Tensor<'int8' | 'uint8'> = x0 instanceof Tensor ? x0 : engine.tensor('int8', x0.shape, x0.data);
    if (inTensor !== x0) owned.add(inTensor);
    live.set(-1, inTensor);
    const layers: LayerRun[] = [];
    const modelled: NetworkAcceleratorReport['layers'] = [];
    const simLayers: { layer: OpAcceleratorReport['layer']; data: SimulationData }[] = [];
    const inputQuant = info.graph.input.quant!;
    const quantOf = (k: number) => (k < 0 ? inputQuant : info.nodes[k].quant!);
    let output: NetworkRun['output'] | undefined;
    try {
      info.nodes.forEach((ni, i) => {
        const xs = ni.inputs.map((k) => live.get(k)!);
        const qs = ni.inputs.map(quantOf);
        const t0 = performance.now();
        const izf = zeroFraction(engine, xs[0], qs[0].zeroPoint);
        const mac = ni.node.op === 'conv2d' || ni.node.op === 'dense';
        // 'auto': conv2dAuto's / denseAuto's rule on the density (non-zero fraction) in the input's own domain
        const crossover = !mac ? 0 : ni.node.op === 'dense' ? FC_ZERO_SKIP_CROSSOVER : zeroSkipCrossoverFor(engine.isa, ni.conv!);
        const skip = mac && (mode === true || (mode === 'auto' && (archs !== undefined || (xs[0].size ? 1 - izf : 0) < crossover)));
        const r = execNode(engine, ni, xs, qs, ni.quant, skip, mac && archs !== undefined, mac ? this.packsFor(i, skip) : undefined);
        const cpuMs = performance.now() - t0;
        live.set(i, r.y as Tensor<'int8' | 'uint8'>);
        owned.add(r.y);
        const yq = ni.quant!;
        const yd = r.y.data as Int8Array;
        let lo = 127;
        let hi = -128;
        for (let j = 0; j < yd.length; j++) {
          if (yd[j] < lo) lo = yd[j];
          if (yd[j] > hi) hi = yd[j];
        }
        const lr: LayerRun = { name: ni.node.name, op: ni.node.op, shape: ni.shape, quant: yq, kernel: r.kernel, cpuMs, inputZeroFraction: izf, outputZeroFraction: zeroFraction(engine, r.y, yq.zeroPoint), outputMin: lo, outputMax: hi };
        if (options.keepOutputs) lr.output = yd.slice();
        layers.push(lr);
        if (archs && r.activity) {
          const node = ni.node as ConvNode | DenseNode;
          const layer = { ...ni.conv!, name: ni.node.name };
          modelled.push({ name: ni.node.name, report: opReport(layer, archs, r.activity, { data: node.weights, zeroPoint: 0 }), countsFrom: r.countsFrom! });
          simLayers.push({ layer, data: { activity: r.activity, weights: node.weights, weightZeroPoint: 0 } });
        }
        if (i === info.output) output = { name: ni.node.name, data: yd.slice(), shape: ni.shape, quant: yq };
        // free inputs nobody reads any more
        for (const k of new Set(ni.inputs)) {
          const last = k < 0 ? -1 : info.nodes[k].lastUse;
          if (k >= 0 && last === i) {
            live.get(k)!.dispose();
            live.delete(k);
          }
        }
      });
    } finally {
      for (const t of owned) t.dispose();
    }
    const result: NetworkRun = { output: output!, layers, cpuMs: layers.reduce((s, l) => s + l.cpuMs, 0) };
    if (archs) {
      if (simLayers.length === 0) throw new ValueError(op, `graph ${JSON.stringify(graph.name)} has no conv2d or dense node to model.`, 'omit accelerator for graphs without conv / dense layers.');
      const networks = archs.map((a) => simulateNetwork(graph.name, simLayers.map((l) => l.layer), a, simLayers.map((l) => l.data)));
      const dense0 = networks[0].totals.cycles.total;
      result.accelerator = {
        archs,
        layers: modelled,
        networks,
        comparison: networks.map((nr) => ({
          arch: nr.arch.name, dataflow: nr.arch.dataflow, cycles: nr.totals.cycles.total,
          macsExecuted: nr.totals.macs.executed + nr.totals.macs.gated, macsSkipped: nr.totals.macs.skipped,
          utilization: nr.totals.utilization.overall, energy: nr.totals.energy.total, latencySeconds: nr.totals.latencySeconds,
          speedupVsDense: nr.totals.cycles.total > 0 ? dense0 / nr.totals.cycles.total : Infinity,
        })),
      };
    }
    return result;
  }
}

/**
 * Prepares a graph for repeated runs on one engine: validates it once ({@link inferGraph}) and
 * packs its conv / dense weights once, in the form(s) the kernel policy needs (see
 * {@link PreparedNetwork}). Runs then skip the validation and the per-call weight packing.
 * Errors (bad graph, bad options, not enough Wasm memory) are thrown before anything is kept.
 *
 * @param options `zeroSkip`: `'auto'` (default), `true` or `false`, as in {@link runNetwork}.
 * @example
 * ```ts
 * const net = prepareNetwork(mf, graph);
 * for (const frame of frames) show(net.run(frame).output.data);
 * net.dispose();
 * ```
 */
export function prepareNetwork(engine: Engine, graph: Graph, options: PrepareNetworkOptions = {}): PreparedNetwork {
  const op = 'prepareNetwork';
  if (typeof options !== 'object' || options === null) throw new ValueError(op, `options = ${fmt(options)} must be an object.`, 'pass { zeroSkip? } or omit it.');
  const mode = checkZeroSkip(op, options.zeroSkip ?? 'auto');
  return new PreparedNetwork(engine, inferGraph(graph), mode, true);
}

/**
 * Runs an int8 graph on one input (batch as in graph.input.shape).
 *
 * Returns the output (host copy), per layer: output shape and quantisation, kernel path, CPU time,
 * zero fraction of its input (and output) and the output range; with `accelerator`, per conv /
 * dense layer and target the report from that layer's actual input (counts from the zero-skip
 * kernel's own pass unless `zeroSkip: false`), and per target the network totals
 * (simulateNetwork over the modelled layers; pooling, add, activations and softmax are not modelled).
 *
 * Every node's output is bit-identical to calling the ops one by one (and to runGraphRef).
 * The graph is validated first ({@link inferGraph}); nothing runs on a bad graph. Each call
 * validates the graph and packs every layer's weights again: to run a graph many times, use
 * {@link prepareNetwork} (same execution, same result).
 *
 * @param input int8 data of graph.input.shape (an Int8Array, `{ data, shape }` or a tensor of this engine).
 * @example
 * ```ts
 * const g = await calibrateGraph(mf, lenet5Graph({ seed: 1 }), samples);
 * const run = runNetwork(mf, g, x, { accelerator: ['zasca', 'eyeriss-rs'] });
 * run.output.data; run.layers.map((l) => l.inputZeroFraction); run.accelerator!.comparison;
 * ```
 */
export function runNetwork(engine: Engine, graph: Graph, input: TensorLike<'int8'> | Int8Array, options: RunNetworkOptions = {}): NetworkRun {
  const op = 'runNetwork';
  checkOptions(op, options);
  // One run: nothing is retained, so each op packs its weights in its own call, as transient
  // scratch (peak memory one layer's packing, not the whole network's).
  const net = new PreparedNetwork(engine, inferGraph(graph), options.zeroSkip ?? 'auto', false);
  try {
    return net.execute(op, input, options);
  } finally {
    net.dispose();
  }
}

/** Options of {@link calibrateGraph}. */
export interface CalibrateGraphOptions {
  /** `'minmax'` (default) or `'percentile'` (see quant.calibrate). */
  method?: 'minmax' | 'percentile';
  /** Percentile for `'percentile'`. Default 99.99. */
  percentile?: number;
}

function activate(v: number, act: GraphActivation | undefined): number {
  if (act === undefined || act === 'none') return v;
  if (act === 'relu') return v < 0 ? 0 : v;
  let r = v;
  if (act.min !== undefined && r < act.min) r = act.min;
  if (act.max !== undefined && r > act.max) r = act.max;
  return r;
}

/**
 * Calibrates a graph on real-valued sample inputs (each a Float32Array of graph.input.shape):
 * the input quantisation (when graph.input.quant is absent) from the samples, then node by node
 * in execution order, for each conv2d / dense / add node without `output`: the node runs on every
 * sample WITHOUT requantisation, its int32 accumulators (bias and zero points included) become
 * real values acc * xScale * wScale[channel] (add: the real sum), the fused activation is applied,
 * and quant.calibrate (int8, asymmetric, min/max or percentile) gives its output scale and zero
 * point; then the node runs quantised to feed the next ones. Returns a new graph (nodes copied,
 * weights shared); the input graph is not modified.
 */
export function calibrateGraph(engine: Engine, graph: Graph, samples: readonly Float32Array[], options: CalibrateGraphOptions = {}): Graph {
  const op = 'calibrateGraph';
  const info0 = inferGraph(graph, { allowUncalibrated: true });
  const shape = graph.input.shape;
  const size = shape.reduce((a, b) => a * b, 1);
  if (!Array.isArray(samples) || samples.length === 0) throw new ValueError(op, 'samples must be a non-empty array of Float32Array inputs.', 'pass a few representative inputs.');
  samples.forEach((s, i) => {
    if (!(s instanceof Float32Array) || s.length !== size) throw new ShapeError(op, `samples[${i}] must be a Float32Array of ${fmt(size)} values (input shape ${fmt(shape)}).`, 'pass real-valued inputs of the graph\'s input shape.');
  });
  const cal = { method: options.method ?? 'minmax', percentile: options.percentile, dtype: 'int8' as const };
  const toQ = (t: { scale: number; zeroPoint: number }): GraphQuant => ({ scale: t.scale, zeroPoint: t.zeroPoint });
  const inputQuant = graph.input.quant ?? toQ(calibrate([...samples], cal));
  const nodes = graph.nodes.map((n) => ({ ...n }) as GraphNode);
  const out: Graph = { ...graph, input: { shape: [...shape], quant: inputQuant }, nodes };
  const q: GraphQuant[] = [];
  const quantOf = (k: number) => (k < 0 ? inputQuant : q[k]);
  // per sample: the live tensors of each node
  const live: Map<number, Tensor<'int8' | 'uint8'>>[] = samples.map(() => new Map());
  try {
    samples.forEach((s, j) => live[j].set(-1, quantize(engine, { data: s, shape }, { dtype: 'int8', scale: inputQuant.scale, zeroPoint: inputQuant.zeroPoint })));
    info0.nodes.forEach((ni, i) => {
      const node = nodes[i];
      const qs = ni.inputs.map(quantOf);
      let yq: GraphQuant | undefined = ni.quant;
      if ((node.op === 'conv2d' || node.op === 'dense' || node.op === 'add') && node.output === undefined) {
        const reals = samples.map((_, j) => {
          const xs = ni.inputs.map((k) => live[j].get(k)!);
          if (node.op === 'add') {
            const a = xs[0].data;
            const b = xs[1].data;
            const r = new Float32Array(a.length);
            for (let t = 0; t < a.length; t++) r[t] = activate(qs[0].scale * (a[t] - qs[0].zeroPoint) + qs[1].scale * (b[t] - qs[1].zeroPoint), node.activation);
            return r;
          }
          const acc = execNode(engine, { ...ni, node }, xs, qs, undefined, false, false).y;
          try {
            const d = acc.data as Int32Array;
            const M = ni.conv!.M;
            const ws = node.wScale;
            const r = new Float32Array(d.length);
            for (let t = 0; t < d.length; t++) r[t] = activate(d[t] * qs[0].scale * (typeof ws === 'number' ? ws : ws[t % M]), node.activation);
            return r;
          } finally {
            acc.dispose();
          }
        });
        yq = toQ(calibrate(reals, cal));
        node.output = yq;
      } else if (node.op === 'conv2d' || node.op === 'dense' || node.op === 'add') yq = node.output;
      else if (node.op === 'softmax') yq = ni.quant;
      else yq = qs[0];
      if (!yq) throw new QuantError(nodeOp(graph, node, i), 'no output quantisation could be derived.', 'set output on the node.');
      q.push(yq);
      samples.forEach((_, j) => {
        const xs = ni.inputs.map((k) => live[j].get(k)!);
        live[j].set(i, execNode(engine, { ...ni, node }, xs, qs, yq, false, false).y as Tensor<'int8' | 'uint8'>);
        for (const k of new Set(ni.inputs)) {
          if (k >= 0 && info0.nodes[k].lastUse === i) {
            live[j].get(k)!.dispose();
            live[j].delete(k);
          } else if (k < 0 && !info0.nodes.slice(i + 1).some((m) => m.inputs.includes(-1))) {
            live[j].get(k)?.dispose();
            live[j].delete(k);
          }
        }
      });
    });
  } finally {
    for (const m of live) for (const t of m.values()) t.dispose();
  }
  inferGraph(out); // everything is set now
  return out;
}
