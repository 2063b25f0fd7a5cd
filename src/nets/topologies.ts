/**
 * Built-in network topologies as DATA (plain JSON-serialisable objects): LeNet-5 (Caffe variant),
 * LeNet-300-100, AlexNet (grouped, as published), VGG-16, ResNet-18, ResNet-50 (v1), MobileNet v1
 * and Tiny YOLO (v2, VOC). Each layer records its real padding, strides and groups; residual
 * structure is recorded as `add` layers naming their two inputs and `input` references for
 * shortcut branches. Where notes/domain.md section 3 gives one (Han et al., NIPS 2015), a layer
 * records `outputDensity`: the fraction of NON-zero values of its (ReLU) output.
 *
 * Use {@link topologyLayers} for the conv/fc layers as `simulate` workloads, {@link topologyData}
 * for their assumed input densities, {@link topologyCsv} for a SCALE-Sim CSV, and
 * `networkSummary` for the memory / parameter / MAC table.
 * @module
 */
import { conv2dInfo } from '../descriptors/conv.js';
import { ValueError, fmt } from '../errors.js';
import { toTopologyCsv } from '../accel/scalesim.js';
import { convLayer, fcLayer } from '../accel/simulate.js';
import type { AccelLayer, SimulationData } from '../accel/types.js';

/** Padding of a conv or pool: one number for all sides, `[top, left, bottom, right]`, or an ONNX auto_pad mode. */
export type TopologyPads = number | readonly [number, number, number, number] | 'same_upper' | 'same_lower' | 'valid';

/** Fields every layer has. */
interface LayerBase {
  /** Unique name. */
  readonly name: string;
  /** Name of the layer whose output this one reads; default: the previous layer (the network input for the first). */
  readonly input?: string;
}

/** A convolution (ReLU or other activation fused, not modelled). */
export interface TopologyConv extends LayerBase {
  readonly kind: 'conv';
  /** Output channels M. */
  readonly filters: number;
  /** Kernel [R, S]. */
  readonly kernel: readonly [number, number];
  /** Strides [sh, sw]; default [1, 1]. */
  readonly strides?: readonly [number, number];
  /** Default 0. */
  readonly pads?: TopologyPads;
  /** Default 1. A depthwise layer has groups = input channels. */
  readonly groups?: number;
  /** Fraction of non-zero values of this layer's output (after its activation), when known. */
  readonly outputDensity?: number;
}

/** A fully connected layer over the flattened input. */
export interface TopologyFc extends LayerBase {
  readonly kind: 'fc';
  readonly units: number;
  readonly outputDensity?: number;
}

/** Max or average pooling (a global average pool has kernel = the input size). */
export interface TopologyPool extends LayerBase {
  readonly kind: 'maxpool' | 'avgpool';
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly pads?: TopologyPads;
}

/** Residual addition of two layers' outputs (same shape), then ReLU. */
export interface TopologyAdd extends LayerBase {
  readonly kind: 'add';
  /** The two layers added. */
  readonly inputs: readonly [string, string];
}

/** One layer of a {@link Topology}. */
export type TopologyLayer = TopologyConv | TopologyFc | TopologyPool | TopologyAdd;

/** A network topology (data). */
export interface Topology {
  /** Key and display name. */
  readonly name: string;
  /** Which variant, and where it comes from. */
  readonly source: string;
  /** Input [H, W, C]. */
  readonly input: readonly [number, number, number];
  readonly layers: readonly TopologyLayer[];
}

const conv = (name: string, filters: number, k: number, o: { s?: number; p?: TopologyPads; g?: number; d?: number; input?: string } = {}): TopologyConv => ({
  name, kind: 'conv', filters, kernel: [k, k], strides: [o.s ?? 1, o.s ?? 1], pads: o.p ?? 0, groups: o.g ?? 1,
  ...(o.d !== undefined ? { outputDensity: o.d } : {}), ...(o.input !== undefined ? { input: o.input } : {}),
});
const fc = (name: string, units: number, d?: number): TopologyFc => ({ name, kind: 'fc', units, ...(d !== undefined ? { outputDensity: d } : {}) });
const maxpool = (name: string, k: number, s: number, p: TopologyPads = 0): TopologyPool => ({ name, kind: 'maxpool', kernel: [k, k], strides: [s, s], pads: p });
const avgpool = (name: string, k: number): TopologyPool => ({ name, kind: 'avgpool', kernel: [k, k], strides: [1, 1], pads: 0 });
const add = (name: string, a: string, b: string): TopologyAdd => ({ name, kind: 'add', inputs: [a, b] });

const deepFreeze = <T>(o: T): T => {
  if (o !== null && typeof o === 'object') {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
};

/** VGG-16 (Simonyan & Zisserman 2015, configuration D), densities from Han et al. NIPS 2015. */
function vgg16(): Topology {
  const d = [0.53, 0.89, 0.8, 0.81, 0.68, 0.7, 0.64, 0.51, 0.45, 0.34, 0.32, 0.29, 0.19];
  const stages: [number, number][] = [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]];
  const layers: TopologyLayer[] = [];
  let i = 0;
  stages.forEach(([m, n], s) => {
    for (let j = 1; j <= n; j++) layers.push(conv(`conv${s + 1}_${j}`, m, 3, { p: 1, d: d[i++] }));
    layers.push(maxpool(`pool${s + 1}`, 2, 2));
  });
  layers.push(fc('fc6', 4096, 0.38), fc('fc7', 4096, 0.42), fc('fc8', 1000));
  return { name: 'vgg16', source: 'VGG-16 (Simonyan & Zisserman, ICLR 2015, configuration D), 224x224x3 input, 3x3 convs pad 1, 2x2 max pools; output densities of Han et al., NIPS 2015.', input: [224, 224, 3], layers };
}

/** ResNet-18 (He et al. CVPR 2016; torchvision layout). */
function resnet18(): Topology {
  const layers: TopologyLayer[] = [conv('conv1', 64, 7, { s: 2, p: 3 }), maxpool('pool1', 3, 2, 1)];
  let prev = 'pool1';
  let cin = 64;
  [64, 128, 256, 512].forEach((m, si) => {
    for (let b = 0; b < 2; b++) {
      const n = `conv${si + 2}_${b + 1}`;
      const s = si > 0 && b === 0 ? 2 : 1;
      layers.push(conv(`${n}a`, m, 3, { s, p: 1, input: prev }), conv(`${n}b`, m, 3, { p: 1 }));
      let short = prev;
      if (s !== 1 || cin !== m) {
        layers.push(conv(`${n}_proj`, m, 1, { s, input: prev }));
        short = `${n}_proj`;
      }
      layers.push(add(`${n}_add`, `${n}b`, short));
      prev = `${n}_add`;
      cin = m;
    }
  });
  layers.push(avgpool('pool5', 7), fc('fc', 1000));
  return { name: 'resnet18', source: 'ResNet-18 (He et al., CVPR 2016; torchvision layout): 224x224x3, 7x7/2 pad 3, 3x3/2 pad 1 max pool, basic blocks of two 3x3 pad 1 convs, 1x1/2 projection shortcuts, global average pool, fc 1000.', input: [224, 224, 3], layers };
}

/** ResNet-50 v1 (He et al. CVPR 2016, the original Caffe model: stride 2 in the first 1x1 of a stage). */
function resnet50(): Topology {
  const layers: TopologyLayer[] = [conv('conv1', 64, 7, { s: 2, p: 3 }), maxpool('pool1', 3, 2, 1)];
  let prev = 'pool1';
  ([[64, 3], [128, 4], [256, 6], [512, 3]] as const).forEach(([m, blocks], si) => {
    for (let b = 0; b < blocks; b++) {
      const n = `res${si + 2}${String.fromCharCode(97 + b)}`;
      const s = si > 0 && b === 0 ? 2 : 1;
      layers.push(conv(`${n}_branch2a`, m, 1, { s, input: prev }), conv(`${n}_branch2b`, m, 3, { p: 1 }), conv(`${n}_branch2c`, 4 * m, 1));
      let short = prev;
      if (b === 0) {
        layers.push(conv(`${n}_branch1`, 4 * m, 1, { s, input: prev }));
        short = `${n}_branch1`;
      }
      layers.push(add(n, `${n}_branch2c`, short));
      prev = n;
    }
  });
  layers.push(avgpool('pool5', 7), fc('fc1000', 1000));
  return { name: 'resnet50', source: 'ResNet-50 v1 (He et al., CVPR 2016, original Caffe model): bottleneck blocks 1x1 / 3x3 pad 1 / 1x1, stride 2 in the first 1x1 of stages 3-5 and in the 1x1 projection shortcuts (first block of each stage), global average pool, fc 1000.', input: [224, 224, 3], layers };
}

/** MobileNet v1 1.0-224 (Howard et al. 2017), TensorFlow 'SAME' padding. */
function mobilenetV1(): Topology {
  const same = (s: number): TopologyPads => (s === 1 ? 1 : [0, 0, 1, 1]);
  const layers: TopologyLayer[] = [conv('conv1', 32, 3, { s: 2, p: same(2) })];
  const spec: [number, number][] = [[64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2], [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1]];
  let cin = 32;
  spec.forEach(([m, s], i) => {
    layers.push(conv(`conv_dw_${i + 1}`, cin, 3, { s, p: same(s), g: cin }), conv(`conv_pw_${i + 1}`, m, 1));
    cin = m;
  });
  layers.push(avgpool('pool', 7), fc('fc', 1000));
  return { name: 'mobilenetv1', source: 'MobileNet v1 1.0-224 (Howard et al., arXiv:1704.04861): 3x3 depthwise + 1x1 pointwise pairs, TensorFlow SAME padding (stride 2: one pixel bottom/right), global average pool, fc 1000.', input: [224, 224, 3], layers };
}

/** Tiny YOLO v2 for VOC (darknet yolov2-tiny-voc.cfg), 416x416. */
function tinyYolo(): Topology {
  const layers: TopologyLayer[] = [];
  [16, 32, 64, 128, 256, 512].forEach((m, i) => {
    layers.push(conv(`conv${i + 1}`, m, 3, { p: 1 }));
    layers.push(i < 5 ? maxpool(`pool${i + 1}`, 2, 2) : maxpool(`pool${i + 1}`, 2, 1, [0, 0, 1, 1]));
  });
  layers.push(conv('conv7', 1024, 3, { p: 1 }), conv('conv8', 1024, 3, { p: 1 }), conv('conv9', 125, 1));
  return { name: 'tinyyolo', source: 'Tiny YOLO v2, VOC (darknet yolov2-tiny-voc.cfg): 416x416x3, 3x3 pad 1 convs with leaky ReLU (no exact zeros, so no densities), 2x2 max pools (the last stride 1, padded bottom/right), 1x1 conv to 125 = 5 x (20 + 5) outputs per cell.', input: [416, 416, 3], layers };
}

/**
 * The built-in topologies, by key. Sources and variants are in each `source`.
 * - `lenet5`: the Caffe LeNet variant of Han et al.'s pruning table (conv1 20@5x5, conv2 50@5x5, fc 500, fc 10; 28x28 input, 431K weights).
 * - `lenet300100`: 784-300-100-10 (267K parameters with biases).
 * - `alexnet`: grouped as published (Krizhevsky et al. 2012; Caffe bvlc_alexnet, 227x227 input, 61M weights).
 */
export const TOPOLOGIES: Readonly<Record<'lenet5' | 'lenet300100' | 'alexnet' | 'vgg16' | 'resnet18' | 'resnet50' | 'mobilenetv1' | 'tinyyolo', Topology>> = deepFreeze({
  lenet5: {
    name: 'lenet5',
    source: 'LeNet-5, Caffe variant (caffe/examples/mnist/lenet.prototxt) as in the seed\'s pruning table (Han et al., NIPS 2015: 431K weights): 28x28x1, conv1 20@5x5, 2x2 max pool, conv2 50@5x5, 2x2 max pool, fc 500 (ReLU), fc 10. Output densities of Han et al.',
    input: [28, 28, 1],
    layers: [conv('conv1', 20, 5, { d: 0.82 }), maxpool('pool1', 2, 2), conv('conv2', 50, 5, { d: 0.72 }), maxpool('pool2', 2, 2), fc('fc1', 500, 0.55), fc('fc2', 10)],
  },
  lenet300100: {
    name: 'lenet300100',
    source: 'LeNet-300-100 (LeCun et al. 1998; Han et al., NIPS 2015): 784 (28x28 MNIST) -> fc 300 -> fc 100 -> fc 10, ReLU. Output densities of Han et al.',
    input: [28, 28, 1],
    layers: [fc('fc1', 300, 0.38), fc('fc2', 100, 0.65), fc('fc3', 10)],
  },
  alexnet: {
    name: 'alexnet',
    source: 'AlexNet as published (Krizhevsky et al., NIPS 2012; Caffe bvlc_alexnet): 227x227x3, conv1 96@11x11/4, conv2 256@5x5 pad 2 in 2 groups, conv3 384@3x3 pad 1, conv4 384@3x3 pad 1 in 2 groups, conv5 256@3x3 pad 1 in 2 groups, 3x3/2 max pools after conv1, conv2, conv5 (LRN not modelled), fc 4096, 4096, 1000. Output densities of Han et al., NIPS 2015.',
    input: [227, 227, 3],
    layers: [
      conv('conv1', 96, 11, { s: 4, d: 0.88 }), maxpool('pool1', 3, 2),
      conv('conv2', 256, 5, { p: 2, g: 2, d: 0.52 }), maxpool('pool2', 3, 2),
      conv('conv3', 384, 3, { p: 1, d: 0.37 }), conv('conv4', 384, 3, { p: 1, g: 2, d: 0.4 }), conv('conv5', 256, 3, { p: 1, g: 2, d: 0.34 }), maxpool('pool5', 3, 2),
      fc('fc6', 4096, 0.36), fc('fc7', 4096, 0.4), fc('fc8', 1000),
    ],
  },
  vgg16: vgg16(),
  resnet18: resnet18(),
  resnet50: resnet50(),
  mobilenetv1: mobilenetV1(),
  tinyyolo: tinyYolo(),
});

/** A layer of a topology with its resolved input and output shapes [H, W, C]. */
export interface ResolvedTopologyLayer {
  layer: TopologyLayer;
  /** Shapes of its inputs (two for `add`). */
  inputs: [number, number, number][];
  output: [number, number, number];
}

const OP = 'topology';

/**
 * Resolves the shapes of every layer (walks the graph in order). Throws a ValueError naming the
 * layer when an input is unknown, shapes of an `add` differ or a window does not fit.
 */
export function resolveTopology(topo: Topology): ResolvedTopologyLayer[] {
  if (topo === null || typeof topo !== 'object' || !Array.isArray(topo.layers) || !Array.isArray(topo.input)) {
    throw new ValueError(OP, `topology = ${fmt(topo)} is not a topology.`, 'pass one of TOPOLOGIES or an object { name, source, input: [H, W, C], layers }.');
  }
  const shapes = new Map<string, [number, number, number]>();
  let prev: [number, number, number] = [topo.input[0], topo.input[1], topo.input[2]];
  const out: ResolvedTopologyLayer[] = [];
  const shapeOf = (name: string, at: string): [number, number, number] => {
    const s = shapes.get(name);
    if (!s) throw new ValueError(OP, `layer ${JSON.stringify(at)} of ${topo.name} reads ${JSON.stringify(name)}, which is not an earlier layer.`, 'name an earlier layer.');
    return s;
  };
  for (const l of topo.layers) {
    if (shapes.has(l.name)) throw new ValueError(OP, `layer name ${JSON.stringify(l.name)} appears twice in ${topo.name}.`, 'give every layer a unique name.');
    let inputs: [number, number, number][];
    let output: [number, number, number];
    if (l.kind === 'add') {
      inputs = [shapeOf(l.inputs[0], l.name), shapeOf(l.inputs[1], l.name)];
      if (inputs[0].join() !== inputs[1].join()) throw new ValueError(OP, `add ${JSON.stringify(l.name)} of ${topo.name} adds shapes [${inputs[0]}] and [${inputs[1]}].`, 'add layers of the same shape.');
      output = [...inputs[0]];
    } else {
      const x = l.input !== undefined ? shapeOf(l.input, l.name) : prev;
      inputs = [x];
      const [H, W, C] = x;
      if (l.kind === 'fc') output = [1, 1, l.units];
      else if (l.kind === 'conv') {
        const g = l.groups ?? 1;
        const info = conv2dInfo([1, H, W, C], [l.filters, l.kernel[0], l.kernel[1], C / g], { strides: l.strides ?? [1, 1], pads: l.pads ?? 0, groups: g }, `${OP} ${topo.name}/${l.name}`);
        output = [info.E, info.F, l.filters];
      } else {
        const info = conv2dInfo([1, H, W, C], [C, l.kernel[0], l.kernel[1], 1], { strides: l.strides, pads: l.pads ?? 0, groups: C }, `${OP} ${topo.name}/${l.name}`);
        output = [info.E, info.F, C];
      }
    }
    shapes.set(l.name, output);
    out.push({ layer: l, inputs, output });
    prev = output;
  }
  return out;
}

/**
 * The conv and fc layers of a topology as `simulate` workloads (pools and adds are not modelled by
 * the accelerator models), in execution order. A fc layer is a 1x1 conv on the flattened input.
 */
export function topologyLayers(topo: Topology, batch = 1): AccelLayer[] {
  if (!Number.isInteger(batch) || batch < 1) throw new ValueError(OP, `batch = ${fmt(batch)} must be an integer >= 1.`, 'pass the number of images.');
  const layers: AccelLayer[] = [];
  for (const { layer: l, inputs } of resolveTopology(topo)) {
    const [H, W, C] = inputs[0];
    if (l.kind === 'conv') {
      const g = l.groups ?? 1;
      layers.push(convLayer(l.name, [batch, H, W, C], [l.filters, l.kernel[0], l.kernel[1], C / g], { strides: l.strides ?? [1, 1], pads: l.pads ?? 0, groups: g }));
    } else if (l.kind === 'fc') layers.push(fcLayer(l.name, H * W * C, l.units, batch));
  }
  return layers;
}

/**
 * Assumed input densities of the layers of {@link topologyLayers} (same order), for `simulate` /
 * `simulateNetwork`: a layer's input density is the recorded `outputDensity` of the conv or fc layer
 * that produced its input, through pools (max pooling raises density in reality: not modelled);
 * `undefined` (dense) where nothing is recorded (the image, adds, unknown layers). Reports then say
 * `densities.source: 'assumed'`.
 */
export function topologyData(topo: Topology): (SimulationData | undefined)[] {
  const resolved = resolveTopology(topo);
  const density = new Map<string, number | undefined>();
  const data: (SimulationData | undefined)[] = [];
  let prev: string | undefined;
  for (const { layer: l } of resolved) {
    const src = l.kind === 'add' ? undefined : (l.input ?? prev);
    const inDensity = src === undefined ? undefined : density.get(src);
    if (l.kind === 'conv' || l.kind === 'fc') {
      data.push(inDensity === undefined ? undefined : { inputDensity: inDensity });
      density.set(l.name, l.outputDensity);
    } else density.set(l.name, l.kind === 'add' ? undefined : inDensity);
    prev = l.name;
  }
  return data;
}

/** A topology as a SCALE-Sim conv topology CSV (via `toTopologyCsv`: padding folded into the input size, groups split per group, depthwise as `DP`). */
export function topologyCsv(topo: Topology): string {
  return toTopologyCsv(topologyLayers(topo));
}
