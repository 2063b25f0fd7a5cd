// Peer engines, single thread, wasm from node_modules (no network):
//   ort-int8   onnxruntime-web: MatMulInteger (u8 x s8 -> int32) / QLinearConv (u8 x s8 -> u8),
//              the fast u8 activation x s8 weight paths (s8 x s8 and ConvInteger are slow fallbacks)
//   ort-fp32   onnxruntime-web: MatMul / Conv
//   tfjs-fp32  @tensorflow/tfjs-backend-wasm (XNNPACK): matMul / conv2d
// Every factory resolves to { name, run(), dispose() } with inputs created up front and weights
// as constants (ONNX initializers). ORT's run() also copies the input in and the output out of
// its heap (how session.run() works); tfjs keeps both in its heap and does not read the output.
// Adapted from a verified scratch module (checked bit-exact / to 1e-6 K against plain-JS references).
import * as ort from 'onnxruntime-web';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths, setThreadsCount, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { fileURLToPath } from 'node:url';
import { buildModel, DT } from './onnx.mjs';
import { convOut, padsOf, qparams, randF32, randS8, randU8 } from '../workloads.mjs';

// ---------------------------------------------------------------- ORT-web
let ortReady = null;
/** Configures ORT-web once (1 thread, SIMD, files from node_modules); resolves to the init ms. */
export function initOrt() {
  if (!ortReady) {
    // ORT import()s ort-wasm-simd-threaded.mjs from this folder, which loads the .wasm beside it.
    ort.env.wasm.wasmPaths = new URL('./', import.meta.resolve('onnxruntime-web')).href;
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    ort.env.logLevel = 'error';
    const t0 = performance.now();
    // The runtime is initialised by the first session: pay that once with a trivial one.
    ortReady = ort.InferenceSession.create(identityModel(), sessionOptions())
      .then(async (s) => { await s.release(); return performance.now() - t0; });
  }
  return ortReady;
}

function identityModel() {
  return buildModel({
    nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
    inputs: [{ name: 'x', type: DT.FLOAT, dims: [1] }],
    outputs: [{ name: 'y', type: DT.FLOAT, dims: [1] }],
  });
}

function sessionOptions() {
  return {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  };
}

/** Microseconds of one ORT-web session.run() on a 1-element Identity model (its fixed cost). */
export async function ortRunOverheadUs(calls = 5000) {
  await initOrt();
  const s = await ort.InferenceSession.create(identityModel(), sessionOptions());
  const feeds = { x: new ort.Tensor('float32', new Float32Array(1), [1]) };
  for (let i = 0; i < 2000; i++) await s.run(feeds); // also tiers ORT's wasm up before the first cell
  const t = performance.now();
  for (let i = 0; i < calls; i++) await s.run(feeds);
  const us = ((performance.now() - t) / calls) * 1000;
  await s.release();
  return us;
}

async function ortPeer(name, modelBytes, feeds) {
  await initOrt();
  const session = await ort.InferenceSession.create(modelBytes, sessionOptions());
  return {
    name,
    async run() { await session.run(feeds); },
    async dispose() { await session.release(); },
  };
}

function convAttrs(s) {
  // ONNX pads = [top, left, bottom, right], as padsOf.
  return { kernel_shape: [s.kh, s.kw], pads: padsOf(s), strides: [s.stride, s.stride], dilations: [1, 1], group: s.groups ?? 1 };
}

/** MatMulInteger: A u8 [m,k] input (zp 128) x B s8 [k,n] initializer (zp 0) -> int32. */
async function ortInt8Gemm({ m, n, k }, seed = 1) {
  const model = buildModel({
    nodes: [{ op: 'MatMulInteger', inputs: ['a', 'b', 'a_zp', 'b_zp'], outputs: ['y'] }],
    initializers: [
      { name: 'b', type: DT.INT8, dims: [k, n], data: randS8(k * n, seed + 1) },
      { name: 'a_zp', type: DT.UINT8, dims: [], data: [128] },
      { name: 'b_zp', type: DT.INT8, dims: [], data: [0] },
    ],
    inputs: [{ name: 'a', type: DT.UINT8, dims: [m, k] }],
    outputs: [{ name: 'y', type: DT.INT32, dims: [m, n] }],
  });
  return ortPeer('ort-web int8 MatMulInteger', model, { a: new ort.Tensor('uint8', randU8(m * k, seed), [m, k]) });
}

/** fp32 MatMul, B as initializer. */
async function ortFp32Gemm({ m, n, k }, seed = 1) {
  const model = buildModel({
    nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['y'] }],
    initializers: [{ name: 'b', type: DT.FLOAT, dims: [k, n], data: randF32(k * n, seed + 1) }],
    inputs: [{ name: 'a', type: DT.FLOAT, dims: [m, k] }],
    outputs: [{ name: 'y', type: DT.FLOAT, dims: [m, n] }],
  });
  return ortPeer('ort-web fp32 MatMul', model, { a: new ort.Tensor('float32', randF32(m * k, seed), [m, k]) });
}

/**
 * QLinearConv: x u8 NCHW (zp 128, or `xZeroPoint`), w s8 OIHW (zp 0, per-tensor scale), y u8 (zp
 * 128). `x`: the input as NHWC uint8 (H*W*C values, transposed to NCHW here), default seeded random.
 */
async function ortInt8Conv(s, seed = 1, { x, xZeroPoint } = {}) {
  const { oh, ow } = convOut(s);
  const g = s.groups ?? 1;
  const K = (s.cin / g) * s.kh * s.kw;
  const q = qparams(K);
  const model = buildModel({
    nodes: [{ op: 'QLinearConv', inputs: ['x', 'x_s', 'x_zp', 'w', 'w_s', 'w_zp', 'y_s', 'y_zp'], outputs: ['y'], attrs: convAttrs(s) }],
    initializers: [
      { name: 'x_s', type: DT.FLOAT, dims: [], data: [q.xs] },
      { name: 'x_zp', type: DT.UINT8, dims: [], data: [xZeroPoint ?? q.xzp] },
      { name: 'w', type: DT.INT8, dims: [s.cout, s.cin / g, s.kh, s.kw], data: randS8(s.cout * K, seed + 1) },
      { name: 'w_s', type: DT.FLOAT, dims: [], data: [q.ws] },
      { name: 'w_zp', type: DT.INT8, dims: [], data: [0] },
      { name: 'y_s', type: DT.FLOAT, dims: [], data: [q.ys] },
      { name: 'y_zp', type: DT.UINT8, dims: [], data: [q.yzp] },
    ],
    inputs: [{ name: 'x', type: DT.UINT8, dims: [1, s.cin, s.h, s.w] }],
    outputs: [{ name: 'y', type: DT.UINT8, dims: [1, s.cout, oh, ow] }],
  });
  const n = s.cin * s.h * s.w;
  const nchw = x ? new Uint8Array(n) : randU8(n, seed);
  if (x) {
    const hw = s.h * s.w;
    for (let p = 0; p < hw; p++) for (let c = 0; c < s.cin; c++) nchw[c * hw + p] = x[p * s.cin + c];
  }
  return ortPeer('ort-web int8 QLinearConv', model, { x: new ort.Tensor('uint8', nchw, [1, s.cin, s.h, s.w]) });
}

/**
 * ORT-web's dense int8 conv (QLinearConv) of a conv workload on given NHWC uint8 activations with
 * zero point 0 (the sparse suite's data): the dense peer its zero-skip cases are compared with.
 */
export function ortInt8ConvOn(s, xNhwc) {
  return ortInt8Conv(s, 1, { x: xNhwc, xZeroPoint: 0 });
}

/** fp32 Conv, NCHW, no bias. */
async function ortFp32Conv(s, seed = 1) {
  const { oh, ow } = convOut(s);
  const model = buildModel({
    nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: convAttrs(s) }],
    initializers: [{ name: 'w', type: DT.FLOAT, dims: [s.cout, s.cin / (s.groups ?? 1), s.kh, s.kw], data: randF32((s.cout * s.cin * s.kh * s.kw) / (s.groups ?? 1), seed + 1) }],
    inputs: [{ name: 'x', type: DT.FLOAT, dims: [1, s.cin, s.h, s.w] }],
    outputs: [{ name: 'y', type: DT.FLOAT, dims: [1, s.cout, oh, ow] }],
  });
  return ortPeer('ort-web fp32 Conv', model, { x: new ort.Tensor('float32', randF32(s.cin * s.h * s.w, seed), [1, s.cin, s.h, s.w]) });
}

// ---------------------------------------------------------------- tfjs-wasm
let tfReady = null;
/** tfjs-core + wasm backend (XNNPACK), 1 thread, .wasm from node_modules; resolves to the init ms. */
export function initTfjs() {
  if (!tfReady) {
    const t0 = performance.now();
    // A filesystem folder with a trailing slash: emscripten reads the .wasm with fs.
    setWasmPaths(fileURLToPath(new URL('./', import.meta.resolve('@tensorflow/tfjs-backend-wasm'))));
    setThreadsCount(1); // must precede setBackend
    tfReady = tf.setBackend('wasm').then((ok) => {
      if (!ok || tf.getBackend() !== 'wasm') throw new Error('tfjs wasm backend failed to initialise');
      if (getThreadsCount() !== 1) throw new Error(`tfjs wasm threads = ${getThreadsCount()}`);
      return performance.now() - t0;
    });
  }
  return tfReady;
}

function tfPeer(name, make, inputs) {
  return {
    name,
    run() { make().dispose(); }, // the wasm backend computes synchronously inside the op call
    dispose() { for (const t of inputs) t.dispose(); },
  };
}

async function tfjsGemm({ m, n, k }, seed = 1) {
  await initTfjs();
  const a = tf.tensor2d(randF32(m * k, seed), [m, k]);
  const b = tf.tensor2d(randF32(k * n, seed + 1), [k, n]);
  return tfPeer('tfjs-wasm fp32 matMul', () => tf.matMul(a, b), [a, b]);
}

/** NHWC input, HWIO filter. */
async function tfjsConv(s, seed = 1) {
  await initTfjs();
  const x = tf.tensor4d(randF32(s.h * s.w * s.cin, seed), [1, s.h, s.w, s.cin]);
  const f = tf.tensor4d(randF32(s.kh * s.kw * s.cin * s.cout, seed + 1), [s.kh, s.kw, s.cin, s.cout]);
  // 'same' where it equals the layer's padding (the verified path), else explicit pads
  const pad = s.pad === 0 ? 'valid'
    : s.stride === 1 && s.kh === s.kw && s.kh === 2 * s.pad + 1 ? 'same'
    : [[0, 0], [s.pad, s.pad], [s.pad, s.pad], [0, 0]];
  return tfPeer('tfjs-wasm fp32 conv2d', () => tf.conv2d(x, f, s.stride, pad), [x, f]);
}

// ---------------------------------------------------------------- registry
/** Peer id -> { label, init (runtime, once per process), create(workload) }. */
export const PEERS = {
  'ort-int8': { label: 'ORT-web int8', init: initOrt, create: (w) => (w.kind === 'gemm' ? ortInt8Gemm(w) : ortInt8Conv(w)) },
  'ort-fp32': { label: 'ORT-web fp32', init: initOrt, create: (w) => (w.kind === 'gemm' ? ortFp32Gemm(w) : ortFp32Conv(w)) },
  'tfjs-fp32': { label: 'tfjs-wasm fp32', init: initTfjs, create: (w) => (w.kind === 'gemm' ? tfjsGemm(w) : tfjsConv(w)) },
};
