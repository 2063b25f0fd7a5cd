// Binary x binary (XNOR-popcount) vs our int8 kernels on the same shapes, one build per line,
// plus the register/L1 XOR + popcount peak (u64 popcnt and, in SIMD builds, i8x16.popcnt and a
// mixed u64 + v128 probe; the best probe is the peak the fractions divide by).
// Run: npm run build:ts && node --no-liftoff --experimental-wasm-relaxed-simd bench/binary.mjs [reps] [isa...]
// --no-liftoff: time TurboFan code only. int8, binary and ternary run interleaved: `reps` rounds,
// each timing a batch of calls (>= ~5 ms) of every op in turn (order alternating), so the shared
// machine's load hits all alike; per op the median and quartiles of process CPU time per call,
// and the speedup as the median of the per-round ratios (paired). Inputs in Wasm memory, weights
// pre-packed (packWeights / packConvWeights / packBits), outputs int32 (raw dots), so all sides
// do the same work: MACs = M * N * K.
// Prints one JSON line per (build, workload) and the load average (the box is shared).
import { loadavg, uptime } from 'node:os';
import { binaryConv2d, binaryGemm, conv2d, init, matmul, packBits, packConvWeights, packTernary, packWeights } from '../dist/index.js';
import { lcg, randI8, randPm1, randTernary } from './sparse-data.mjs';

const reps = Number(process.argv[2] ?? 7);
const isas = process.argv.length > 3 ? process.argv.slice(3) : ['simd', 'relaxed'];
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const rnd = lcg(777);

/** Interleaved timing of several ops (see the header); returns per op medians and per-round CPU ms. */
function timeAll(fns) {
  const names = Object.keys(fns);
  const batch = {};
  for (const n of names) {
    const w0 = performance.now();
    let i = 0;
    for (; i < 2 || performance.now() - w0 < 300; i++) fns[n]().dispose();
    batch[n] = Math.max(1, Math.ceil(5 / ((performance.now() - w0) / i)));
  }
  const wall = Object.fromEntries(names.map((n) => [n, []])), cpu = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < reps; r++) {
    for (const n of r % 2 ? names : [...names].reverse()) {
      const c0 = cpuMs(), t0 = performance.now();
      for (let i = 0; i < batch[n]; i++) fns[n]().dispose();
      wall[n].push((performance.now() - t0) / batch[n]);
      cpu[n].push((cpuMs() - c0) / batch[n]);
    }
  }
  const q = (v, f) => +[...v].sort((a, b) => a - b)[Math.floor(f * (v.length - 1))].toFixed(3);
  return Object.fromEntries(names.map((n) => [n, { wallMs: q(wall[n], 0.5), cpuMs: q(cpu[n], 0.5), cpuQ1: q(cpu[n], 0.25), cpuQ3: q(cpu[n], 0.75), rounds: cpu[n] }]));
}

function peak(e, name, per) {
  if (!per) return undefined;
  const p = e.heap.alloc('bench', 128);
  e.kernels[name](1e6, 1, p);
  const iters = 2e7, t = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    e.kernels[name](iters, r, p);
    t.push(performance.now() - t0);
  }
  e.heap.release(p);
  return (iters * per) / Math.min(...t) / 1e6; // G 1-bit MACs/s, best run (a peak)
}

const i8 = (n) => randI8(n, rnd);
const pm = (n) => randPm1(n, rnd);
const pmt = (n) => randTernary(n, rnd);

const workloads = [
  { name: 'gemm_1024^3', gemm: [1024, 1024, 1024] },
  { name: 'vgg16_conv3_1', conv: { H: 56, W: 56, C: 128, M: 256, R: 3, S: 3, pads: 1 } },
  { name: 'resnet50_3x3', conv: { H: 28, W: 28, C: 128, M: 128, R: 3, S: 3, pads: 1 } },
];

console.log(JSON.stringify({ uptimeS: Math.round(uptime()), loadavg: loadavg().map((v) => +v.toFixed(2)), reps, node: process.version }));
for (const isa of isas) {
  const e = await init({ isa });
  const peakU64 = peak(e, 'peak_xnor_u64', e.kernels.peak_xnor_u64_macs_per_iter());
  const peakV128 = peak(e, 'peak_xnor_v128', e.kernels.peak_xnor_v128_macs_per_iter());
  // The probe is repeated after the workloads and the better value kept: on a shared box one
  // probe can land in a slow patch and make fractions exceed 1.
  const peakMixed = peak(e, 'peak_xnor_mixed', e.kernels.peak_xnor_mixed_macs_per_iter?.());
  const bestProbe = () => Math.max(peak(e, 'peak_xnor_u64', e.kernels.peak_xnor_u64_macs_per_iter()), peak(e, 'peak_xnor_v128', e.kernels.peak_xnor_v128_macs_per_iter()) ?? 0, peak(e, 'peak_xnor_mixed', e.kernels.peak_xnor_mixed_macs_per_iter?.()) ?? 0);
  let binPeak = Math.max(peakU64, peakV128 ?? 0, peakMixed ?? 0);
  let peakU64Best = peakU64;
  const r1 = (v) => (v === undefined ? null : +v.toFixed(1));
  console.log(JSON.stringify({ isa, probe: 'xor+popcount', u64: r1(peakU64), v128: r1(peakV128), mixed: r1(peakMixed), unit: 'G 1-bit MAC/s' }));
  const lines = [];
  for (const wl of workloads) {
    let macs, int8, bin, tern;
    if (wl.gemm) {
      const [M, N, K] = wl.gemm;
      macs = M * N * K;
      const a = e.tensor('int8', [M, K], i8(M * K));
      const w = packWeights(e, { data: i8(N * K), shape: [N, K] }, { layout: 'nk' });
      const pa = packBits(e, { data: pm(M * K), shape: [M, K] }), pb = packBits(e, { data: pm(N * K), shape: [N, K] });
      const ta = packTernary(e, { data: pmt(M * K), shape: [M, K] }), tb = packTernary(e, { data: pmt(N * K), shape: [N, K] });
      ({ int8, bin, tern } = timeAll({ int8: () => matmul(e, a, w), bin: () => binaryGemm(e, pa, pb), tern: () => binaryGemm(e, ta, tb) }));
      for (const t of [a, w, pa, pb, ta, tb]) t.dispose();
    } else {
      const { H, W, C, M, R, S, pads } = wl.conv;
      macs = H * W * M * R * S * C; // stride 1, same padding
      const x = e.tensor('int8', [1, H, W, C], i8(H * W * C));
      const w = packConvWeights(e, { data: i8(M * R * S * C), shape: [M, R, S, C] });
      const px = packBits(e, { data: pm(H * W * C), shape: [1, H, W, C] }), pw = packBits(e, { data: pm(M * R * S * C), shape: [M, R, S, C] });
      const tx = packTernary(e, { data: pmt(H * W * C), shape: [1, H, W, C] }), tw = packTernary(e, { data: pmt(M * R * S * C), shape: [M, R, S, C] });
      ({ int8, bin, tern } = timeAll({ int8: () => conv2d(e, x, w, { pads }), bin: () => binaryConv2d(e, px, pw, { pads }), tern: () => binaryConv2d(e, tx, tw, { pads }) }));
      for (const t of [x, w, px, pw, tx, tw]) t.dispose();
    }
    const g = (t) => +(macs / t.cpuMs / 1e6).toFixed(1);
    const paired = (t) => +median(int8.rounds.map((v, i) => v / t.rounds[i])).toFixed(2);
    const strip = ({ rounds, ...t }) => t;
    lines.push(() => JSON.stringify({
      isa, workload: wl.name, macs,
      int8: { ...strip(int8), GMACs: g(int8) },
      binary: { ...strip(bin), GMACs: g(bin), speedupVsInt8: paired(bin), fractionOfBinaryPeak: +(g(bin) / binPeak).toFixed(3), fractionOfU64Probe: +(g(bin) / peakU64Best).toFixed(3) },
      ternary: { ...strip(tern), GMACs: g(tern), speedupVsInt8: paired(tern) },
    }));
  }
  const again = bestProbe();
  binPeak = Math.max(binPeak, again);
  peakU64Best = Math.max(peakU64Best, peak(e, 'peak_xnor_u64', e.kernels.peak_xnor_u64_macs_per_iter()));
  console.log(JSON.stringify({ isa, probeAgain: +again.toFixed(1), peakUsed: +binPeak.toFixed(1) }));
  for (const l of lines) console.log(l());
}
console.log(JSON.stringify({ end: true, loadavg: loadavg().map((v) => +v.toFixed(2)) }));
