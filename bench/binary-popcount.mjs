// A/B of the two XNOR GEMM popcounts in one build, interleaved so that the shared machine's load
// hits both alike (process CPU time per batch of 5 calls): b1b1_gemm_xnor (v128 XOR + i8x16.popcnt in SIMD builds) vs b1b1_gemm_xnor_u64.
// Run: npm run build:ts && node --no-liftoff --experimental-wasm-relaxed-simd bench/binary-popcount.mjs [rounds] [isa] [M N K]
import { loadavg } from 'node:os';
import { init, packBits } from '../dist/index.js';

const rounds = Number(process.argv[2] ?? 21);
const isa = process.argv[3] ?? 'simd';
const [M, N, K] = process.argv.length > 6 ? process.argv.slice(4, 7).map(Number) : [1024, 1024, 1024];
const e = await init({ isa });
let seed = 5;
const pm = (n) => Float32Array.from({ length: n }, () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) & 256 ? -1 : 1));
const pa = packBits(e, { data: pm(M * K), shape: [M, K] }), pb = packBits(e, { data: pm(N * K), shape: [N, K] });
const c = e.tensor('int32', [M, N]);
const run = (f) => e.kernels[f](M, N, Math.ceil(K / 64), K, pa.ptr, pa.wordsPerRow, pb.ptr, pb.wordsPerRow, c.ptr, N);
const names = ['b1b1_gemm_xnor', 'b1b1_gemm_xnor_u64'];
for (let i = 0; i < 20; i++) for (const f of names) run(f);
const t = { b1b1_gemm_xnor: [], b1b1_gemm_xnor_u64: [] };
for (let r = 0; r < rounds; r++) {
  for (const f of r % 2 ? names : [...names].reverse()) {
    // process CPU time: the box is shared, wall time also counts time descheduled
    const u0 = process.cpuUsage();
    for (let i = 0; i < 5; i++) run(f);
    const u = process.cpuUsage(u0);
    t[f].push((u.user + u.system) / 1000 / 5);
  }
}
const med = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const out = { isa, M, N, K, rounds, loadavg: loadavg().map((v) => +v.toFixed(2)) };
for (const f of names) out[f] = { medianMs: +med(t[f]).toFixed(3), bestMs: +Math.min(...t[f]).toFixed(3), GMACs: +((M * N * K) / med(t[f]) / 1e6).toFixed(1) };
console.log(JSON.stringify(out));
