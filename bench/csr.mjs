// CSR sparse FC / conv vs our dense ops (same engine, same build), weight densities 1.0 .. 0.05.
// Run: npm run build:ts && node --no-liftoff --experimental-wasm-relaxed-simd bench/csr.mjs [reps] [isa]
// Prints one JSON line per case: median wall ms and process CPU ms of `reps` timed runs after warm-up (>= 3 calls
// and >= 0.5 s), the speedup over dense, and the load average. Weights packed once (dense:
// packWeights / packConvWeights; CSR: packCsrWeights); x staged in Wasm memory once.
import { loadavg } from 'node:os';
import { init, packWeights, packConvWeights, dense, conv2d, denseCsr, conv2dCsr, denseToCsr, packCsrWeights } from '../dist/index.js';

const reps = Number(process.argv[2] ?? 7);
const isa = process.argv[3] ?? 'simd';
const e = await init({ isa });
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 16777216;

function time(fn) {
  const w0 = performance.now();
  for (let i = 0; i < 3 || performance.now() - w0 < 500; i++) fn().dispose?.();
  const t = [];
  const c = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const y = fn();
    t.push(performance.now() - t0);
    const cu = process.cpuUsage(c0);
    c.push((cu.user + cu.system) / 1000);
    y.dispose();
  }
  return { ms: +median(t).toFixed(3), cpuMs: +median(c).toFixed(3) };
}

function weights(n, density) {
  const w = new Int8Array(n);
  for (let i = 0; i < n; i++) if (rnd() < density) w[i] = ((rnd() * 255) | 0) - 127 || 1;
  return w;
}

const rq = { xScale: 0.05, wScale: 0.01, yScale: 0.1, activation: 'relu' };
const out = (o) => console.log(JSON.stringify({ isa, ...o, load: loadavg()[0].toFixed(2) }));

// FC 4096 x 4096, batch 1 and 16.
for (const B of [1, 16]) {
  const I = 4096, O = 4096;
  const x = e.tensor('uint8', [B, I], Array.from({ length: B * I }, () => (rnd() * 256) | 0));
  let denseMs;
  for (const d of [1, 0.3, 0.1, 0.05]) {
    const w = weights(O * I, d);
    if (d === 1) {
      const pw = packWeights(e, { data: w, shape: [O, I] }, { layout: 'nk' });
      denseMs = time(() => dense(e, x, pw, { xZeroPoint: 3, requantize: rq }));
      out({ layer: `fc4096 b${B}`, kernel: 'dense', ...denseMs });
      pw.dispose();
    }
    const pc = packCsrWeights(e, denseToCsr(w, [O, I]));
    const ms = time(() => denseCsr(e, x, pc, { xZeroPoint: 3, requantize: rq }).y);
    out({ layer: `fc4096 b${B}`, kernel: 'csr', density: d, ...ms, speedup: +(denseMs.ms / ms.ms).toFixed(2), cpuSpeedup: +(denseMs.cpuMs / ms.cpuMs).toFixed(2) });
    pc.dispose();
  }
  x.dispose();
}

// VGG-16 conv3_1: 56x56x128 -> 256, 3x3, pad 1.
{
  const xs = [1, 56, 56, 128], ws = [256, 3, 3, 128];
  const x = e.tensor('uint8', xs, Array.from({ length: 56 * 56 * 128 }, () => (rnd() < 0.5 ? 0 : (rnd() * 256) | 0)));
  let denseMs;
  for (const d of [1, 0.3, 0.1, 0.05]) {
    const w = weights(256 * 9 * 128, d);
    if (d === 1) {
      const pw = packConvWeights(e, { data: w, shape: ws });
      denseMs = time(() => conv2d(e, x, pw, { pads: 1, requantize: rq }));
      out({ layer: 'vgg conv3_1', kernel: 'dense', ...denseMs });
      pw.dispose();
    }
    const pc = packCsrWeights(e, denseToCsr(w, ws));
    for (const skipZeros of [false, true]) {
      const ms = time(() => conv2dCsr(e, x, pc, { pads: 1, requantize: rq, skipZeros }).y);
      out({ layer: 'vgg conv3_1', kernel: skipZeros ? 'csr+skipZeros' : 'csr', density: d, ...ms, speedup: +(denseMs.ms / ms.ms).toFixed(2), cpuSpeedup: +(denseMs.cpuMs / ms.cpuMs).toFixed(2) });
    }
    pc.dispose();
  }
  x.dispose();
}
