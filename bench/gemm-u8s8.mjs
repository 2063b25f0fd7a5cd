// GOPS (ops = 2*M*N*K) of the u8s8 GEMM contract through the raw exports of each build.
// Run: node --no-liftoff --experimental-wasm-relaxed-simd bench/gemm-u8s8.mjs [reps]
// --no-liftoff: time TurboFan code only (the baseline tier is 2-4x slower and a loaded machine
// can keep it for a whole run). Prints one JSON line per (build, size, data): medians of `reps`
// timed runs after warm-up, wall and process-CPU time, plus the pack-A time, and the load average.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

const reps = Number(process.argv[2] ?? 9);
const builds = ['scalar', 'simd', 'relaxed'];
const sizes = [256, 1024];

function instance(build) {
  const bytes = readFileSync(new URL(`../wasm/macflow-${build}.wasm`, import.meta.url));
  const x = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
  let top = (x.heapBase() + 63) & ~63;
  const alloc = (n) => {
    const p = top;
    top = (top + n + 63) & ~63;
    const need = top - x.memory.buffer.byteLength;
    if (need > 0) x.memory.grow(Math.ceil(need / 65536));
    return p;
  };
  return { x, alloc, reset: () => (top = (x.heapBase() + 63) & ~63) };
}

const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

for (const build of builds) {
  const { x, alloc, reset } = instance(build);
  for (const S of sizes) {
    if (build === 'scalar' && S > 256) continue; // ~4 s per run: not informative
    for (const kind of build === 'relaxed' ? ['random', 'le127'] : ['random']) {
      reset();
      const M = S, N = S, K = S;
      const pA = alloc(M * K), pB = alloc(N * K);
      const pa = alloc(x.u8s8_gemm_packed_a_bytes(M, K)), pb = alloc(x.u8s8_gemm_packed_b_bytes(N, K));
      const pRow = alloc(M * 4), pCol = alloc(N * 4), pC = alloc(M * N * 4);
      const a = new Uint8Array(x.memory.buffer, pA, M * K);
      const b = new Int8Array(x.memory.buffer, pB, N * K);
      let seed = 1;
      const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);
      for (let i = 0; i < a.length; i++) a[i] = kind === 'le127' ? rnd() & 127 : rnd() & 255;
      for (let i = 0; i < b.length; i++) b[i] = (rnd() & 255) - 128;
      x.u8s8_gemm_pack_b(pB, K, N, K, pb, pCol);
      const one = () => {
        const t0 = performance.now();
        const max = x.u8s8_gemm_pack_a(pA, K, M, K, pa, pRow);
        const t1 = performance.now();
        x.u8s8_gemm(M, N, K, pa, pb, pC, N, max);
        return t1 - t0;
      };
      // Warm-up: at least 0.5 s and 3 calls.
      const w0 = performance.now();
      for (let i = 0; i < 3 || performance.now() - w0 < 500; i++) one();
      const inner = Math.max(1, Math.round(2e8 / (2 * M * N * K))); // >= ~0.2 Gop per sample
      const wall = [], cpu = [], pack = [];
      for (let r = 0; r < reps; r++) {
        const c0 = cpuMs(), t0 = performance.now();
        let p = 0;
        for (let i = 0; i < inner; i++) p += one();
        const t1 = performance.now(), c1 = cpuMs();
        wall.push((t1 - t0) / inner);
        cpu.push((c1 - c0) / inner);
        pack.push(p / inner);
      }
      const ops = 2 * M * N * K;
      const gops = (ms) => +(ops / (ms * 1e6)).toFixed(1);
      console.log(JSON.stringify({
        build, M, N, K, data: kind, reps, inner,
        wallGops: gops(median(wall)), cpuGops: gops(median(cpu)), bestWallGops: gops(Math.min(...wall)),
        packAms: +median(pack).toFixed(3), load1: +loadavg()[0].toFixed(2),
      }));
    }
  }
}
