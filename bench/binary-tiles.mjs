// XNOR GEMM kernels A/B and a time breakdown of the XNOR path, one build per run.
// 1. b1b1_gemm_panel (4-row panels; u64 + v128 columns in SIMD builds) and b1b1_gemm_panel_u64
//    (popcnt<u64> only) on the same operands, rounds interleaved so that the shared machine's load
//    hits both alike, against the XOR + popcount probes; `vsU64` is the median of the per-round
//    ratios (paired).
// 2. Per workload (GEMM 1024^3, VGG-16 conv3_1, ResNet-50 3x3), the raw kernels binaryGemm /
//    binaryConv2d call, timed apart: operand packing (panels / bit im2col), the XNOR-popcount
//    GEMM, the pad correction; the output stage is not run (int32 out).
// Timing: process CPU time (ms) per call, medians over rounds. Shared box: compare within a run.
// Run: npm run build:ts && node --no-liftoff bench/binary-tiles.mjs [rounds] [isa]
import { loadavg } from 'node:os';
import { init, packBits } from '../dist/index.js';

const rounds = Number(process.argv[2] ?? 9);
const isa = process.argv[3] ?? 'simd';
const e = await init({ isa });
const k = e.kernels;
let seed = 5;
const pm = (n) => Float32Array.from({ length: n }, () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) & 256 ? -1 : 1));
const med = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const cpu = (fn, reps) => {
  const u0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) fn();
  const u = process.cpuUsage(u0);
  return (u.user + u.system) / 1000 / reps;
};
const alloc = (bytes) => e.heap.alloc('bench', Math.max(64, bytes));
const panelBytes = (rows, Kw) => k.b1_panel_bytes(rows, Kw);

function probe(name, per) {
  if (!per) return null;
  const p = alloc(256);
  k[name](1e6, 1, p);
  const t = [];
  for (let r = 0; r < rounds; r++) t.push(cpu(() => k[name](1e7, r, p), 1));
  return +((1e7 * per) / med(t) / 1e6).toFixed(1);
}
const probes = {
  u64: probe('peak_xnor_u64', k.peak_xnor_u64_macs_per_iter()),
  v128: probe('peak_xnor_v128', k.peak_xnor_v128_macs_per_iter()),
  mixed: probe('peak_xnor_mixed', k.peak_xnor_mixed_macs_per_iter()),
};
console.log(JSON.stringify({ isa, rounds, loadavg: loadavg().map((v) => +v.toFixed(2)), probesGMACs: probes }));

// 1. kernel A/B (GEMM 1024^3)
{
  const M = 1024, N = 1024, K = 1024, Kw = K / 64;
  const pa = packBits(e, { data: pm(M * K), shape: [M, K] }), pb = packBits(e, { data: pm(N * K), shape: [N, K] });
  const c = alloc(M * N * 4), qa = alloc(panelBytes(M, Kw)), qb = alloc(panelBytes(N, Kw));
  k.b1_pack_panels(pa.ptr, M, Kw, Kw, qa);
  k.b1_pack_panels(pb.ptr, N, Kw, Kw, qb);
  const fns = {
    b1b1_gemm_panel: () => k.b1b1_gemm_panel(M, N, Kw, K, qa, qb, c, N),
    b1b1_gemm_panel_u64: () => k.b1b1_gemm_panel_u64(M, N, Kw, K, qa, qb, c, N),
  };
  for (let i = 0; i < 3; i++) for (const f of Object.values(fns)) f();
  const t = Object.fromEntries(Object.keys(fns).map((f) => [f, []]));
  const names = Object.keys(fns);
  for (let r = 0; r < rounds; r++) for (const f of r % 2 ? names : [...names].reverse()) t[f].push(cpu(fns[f], 2));
  const out = {};
  for (const f of names) out[f] = { ms: +med(t[f]).toFixed(3), GMACs: +((M * N * K) / med(t[f]) / 1e6).toFixed(1) };
  out.b1b1_gemm_panel.vsU64 = +med(t.b1b1_gemm_panel_u64.map((v, i) => v / t.b1b1_gemm_panel[i])).toFixed(3);
  console.log(JSON.stringify({ isa, kernelsGemm1024: out }));
}

// 2. breakdown of the XNOR path per workload
const workloads = [
  { name: 'gemm_1024^3', gemm: [1024, 1024, 1024] },
  { name: 'vgg16_conv3_1', conv: { H: 56, W: 56, C: 128, M: 256 } },
  { name: 'resnet50_3x3', conv: { H: 28, W: 28, C: 128, M: 128 } },
];
for (const wl of workloads) {
  const parts = {};
  let macs;
  if (wl.gemm) {
    const [M, N, K] = wl.gemm, Kw = K / 64;
    macs = M * N * K;
    const pa = packBits(e, { data: pm(M * K), shape: [M, K] }), pb = packBits(e, { data: pm(N * K), shape: [N, K] });
    const c = alloc(M * N * 4), qa = alloc(panelBytes(M, Kw)), qb = alloc(panelBytes(N, Kw));
    parts.packActivations = () => k.b1_pack_panels(pa.ptr, M, Kw, Kw, qa);
    parts.packWeights = () => k.b1_pack_panels(pb.ptr, N, Kw, Kw, qb);
    parts.xnorGemm = () => k.b1b1_gemm_panel(M, N, Kw, K, qa, qb, c, N);
  } else {
    // 3x3, stride 1, pad 1, one tile of about 128 KiB of im2col rows as binaryConv2d does
    const { H, W, C, M } = wl.conv, R = 3, S = 3, wg = C / 64, ldb = R * S * wg, pixels = H * W;
    macs = pixels * M * R * S * C;
    const P = Math.min(pixels, Math.max(4, Math.floor(131072 / (ldb * 8) / 4) * 4));
    const px = packBits(e, { data: pm(pixels * C), shape: [1, H, W, C] }), pw = packBits(e, { data: pm(M * R * S * C), shape: [M, R, S, C] });
    const col = alloc(panelBytes(P, ldb)), wp = alloc(panelBytes(M, ldb)), acc = alloc(pixels * M * 4), tapPop = alloc(M * R * S * 4), padCache = alloc(k.b1_pad_scratch_bytes(M));
    const tiles = (fn) => () => { for (let p0 = 0; p0 < pixels; p0 += P) fn(p0, Math.min(P, pixels - p0)); };
    parts.packWeights = () => { k.b1_popcounts(pw.ptr, M * R * S, wg, wg, tapPop); k.b1_pack_panels(pw.ptr, M, ldb, ldb, wp); };
    parts.im2colPanels = tiles((p0, rows) => k.b1_im2col_panels(px.ptr, H, W, wg, R, S, 1, 1, 1, 1, 1, 1, W, p0, rows, 0, wg, col));
    parts.xnorGemm = tiles((p0, rows) => k.b1b1_gemm_panel(rows, M, ldb, R * S * C, col, wp, acc + p0 * M * 4, M));
    parts.padCorrect = tiles((p0, rows) => k.b1_pad_correct(acc + p0 * M * 4, M, H, W, R, S, 1, 1, 1, 1, 1, 1, W, p0, rows, C, M, tapPop, padCache));
  }
  const names = Object.keys(parts);
  for (let i = 0; i < 3; i++) for (const f of names) parts[f]();
  const t = Object.fromEntries(names.map((f) => [f, []]));
  const reps = Math.max(1, Math.round(2e9 / macs));
  for (let r = 0; r < rounds; r++) for (const f of names) t[f].push(cpu(parts[f], reps));
  const total = names.reduce((s, f) => s + med(t[f]), 0);
  const out = {};
  for (const f of names) out[f] = { ms: +med(t[f]).toFixed(3), share: +(med(t[f]) / total).toFixed(3) };
  const g = (macs / med(t.xnorGemm)) / 1e6;
  console.log(JSON.stringify({ isa, workload: wl.name, parts: out, xnorGemmGMACs: +g.toFixed(1), xnorGemmOfU64Probe: +(g / probes.u64).toFixed(2), allPartsGMACs: +(macs / total / 1e6).toFixed(1) }));
}
