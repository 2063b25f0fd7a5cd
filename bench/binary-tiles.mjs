// A/B of XNOR GEMM micro-kernels (raw kernels, operands pre-packed), interleaved rounds so that
// the shared machine's load hits all alike; process CPU time per batch.
// Run: npm run build:ts && node --no-liftoff bench/binary-tiles.mjs [rounds] [isa] [M N K] [kernel...]
import { loadavg } from 'node:os';
import { init, packBits } from '../dist/index.js';

const rounds = Number(process.argv[2] ?? 9);
const isa = process.argv[3] ?? 'simd';
const [M, N, K] = process.argv.length > 6 ? process.argv.slice(4, 7).map(Number) : [1024, 1024, 1024];
const e = await init({ isa });
const names = process.argv.length > 7 ? process.argv.slice(7) : Object.keys(e.kernels).filter((k) => /^b1b1_gemm_(p\d|q\d|xnor)/.test(k));
let seed = 5;
const pm = (n) => Float32Array.from({ length: n }, () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) & 256 ? -1 : 1));
const pa = packBits(e, { data: pm(M * K), shape: [M, K] }), pb = packBits(e, { data: pm(N * K), shape: [N, K] });
const Kw = Math.ceil(K / 64);
const c = e.tensor('int32', [M, N]);
const ref = e.tensor('int32', [M, N]);
e.kernels.b1b1_gemm_xnor_u64(M, N, Kw, K, pa.ptr, pa.wordsPerRow, pb.ptr, pb.wordsPerRow, ref.ptr, N);
const refA = ref.toArray();
const panels = {};
const packed = (R, which, two = false) => {
  const key = R + which + two;
  if (!panels[key]) {
    const src = which === 'a' ? pa : pb, rows = which === 'a' ? M : N;
    const p = e.heap.alloc('bench', Math.ceil(rows / R) * R * (Kw + 1) * 8);
    e.kernels[two ? 'b1_pack_panels2' : 'b1_pack_panels'](src.ptr, rows, src.wordsPerRow, Kw, R, p);
    panels[key] = p;
  }
  return panels[key];
};
const run = (f) => {
  const t = /^b1b1_gemm_p(\d+)x(\d+)/.exec(f);
  const q = /^b1b1_gemm_q(\d+)x(\d+)s(\d+)v/.exec(f);
  if (q) e.kernels[f](M, N, Kw, K, packed(+q[1], 'a', true), packed(+q[2] + +q[3], 'b', true), c.ptr, N);
  else if (t) e.kernels[f](M, N, Kw, K, packed(+t[1], 'a'), packed(+t[2], 'b'), c.ptr, N);
  else e.kernels[f](M, N, Kw, K, pa.ptr, pa.wordsPerRow, pb.ptr, pb.wordsPerRow, c.ptr, N);
};
for (const f of names) {
  run(f);
  const got = c.toArray();
  for (let i = 0; i < got.length; i++) if (got[i] !== refA[i]) throw new Error(`${f}: mismatch at ${i}`);
}
const reps = Math.max(1, Math.round(2e9 / (M * N * K)));
for (let i = 0; i < 3; i++) for (const f of names) run(f);
const t = Object.fromEntries(names.map((f) => [f, []]));
for (let r = 0; r < rounds; r++) {
  for (const f of r % 2 ? names : [...names].reverse()) {
    const u0 = process.cpuUsage();
    for (let i = 0; i < reps; i++) run(f);
    const u = process.cpuUsage(u0);
    t[f].push((u.user + u.system) / 1000 / reps);
  }
}
function probe(name, per) {
  const p = e.heap.alloc('bench', 256);
  e.kernels[name](1e6, 1, p);
  const iters = 1e7, u = [];
  for (let r = 0; r < rounds; r++) {
    const u0 = process.cpuUsage();
    e.kernels[name](iters, r, p);
    const d = process.cpuUsage(u0);
    u.push((d.user + d.system) / 1000);
  }
  return ((iters * per) / med(u) / 1e6).toFixed(1);
}
const med = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
console.log(JSON.stringify({ isa, M, N, K, rounds, loadavg: loadavg().map((v) => +v.toFixed(2)) }));
console.log('probes G 1-bit MAC/s (median CPU): u64', probe('peak_xnor_u64', 576), 'v128', probe('peak_xnor_v128', 1152), e.kernels.peak_xnor_mixed ? 'mixed ' + probe('peak_xnor_mixed', 6 * 64 + 4 * 128) : '');
for (const f of names) {
  const s = [...t[f]].sort((a, b) => a - b);
  console.log(f.padEnd(24), 'GMAC/s median', ((M * N * K) / med(t[f]) / 1e6).toFixed(1), ' [q1..q3 ms', s[s.length >> 2].toFixed(3), s[(3 * s.length) >> 2].toFixed(3), ']');
}
