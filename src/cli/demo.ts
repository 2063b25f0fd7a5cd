/**
 * `macflow demo`, the main job on a built-in default: an int8 LeNet-5 (Caffe variant: conv 20@5x5,
 * max pool, conv 50@5x5, max pool, fc 500 + ReLU, fc 10, softmax) end to end on a 28 x 28 image,
 * then one big layer (VGG-16 conv3_1). Weights are seeded; each layer's output scale is
 * calibrated from its own int32 accumulators (min/max), as post-training quantisation does.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { conv2d, packConvWeights, type PackedConvWeights } from '../ops/conv2d.js';
import { conv2dInfo } from '../descriptors/conv.js';
import { dense } from '../ops/dense.js';
import { packWeights } from '../ops/packed.js';
import { maxPool2d } from '../ops/pool.js';
import { softmax } from '../ops/softmax.js';
import { quantParams } from '../quant/index.js';
import type { Engine } from '../runtime/engine.js';
import type { Isa } from '../runtime/detect.js';
import { init } from '../runtime/packaged.js';
import type { Tensor } from '../runtime/tensor.js';

export interface DemoLayer {
  name: string;
  op: string;
  kernel: string;
  outputShape: number[];
  macs: number;
  /** Median wall time of the timed runs, milliseconds. */
  ms: number;
  /** 2 * MACs / time, 1e9 ops per second (0 for layers without MACs). */
  gops: number;
}

export interface DemoResult {
  isa: Isa;
  reason: string;
  runtime: string;
  input: string;
  runs: number;
  layers: DemoLayer[];
  /** Class probabilities of the LeNet-5 output (softmax, uint8 with scale 1/256, as fractions). */
  probabilities: number[];
  totalMs: number;
}

const FASHION = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz';

/** A 28 x 28 uint8 image: the first Fashion-MNIST test image when the Debian package is there, else a drawn ring. */
function inputImage(): { pixels: Uint8Array; source: string } {
  if (existsSync(FASHION)) {
    const idx = gunzipSync(readFileSync(FASHION));
    return { pixels: idx.subarray(16, 16 + 784), source: `Fashion-MNIST test image 0 (${FASHION})` };
  }
  const pixels = new Uint8Array(784);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const r = Math.hypot(x - 13.5, y - 13.5);
      pixels[y * 28 + x] = Math.max(0, Math.round(255 - 90 * Math.abs(r - 8)));
    }
  }
  return { pixels, source: 'built-in ring pattern (install dataset-fashion-mnist for a real image)' };
}

function seededInt8(n: number, seed: number): Int8Array {
  let a = seed >>> 0;
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    // Sum of two uniforms: a rough bell shape, like trained weights.
    out[i] = ((((t ^ (t >>> 14)) >>> 0) % 127) - 63 + (((t >>> 8) & 127) - 64)) >> 1;
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function time(runs: number, fn: () => Tensor): number {
  for (let i = 0; i < 2; i++) fn().dispose();
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const y = fn();
    ts.push(performance.now() - t0);
    y.dispose();
  }
  return median(ts);
}

/** Output quantisation of a ReLU layer from its int32 accumulators: uint8, zero point 0. */
function calibrateRelu(acc: Int32Array, realPerUnit: number): { yScale: number; yZeroPoint: number } {
  let max = 0;
  for (const v of acc) if (v > max) max = v;
  const p = quantParams({ min: 0, max: Math.max(max * realPerUnit, 1e-6), dtype: 'uint8' });
  return { yScale: p.scale, yZeroPoint: p.zeroPoint };
}

export async function runDemo(options: { isa?: Isa; runs: number; seed: number; progress: (msg: string) => void }): Promise<DemoResult> {
  const t0 = performance.now();
  const mf: Engine = await init({ isa: options.isa });
  const caps = mf.capabilities();
  options.progress(`macflow demo: ${caps.isa} build (${caps.reason}), ${options.runs} timed runs per layer`);
  const { pixels, source } = inputImage();
  const layers: DemoLayer[] = [];
  const gemmKernel = `u8s8_gemm__${caps.isa}`;
  const wScale = 0.01;
  let xScale = 1 / 255;

  // LeNet-5, weights OHWI / [out, in].
  const shapes: Record<"conv1" | "conv2" | "fc1" | "fc2", number[]> = { conv1: [20, 5, 5, 1], conv2: [50, 5, 5, 20], fc1: [500, 800], fc2: [10, 500] };
  const w = Object.fromEntries(Object.entries(shapes).map(([k, s], i) => [k, seededInt8(s.reduce((a, b) => a * b, 1), options.seed * 100 + i)])) as Record<keyof typeof shapes, Int8Array>;

  let x: Tensor<'uint8'> = mf.tensor('uint8', [1, 28, 28, 1], pixels);
  const convLayer = (name: keyof typeof shapes, input: Tensor<'uint8'>): Tensor<'uint8'> => {
    options.progress(`  ${name}: calibrating and timing`);
    const wShape = shapes[name];
    const packed: PackedConvWeights = packConvWeights(mf, { data: w[name], shape: wShape });
    const acc = conv2d(mf, input, packed, {});
    const q = calibrateRelu(acc.data, xScale * wScale);
    acc.dispose();
    const params = { requantize: { xScale, wScale, yScale: q.yScale, yZeroPoint: q.yZeroPoint, activation: 'relu' as const } };
    const info = conv2dInfo(input.shape, wShape, {});
    const ms = time(options.runs, () => conv2d(mf, input, packed, params));
    const y = conv2d(mf, input, packed, params) as Tensor<'uint8'>;
    packed.dispose();
    layers.push({ name, op: `conv2d ${wShape[1]}x${wShape[2]}, ${info.C} -> ${info.M}`, kernel: `u8_im2col + ${gemmKernel} + q8_requantize`, outputShape: [...y.shape], macs: info.macs, ms, gops: (2 * info.macs) / (ms * 1e6) });
    xScale = q.yScale;
    return y;
  };
  const poolLayer = (name: string, input: Tensor<'uint8'>): Tensor<'uint8'> => {
    const opts = { kernel: [2, 2] as [number, number], strides: [2, 2] as [number, number] };
    const ms = time(options.runs, () => maxPool2d(mf, input, opts));
    const y = maxPool2d(mf, input, opts) as Tensor<'uint8'>;
    layers.push({ name, op: 'maxPool2d 2x2/2', kernel: 'q8_maxpool2d', outputShape: [...y.shape], macs: 0, ms, gops: 0 });
    return y;
  };
  const denseLayer = (name: 'fc1' | 'fc2', input: Tensor<'uint8'>, relu: boolean): { y: Tensor<'uint8'>; yScale: number; yZeroPoint: number } => {
    options.progress(`  ${name}: calibrating and timing`);
    const [N, K] = shapes[name];
    const packed = packWeights(mf, { data: w[name], shape: [N, K] }, { layout: 'nk' });
    const acc = dense(mf, input, packed, {}) as Tensor<'int32'>;
    let q: { yScale: number; yZeroPoint: number };
    if (relu) q = calibrateRelu(acc.data, xScale * wScale);
    else {
      let lo = 0;
      let hi = 0;
      for (const v of acc.data) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      const p = quantParams({ min: lo * xScale * wScale, max: Math.max(hi * xScale * wScale, 1e-6), dtype: 'uint8' });
      q = { yScale: p.scale, yZeroPoint: p.zeroPoint };
    }
    acc.dispose();
    const params = { requantize: { xScale, wScale, yScale: q.yScale, yZeroPoint: q.yZeroPoint, activation: relu ? ('relu' as const) : ('none' as const) } };
    const ms = time(options.runs, () => dense(mf, input, packed, params));
    const y = dense(mf, input, packed, params) as Tensor<'uint8'>;
    packed.dispose();
    layers.push({ name, op: `dense ${K} -> ${N}${relu ? ' + ReLU' : ''}`, kernel: `${gemmKernel} + q8_requantize`, outputShape: [...y.shape], macs: N * K, ms, gops: (2 * N * K) / (ms * 1e6) });
    xScale = q.yScale;
    return { y, ...q };
  };

  options.progress('LeNet-5 (int8), one image');
  const steps: Tensor<'uint8'>[] = [x];
  x = convLayer('conv1', x);
  steps.push(x);
  x = poolLayer('pool1', x);
  steps.push(x);
  x = convLayer('conv2', x);
  steps.push(x);
  x = poolLayer('pool2', x);
  steps.push(x);
  let out = denseLayer('fc1', x, true);
  steps.push(out.y);
  out = denseLayer('fc2', out.y, false);
  steps.push(out.y);
  const smOpts = { scale: out.yScale, zeroPoint: out.yZeroPoint };
  const smMs = time(options.runs, () => softmax(mf, out.y, smOpts));
  const probs = softmax(mf, out.y, smOpts);
  layers.push({ name: 'softmax', op: 'softmax over 10 classes', kernel: 'q8_softmax', outputShape: [...probs.shape], macs: 0, ms: smMs, gops: 0 });
  const probabilities = Array.from(probs.data, (v) => v / 256);
  probs.dispose();
  for (const t of steps) t.dispose();

  // One big layer: VGG-16 conv3_1, 56 x 56 x 128 -> 256, 3 x 3, pad 1.
  options.progress('VGG-16 conv3_1 (56x56x128 -> 256, 3x3, pad 1)');
  const vx = mf.tensor('uint8', [1, 56, 56, 128], Uint8Array.from(seededInt8(56 * 56 * 128, options.seed + 7), (v) => Math.max(0, v) * 2));
  const vwShape = [256, 3, 3, 128];
  const vw = packConvWeights(mf, { data: seededInt8(256 * 9 * 128, options.seed + 8), shape: vwShape });
  const vparams = { pads: [1, 1, 1, 1] as [number, number, number, number], xZeroPoint: 0, requantize: { xScale: 0.02, wScale: 0.01, yScale: 0.5, activation: 'relu' as const } };
  const vinfo = conv2dInfo(vx.shape, vwShape, vparams);
  const vruns = Math.max(1, Math.min(options.runs, 5));
  const vms = time(vruns, () => conv2d(mf, vx, vw, vparams));
  layers.push({ name: 'vgg16.conv3_1', op: 'conv2d 3x3 pad 1, 128 -> 256', kernel: `u8_im2col + ${gemmKernel} + q8_requantize`, outputShape: [1, vinfo.E, vinfo.F, vinfo.M], macs: vinfo.macs, ms: vms, gops: (2 * vinfo.macs) / (vms * 1e6) });
  vx.dispose();
  vw.dispose();

  return { isa: caps.isa, reason: caps.reason, runtime: caps.runtime, input: source, runs: options.runs, layers, probabilities, totalMs: performance.now() - t0 };
}

export function formatDemo(r: DemoResult): string {
  const pad = (s: string, n: number) => s.padEnd(n);
  const lines = [
    `macflow demo — ${r.isa} build on ${r.runtime}`,
    `input: ${r.input}`,
    '',
    `${pad('layer', 15)}${pad('op', 32)}${pad('output', 16)}${'MACs'.padStart(14)}${'ms'.padStart(10)}${'GOPS'.padStart(8)}  kernel`,
    ...r.layers.map((l) => `${pad(l.name, 15)}${pad(l.op, 32)}${pad(`[${l.outputShape.join(',')}]`, 16)}${l.macs.toLocaleString('en-US').padStart(14)}${l.ms.toFixed(3).padStart(10)}${(l.gops ? l.gops.toFixed(1) : '-').padStart(8)}  ${l.kernel}`),
    '',
    `LeNet-5 class probabilities (seeded weights, not a trained model): ${r.probabilities.map((p) => p.toFixed(3)).join(' ')}`,
    `ms = median of ${r.runs} runs (VGG layer: ${Math.min(r.runs, 5)}); GOPS = 2 x MACs / time; total wall time ${(r.totalMs / 1000).toFixed(1)} s`,
  ];
  return `${lines.join('\n')}\n`;
}
