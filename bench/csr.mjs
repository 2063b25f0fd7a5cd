// CSR sparse FC / conv vs our dense ops (same engine, same build), weight densities 1.0 .. 0.05.
// Run: npm run build:ts && node --no-liftoff --experimental-wasm-relaxed-simd bench/csr.mjs [reps] [isa] [suite]
// suite: 'main' (default: the densities 1 / 0.3 / 0.1 / 0.05), 'crossover' (the sweep behind
// CSR_CROSSOVER and the FC zero-skip crossover of src/ops/select.ts), 'fc' (FC only, main densities).
// The machine is shared and noisy, so dense and CSR calls are timed INTERLEAVED (dense, csr,
// dense, csr, ...) after a warm-up (>= 3 calls each and >= 0.5 s): both see the same load. One
// JSON line per case: median wall and process-CPU ms of each, the median of the per-pair
// speedups (wall and CPU), and the load average. Weights packed once (packWeights /
// packConvWeights / packCsrWeights); x staged in Wasm memory once; requantised uint8 output.
import { loadavg } from 'node:os';
import { init, packWeights, packConvWeights, dense, conv2d, conv2dZeroSkip, denseCsr, conv2dCsr, denseToCsr, packCsrWeights } from '../dist/index.js';
import { sparseWeights, clusteredActivations } from './sparse-data.mjs';

const reps = Number(process.argv[2] ?? 9);
const isa = process.argv[3] ?? 'simd';
const suite = process.argv[4] ?? 'main';
const e = await init({ isa });
const median = (v) => +[...v].sort((a, b) => a - b)[v.length >> 1].toFixed(3);
let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 16777216;

function once(fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const y = fn();
  const ms = performance.now() - t0;
  const cu = process.cpuUsage(c0);
  y.dispose();
  return [ms, (cu.user + cu.system) / 1000];
}

function pair(denseFn, csrFn) {
  const w0 = performance.now();
  for (let i = 0; i < 3 || performance.now() - w0 < 500; i++) {
    denseFn().dispose();
    csrFn().dispose();
  }
  const d = [], s = [], r = [], rc = [];
  for (let k = 0; k < reps; k++) {
    const a = once(denseFn);
    const b = once(csrFn);
    d.push(a);
    s.push(b);
    r.push(a[0] / b[0]);
    rc.push(a[1] / b[1]);
  }
  return {
    denseMs: median(d.map((x) => x[0])), denseCpuMs: median(d.map((x) => x[1])),
    csrMs: median(s.map((x) => x[0])), csrCpuMs: median(s.map((x) => x[1])),
    speedup: median(r), cpuSpeedup: median(rc),
  };
}

const weights = (n, density) => sparseWeights(n, density, rnd);

const rq = { xScale: 0.05, wScale: 0.01, yScale: 0.1, activation: 'relu' };
const out = (o) => console.log(JSON.stringify({ isa, ...o, load: loadavg()[0].toFixed(2) }));
const DENSITIES = [1, 0.3, 0.1, 0.05];

if (suite === 'main' || suite === 'fc') {
// FC 4096 x 4096, batch 1 and 16 (dense weights: density 1).
for (const B of [1, 16]) {
  const I = 4096, O = 4096;
  const x = e.tensor('uint8', [B, I], Array.from({ length: B * I }, () => (rnd() * 256) | 0));
  const pw = packWeights(e, { data: weights(O * I, 1), shape: [O, I] }, { layout: 'nk' });
  for (const d of DENSITIES) {
    const pc = packCsrWeights(e, denseToCsr(weights(O * I, d), [O, I]));
    out({ layer: `fc4096 b${B}`, density: d, ...pair(() => dense(e, x, pw, { xZeroPoint: 3, requantize: rq }), () => denseCsr(e, x, pc, { xZeroPoint: 3, requantize: rq }).y) });
    pc.dispose();
  }
  pw.dispose();
  x.dispose();
}

}
if (suite === 'main') {
// VGG-16 conv3_1: 56x56x128 -> 256, 3x3, pad 1; activations 50 % zeros (ReLU-like).
{
  const xs = [1, 56, 56, 128], ws = [256, 3, 3, 128];
  const x = e.tensor('uint8', xs, Array.from({ length: 56 * 56 * 128 }, () => (rnd() < 0.5 ? 0 : (rnd() * 256) | 0)));
  const pw = packConvWeights(e, { data: weights(256 * 9 * 128, 1), shape: ws });
  for (const d of DENSITIES) {
    const pc = packCsrWeights(e, denseToCsr(weights(256 * 9 * 128, d), ws));
    for (const skipZeros of [false, true]) {
      out({ layer: 'vgg conv3_1', density: d, skipZeros, ...pair(() => conv2d(e, x, pw, { pads: 1, requantize: rq }), () => conv2dCsr(e, x, pc, { pads: 1, requantize: rq, skipZeros }).y) });
    }
    pc.dispose();
  }
  pw.dispose();
  x.dispose();
}
}

// Crossover sweep: CSR vs dense at weight densities around the break-even point (FC b1 / b16,
// VGG conv3_1); zero-skip vs dense on FC (as a 1x1 conv) at clustered activation densities; CSR
// with and without skipZeros at clustered activation densities.
if (suite === 'crossover') {
  const I = 4096, O = 4096;
  for (const B of [1, 16]) {
    const x = e.tensor('uint8', [B, I], Array.from({ length: B * I }, () => (rnd() * 256) | 0));
    const pw = packWeights(e, { data: weights(O * I, 1), shape: [O, I] }, { layout: 'nk' });
    for (const d of B === 1 ? [0.6, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15] : [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3]) {
      const pc = packCsrWeights(e, denseToCsr(weights(O * I, d), [O, I]));
      out({ layer: `fc4096 b${B}`, what: 'csr/dense', density: d, ...pair(() => dense(e, x, pw, { xZeroPoint: 3, requantize: rq }), () => denseCsr(e, x, pc, { xZeroPoint: 3, requantize: rq }).y) });
      pc.dispose();
    }
    pw.dispose();
    x.dispose();
  }
  {
    const xs = [1, 56, 56, 128], ws = [256, 3, 3, 128];
    const x = e.tensor('uint8', xs, Array.from({ length: 56 * 56 * 128 }, () => (rnd() * 256) | 0));
    const pw = packConvWeights(e, { data: weights(256 * 9 * 128, 1), shape: ws });
    for (const d of [0.6, 0.5, 0.4, 0.3, 0.2]) {
      const pc = packCsrWeights(e, denseToCsr(weights(256 * 9 * 128, d), ws));
      out({ layer: 'vgg conv3_1', what: 'csr/dense', density: d, ...pair(() => conv2d(e, x, pw, { pads: 1, requantize: rq }), () => conv2dCsr(e, x, pc, { pads: 1, requantize: rq }).y) });
      pc.dispose();
    }
    // CSR (weight density 0.1) with / without skipZeros on clustered activations.
    const pc = packCsrWeights(e, denseToCsr(weights(256 * 9 * 128, 0.1), ws));
    for (const ad of [0.5, 0.3, 0.1]) {
      const xc = e.tensor('uint8', xs, clusteredActivations(56, 56, 128, ad, rnd));
      out({ layer: 'vgg conv3_1', what: 'csr skip/noskip', wDensity: 0.1, aDensity: ad, ...pair(() => conv2dCsr(e, xc, pc, { pads: 1, requantize: rq }).y, () => conv2dCsr(e, xc, pc, { pads: 1, requantize: rq, skipZeros: true }).y) });
      xc.dispose();
    }
    pc.dispose();
    pw.dispose();
    x.dispose();
  }
  // FC as a 1x1 conv through the zero-skip kernel, dense weights, activations at density ad.
  for (const B of [1, 16]) {
    const wd = weights(O * I, 1);
    const pw = packWeights(e, { data: wd, shape: [O, I] }, { layout: 'nk' });
    const w4 = e.tensor('int8', [O, 1, 1, I], wd);
    const pc = packCsrWeights(e, denseToCsr(weights(O * I, 0.1), [O, I]));
    for (const ad of [0.7, 0.5, 0.3, 0.1]) {
      const data = Array.from({ length: B * I }, () => (rnd() < ad ? 1 + ((rnd() * 255) | 0) : 0));
      const x = e.tensor('uint8', [B, I], data);
      const x4 = e.tensor('uint8', [B, 1, 1, I], data);
      out({ layer: `fc4096 b${B}`, what: 'zeroskip/dense', aDensity: ad, ...pair(() => dense(e, x, pw, { requantize: rq }), () => conv2dZeroSkip(e, x4, w4, { requantize: rq, count: false }).y) });
      out({ layer: `fc4096 b${B}`, what: 'csr skip/noskip', wDensity: 0.1, aDensity: ad, ...pair(() => denseCsr(e, x, pc, { requantize: rq }).y, () => denseCsr(e, x, pc, { requantize: rq, skipZeros: true }).y) });
      x.dispose();
      x4.dispose();
    }
    pc.dispose();
    w4.dispose();
    pw.dispose();
  }
}
