// macflow's side of the benchmarks: the public ops (matmul -> int32 like MatMulInteger, conv2d ->
// requantised uint8 like QLinearConv) on each build, inputs staged once as engine tensors and
// weights packed once, so that the timed call is the op; plus a kernel-only GEMM (the raw
// u8s8_gemm export on pre-packed A and B) and the peak probes of each build.
import { init, matmul, packWeights, conv2d, packConvWeights } from '../dist/index.js';
import { convOut, qparams, randS8, randU8 } from './workloads.mjs';

const engines = new Map();
/** One engine per build per process; resolves to { engine, initMs } (initMs of the first call). */
export async function engineFor(isa) {
  if (!engines.has(isa)) {
    const t0 = performance.now();
    engines.set(isa, init({ isa }).then((engine) => ({ engine, initMs: performance.now() - t0 })));
  }
  return engines.get(isa);
}

/** Staged activations of a workload: uint8 in [0, max] (127: the relaxed fast path). */
function activations(engine, w, max, seed = 1) {
  return w.kind === 'gemm'
    ? engine.tensor('uint8', [w.m, w.k], randU8(w.m * w.k, seed, max))
    : engine.tensor('uint8', [1, w.h, w.w, w.cin], randU8(w.h * w.w * w.cin, seed, max)); // NHWC
}

/** matmul / conv2d on a staged input into a preallocated output (no allocation per call). */
async function createOp(isa, w, max) {
  const { engine } = await engineFor(isa);
  const x = activations(engine, w, max);
  if (w.kind === 'gemm') {
    const b = packWeights(engine, { data: randS8(w.n * w.k, 2), shape: [w.n, w.k] }, { layout: 'nk' });
    const out = engine.tensor('int32', [w.m, w.n]);
    const params = { xZeroPoint: 128, out };
    return {
      run() { matmul(engine, x, b, params); },
      dispose() { x.dispose(); b.dispose(); out.dispose(); },
    };
  }
  const K = w.cin * w.kh * w.kw;
  const q = qparams(K);
  const pw = packConvWeights(engine, { data: randS8(w.cout * K, 2), shape: [w.cout, w.kh, w.kw, w.cin] }); // OHWI
  const { oh, ow } = convOut(w);
  const out = engine.tensor('uint8', [1, oh, ow, w.cout]);
  const params = {
    pads: w.pad, strides: w.stride, xZeroPoint: q.xzp, out,
    requantize: { xScale: q.xs, wScale: q.ws, yScale: q.ys, yZeroPoint: q.yzp, outputDtype: 'uint8' },
  };
  return {
    run() { conv2d(engine, x, pw, params); },
    dispose() { x.dispose(); pw.dispose(); out.dispose(); },
  };
}

/** The raw GEMM kernel alone: A and B packed once, int32 sums without zero-point correction. */
async function createKernelGemm(isa, w, max) {
  const { engine } = await engineFor(isa);
  const k = engine.kernels;
  const { m: M, n: N, k: K } = w;
  const a = activations(engine, w, max);
  const b = packWeights(engine, { data: randS8(N * K, 2), shape: [N, K] }, { layout: 'nk' });
  const pa = engine.heap.alloc('bench', k.u8s8_gemm_packed_a_bytes(M, K));
  const rowSums = engine.heap.alloc('bench', M * 4);
  const c = engine.heap.alloc('bench', M * N * 4);
  const aMax = k.u8s8_gemm_pack_a(a.ptr, K, M, K, pa, rowSums);
  const pb = b.ptr;
  return {
    run() { k.u8s8_gemm(M, N, K, pa, pb, c, N, aMax); },
    dispose() { a.dispose(); b.dispose(); for (const p of [pa, rowSums, c]) engine.heap.release(p); },
  };
}

/**
 * macflow cases. `peak`: the probe its fraction of peak is taken against ('i16' = the SIMD
 * build's i32x4.dot_i16x8_s loop, 'relaxed' = the relaxed build's i8 x i7 dot, 'scalar' = the
 * scalar build's i32 multiply-add loop).
 */
export const MACFLOW_CASES = [
  { id: 'macflow-scalar', label: 'macflow scalar', isa: 'scalar', peaks: ['scalar', 'i16'], create: (w) => createOp('scalar', w, 255) },
  { id: 'macflow-simd', label: 'macflow simd', isa: 'simd', peaks: ['i16'], create: (w) => createOp('simd', w, 255) },
  { id: 'macflow-relaxed', label: 'macflow relaxed', isa: 'relaxed', peaks: ['relaxed', 'i16'], create: (w) => createOp('relaxed', w, 255) },
  { id: 'macflow-relaxed-le127', label: 'macflow relaxed, x <= 127', isa: 'relaxed', gemmOnly: true, peaks: ['relaxed', 'i16'], create: (w) => createOp('relaxed', w, 127) },
  { id: 'kernel-simd', label: 'u8s8_gemm kernel simd', isa: 'simd', gemmOnly: true, kernelOnly: true, peaks: ['i16'], create: (w) => createKernelGemm('simd', w, 255) },
  { id: 'kernel-relaxed', label: 'u8s8_gemm kernel relaxed', isa: 'relaxed', gemmOnly: true, kernelOnly: true, peaks: ['relaxed', 'i16'], create: (w) => createKernelGemm('relaxed', w, 255) },
  { id: 'kernel-relaxed-le127', label: 'u8s8_gemm kernel relaxed, x <= 127', isa: 'relaxed', gemmOnly: true, kernelOnly: true, peaks: ['relaxed', 'i16'], create: (w) => createKernelGemm('relaxed', w, 127) },
];

/**
 * GOPS (2 x MACs) of a peak probe, median of `samples` timed calls after a warm-up that lasts
 * until two consecutive calls agree within 3 % (V8 tiers the probe up from Liftoff meanwhile).
 * Each call runs ~`callMs` ms.
 */
export async function measurePeak(isa, probe, { samples = 15, callMs = 20, warmupMs = 300 } = {}) {
  const { engine } = await engineFor(isa);
  const k = engine.kernels;
  const fn = probe === 'relaxed' ? k.peak_dot_relaxed : k.peak_dot_i16;
  const macsPerIter = probe === 'relaxed' ? k.peak_dot_relaxed_macs_per_iter() : k.peak_dot_i16_macs_per_iter();
  if (!macsPerIter) return undefined;
  const scratch = engine.heap.alloc('bench', k.peak_scratch_bytes());
  try {
    // Size a call to ~callMs from a first rough timing.
    let iters = 1 << 16;
    for (;;) {
      const t = performance.now(); fn(iters, 1, scratch); const ms = performance.now() - t;
      if (ms > 2) { iters = Math.max(1, Math.round((iters * callMs) / ms)); break; }
      iters *= 4;
    }
    const time = () => { const t = performance.now(); fn(iters, 1, scratch); return performance.now() - t; };
    const t0 = performance.now();
    let prev = time();
    for (;;) {
      const cur = time();
      if (performance.now() - t0 >= warmupMs && Math.abs(cur - prev) <= 0.03 * Math.min(cur, prev)) break;
      if (performance.now() - t0 > 5000) break;
      prev = cur;
    }
    const ms = [];
    for (let i = 0; i < samples; i++) ms.push(time());
    ms.sort((x, y) => x - y);
    const med = ms[ms.length >> 1];
    return { isa, probe, macsPerIter, iters, ms: med, gops: (2 * macsPerIter * iters) / (med * 1e6), bestGops: (2 * macsPerIter * iters) / (ms[0] * 1e6) };
  } finally {
    engine.heap.release(scratch);
  }
}
