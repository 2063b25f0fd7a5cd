// The sparse and binary suites of bench/run.js: groups of cases timed side by side in one benny
// suite each. A group = one workload at one density (sparse) or one workload (binary); its first
// case is the dense int8 baseline the others' speedups are taken against.
//
//   sparse, activations: dense conv2d (packed weights) vs conv2dZeroSkip (count: false) on
//     clustered ReLU-like zeros at activation densities 1.0 .. 0.1, with ORT-web's dense int8
//     QLinearConv on the same data in the same group (VGG-16 conv3_1, ResNet-50 3x3, AlexNet
//     conv2; the data of conv-zeroskip.mjs; or every distinct conv shape of whole networks, see
//     bench/networks.mjs).
//   sparse, weights: dense / conv2d (packed) vs denseCsr / conv2dCsr (packed CSR) at weight
//     densities 1.0 .. 0.05 (FC 4096x4096, VGG-16 conv3_1; the data of csr.mjs).
//   binary: int8 matmul / conv2d vs binaryGemm / binaryConv2d (XNOR-popcount) and ternary, int32
//     out (GEMM 1024^3, VGG-16 conv3_1, ResNet-50 3x3; the data of binary.mjs).
import {
  binaryConv2d, binaryGemm, conv2d, conv2dCsr, conv2dZeroSkip, dense, denseCsr, denseToCsr, matmul,
  packBits, packConvWeights, packCsrWeights, packTernary, packWeights,
} from '../dist/index.js';
import { engineFor } from './macflow.mjs';
import { clusteredActivations, lcg, randI8, randPm1, randTernary, sparseWeights } from './sparse-data.mjs';
import { qparams } from './workloads.mjs';

/** Activation densities (zero-skip) and weight densities (CSR); --quick keeps three and two. */
export const ACT_DENSITIES = [1.0, 0.7, 0.5, 0.3, 0.1];
export const WEIGHT_DENSITIES = [1.0, 0.3, 0.1, 0.05];
export const QUICK_ACT_DENSITIES = [1.0, 0.5, 0.1];
export const QUICK_WEIGHT_DENSITIES = [1.0, 0.1];

/** Default workloads of each part (ids of bench/workloads.mjs); --quick uses the small ones. */
export const SPARSE_DEFAULTS = {
  zeroSkip: ['vgg16-conv3_1', 'resnet50-3x3', 'alexnet-conv2'],
  csr: ['fc-4096', 'vgg16-conv3_1'],
  binary: ['gemm-1024', 'vgg16-conv3_1', 'resnet50-3x3'],
};
export const SPARSE_QUICK_DEFAULTS = { zeroSkip: ['resnet50-3x3'], csr: ['resnet50-3x3'], binary: ['gemm-256'] };

const peaksOf = (isa) => (isa === 'relaxed' ? ['relaxed', 'i16'] : isa === 'scalar' ? ['scalar', 'i16'] : ['i16']);
const rq = (k) => { const q = qparams(k); return { xScale: q.xs, wScale: q.ws, yScale: q.ys, outputDtype: 'uint8', activation: 'relu' }; };
const kOf = (w) => (w.kind === 'gemm' ? w.k : (w.cin / (w.groups ?? 1)) * w.kh * w.kw);

// Activations take ~1 s to generate for VGG conv1_2: one copy per (workload, density) per process.
const actCache = new Map();
/**
 * The activations of a workload at an activation density (uint8, zero point 0, NHWC; cached): the
 * data every case of the group runs on, and the accelerator model's input (bench/run.js).
 */
export function activationsOf(w, density) {
  const key = `${w.id}@${density}`;
  if (!actCache.has(key)) {
    actCache.set(key, w.kind === 'gemm'
      ? clusteredActivations(w.m, 1, w.k, density, lcg(12345)) // rows as pixels, k as channels
      : clusteredActivations(w.h, w.w, w.cin, density, lcg(12345)));
  }
  return actCache.get(key);
}
const xShape = (w) => (w.kind === 'gemm' ? [w.m, w.k] : [1, w.h, w.w, w.cin]);
const wShape = (w) => (w.kind === 'gemm' ? [w.n, w.k] : [w.cout, w.kh, w.kw, w.cin / (w.groups ?? 1)]);
const groupsOf = (w) => w.groups ?? 1;
const wCount = (w) => wShape(w).reduce((a, b) => a * b, 1);

/** A case: create(w) stages data and returns { run(), dispose() }; run() is the timed call. */
function zeroSkipCases(isa, density) {
  return [
    { id: `dense-${isa}`, label: `conv2d dense ${isa}`, isa, peaks: peaksOf(isa), baseline: true,
      async create(w) {
        const { engine } = await engineFor(isa);
        const x = engine.tensor('uint8', xShape(w), activationsOf(w, density));
        const pw = packConvWeights(engine, { data: randI8(wCount(w), lcg(2)), shape: wShape(w) }, { groups: groupsOf(w) });
        const params = { pads: w.pad, strides: w.stride, groups: groupsOf(w), requantize: rq(kOf(w)) };
        return { run() { conv2d(engine, x, pw, params).dispose(); }, dispose() { x.dispose(); pw.dispose(); } };
      } },
    { id: `zeroskip-${isa}`, label: `conv2dZeroSkip ${isa}`, isa, peaks: [],
      async create(w) {
        const { engine } = await engineFor(isa);
        const x = engine.tensor('uint8', xShape(w), activationsOf(w, density));
        const wt = { data: randI8(wCount(w), lcg(2)), shape: wShape(w) };
        const params = { pads: w.pad, strides: w.stride, groups: groupsOf(w), requantize: rq(kOf(w)), count: false };
        return { run() { conv2dZeroSkip(engine, x, wt, params).y.dispose(); }, dispose() { x.dispose(); } };
      } },
  ];
}

/** ORT-web's dense int8 QLinearConv on the group's activations (once per group, not per build). */
function ortZeroSkipCase(density) {
  return { id: 'ort-int8', label: 'ORT-web int8 QLinearConv', kind: 'peer', peaks: [],
    async create(w) {
      const { ortInt8ConvOn } = await import('./peers/peers.mjs');
      return ortInt8ConvOn(w, activationsOf(w, density));
    } };
}

function csrCases(isa, density) {
  // Activations 50 % zeros (ReLU-like) as in csr.mjs; xZeroPoint 0.
  const xOf = (engine, w) => engine.tensor('uint8', xShape(w), activationsOf(w, 0.5));
  const weightsOf = (w) => sparseWeights(wCount(w), density, lcg(3));
  const prm = (w) => (w.kind === 'gemm' ? { requantize: rq(kOf(w)) } : { pads: w.pad, strides: w.stride, requantize: rq(kOf(w)) });
  return [
    { id: `dense-${isa}`, label: `dense int8 ${isa}`, isa, peaks: peaksOf(isa), baseline: true,
      async create(w) {
        const { engine } = await engineFor(isa);
        const x = xOf(engine, w);
        const data = sparseWeights(wCount(w), 1, lcg(3));
        const pw = w.kind === 'gemm' ? packWeights(engine, { data, shape: wShape(w) }, { layout: 'nk' }) : packConvWeights(engine, { data, shape: wShape(w) });
        const p = prm(w);
        const run = w.kind === 'gemm' ? () => dense(engine, x, pw, p).dispose() : () => conv2d(engine, x, pw, p).dispose();
        return { run, dispose() { x.dispose(); pw.dispose(); } };
      } },
    { id: `csr-${isa}`, label: `CSR ${isa}`, isa, peaks: [],
      async create(w) {
        const { engine } = await engineFor(isa);
        const x = xOf(engine, w);
        const pc = packCsrWeights(engine, denseToCsr(weightsOf(w), wShape(w)));
        const p = prm(w);
        const run = w.kind === 'gemm' ? () => denseCsr(engine, x, pc, p).y.dispose() : () => conv2dCsr(engine, x, pc, p).y.dispose();
        return { run, dispose() { x.dispose(); pc.dispose(); } };
      } },
  ];
}

function binaryCases(isa) {
  const rnd = () => lcg(777);
  return [
    { id: `int8-${isa}`, label: `int8 ${isa}`, isa, peaks: peaksOf(isa), baseline: true,
      async create(w) {
        const { engine } = await engineFor(isa);
        const x = engine.tensor('int8', xShape(w), randI8(xShape(w).reduce((a, b) => a * b, 1), rnd()));
        if (w.kind === 'gemm') {
          const b = packWeights(engine, { data: randI8(wCount(w), rnd()), shape: wShape(w) }, { layout: 'nk' });
          return { run() { matmul(engine, x, b).dispose(); }, dispose() { x.dispose(); b.dispose(); } };
        }
        const pw = packConvWeights(engine, { data: randI8(wCount(w), rnd()), shape: wShape(w) });
        return { run() { conv2d(engine, x, pw, { pads: w.pad, strides: w.stride }).dispose(); }, dispose() { x.dispose(); pw.dispose(); } };
      } },
    ...[['binary', packBits, randPm1], ['ternary', packTernary, randTernary]].map(([kind, pack, gen]) => ({
      id: `${kind}-${isa}`, label: `${kind} x ${kind} ${isa}`, isa, peaks: [],
      async create(w) {
        const { engine } = await engineFor(isa);
        const xs = xShape(w);
        const px = pack(engine, { data: gen(xs.reduce((a, b) => a * b, 1), rnd()), shape: xs });
        const pw = pack(engine, { data: gen(wCount(w), rnd()), shape: wShape(w) });
        const run = w.kind === 'gemm' ? () => binaryGemm(engine, px, pw).dispose() : () => binaryConv2d(engine, px, pw, { pads: w.pad, strides: w.stride }).dispose();
        return { run, dispose() { px.dispose(); pw.dispose(); } };
      } })),
  ];
}

/**
 * The groups of one suite part: { part, w, density?, densityKind?, cases }. `wls` = the workloads
 * of that part, `isas` = the builds to run the cases on; `peers` (default true): the zero-skip
 * groups also time ORT-web int8 on the same data.
 */
export function sparseGroups(part, wls, isas, quick, peers = true) {
  const out = [];
  for (const w of wls) {
    if (part === 'zeroSkip') {
      if (w.kind !== 'conv') continue;
      for (const d of quick ? QUICK_ACT_DENSITIES : ACT_DENSITIES) out.push({ part, w, density: d, densityKind: 'activation', cases: [...isas.flatMap((isa) => zeroSkipCases(isa, d)), ...(peers ? [ortZeroSkipCase(d)] : [])] });
    } else if (part === 'csr') {
      for (const d of quick ? QUICK_WEIGHT_DENSITIES : WEIGHT_DENSITIES) out.push({ part, w, density: d, densityKind: 'weight', cases: isas.flatMap((isa) => csrCases(isa, d)) });
    } else {
      out.push({ part, w, cases: isas.flatMap((isa) => binaryCases(isa)) });
    }
  }
  return out;
}

/** The case `id` of the group (part, w, density): for the first-run child process. */
export function findSparseCase(part, w, density, id, isas) {
  for (const g of sparseGroups(part, [w], isas, false).concat(sparseGroups(part, [w], isas, true))) {
    if (g.density !== density && part !== 'binary') continue;
    const c = g.cases.find((x) => x.id === id);
    if (c) return c;
  }
  return undefined;
}
