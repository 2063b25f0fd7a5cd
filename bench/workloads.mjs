// The benchmark layers (batch 1) and their deterministic data, shared by macflow and the peers.
// ops = 2 x MACs everywhere.

/**
 * gemm: C[M,N] = A[M,K] x B[K,N]. conv: H x W x cin -> cout, kh x kw, stride 1, symmetric pad.
 * Real layer shapes: VGG-16 conv3_1, a ResNet-50 3x3 of stage 2, AlexNet conv2 without its two
 * groups, LeNet-5 conv1. Optional: `groups` (default 1), `pad` as [top, left, bottom, right]
 * (bench/networks.mjs derives such workloads from the built-in topologies).
 */
export const workloads = [
  { id: 'gemm-256', title: 'GEMM 256^3', kind: 'gemm', m: 256, n: 256, k: 256 },
  { id: 'gemm-1024', title: 'GEMM 1024^3', kind: 'gemm', m: 1024, n: 1024, k: 1024 },
  { id: 'vgg16-conv3_1', title: 'VGG-16 conv3_1 (56x56x128 -> 256, 3x3)', kind: 'conv', h: 56, w: 56, cin: 128, cout: 256, kh: 3, kw: 3, pad: 1, stride: 1 },
  { id: 'resnet50-3x3', title: 'ResNet-50 3x3 (28x28x128 -> 128)', kind: 'conv', h: 28, w: 28, cin: 128, cout: 128, kh: 3, kw: 3, pad: 1, stride: 1 },
  { id: 'alexnet-conv2', title: 'AlexNet conv2 (27x27x96 -> 256, 5x5, ungrouped)', kind: 'conv', h: 27, w: 27, cin: 96, cout: 256, kh: 5, kw: 5, pad: 2, stride: 1 },
  // FC 4096x4096 at batch 1 (VGG/AlexNet fc7): only the sparse suite's CSR part uses it by default.
  { id: 'fc-4096', title: 'FC 4096x4096 (batch 1)', kind: 'gemm', m: 1, n: 4096, k: 4096, sparseOnly: true },
  { id: 'lenet5-conv1', title: 'LeNet-5 conv1 (28x28x1 -> 20, 5x5)', kind: 'conv', h: 28, w: 28, cin: 1, cout: 20, kh: 5, kw: 5, pad: 0, stride: 1 },
];

/** [top, left, bottom, right] of a conv workload's `pad` (a number or that 4-tuple). */
export const padsOf = (s) => (Array.isArray(s.pad) ? s.pad : [s.pad, s.pad, s.pad, s.pad]);

/** Output height and width of a conv workload. */
export function convOut(s) {
  const [t, l, b, r] = padsOf(s);
  return {
    oh: Math.floor((s.h + t + b - s.kh) / s.stride) + 1,
    ow: Math.floor((s.w + l + r - s.kw) / s.stride) + 1,
  };
}

/** Multiply-accumulates of one inference (a grouped conv: C / groups per filter). */
export function macs(w) {
  if (w.kind === 'gemm') return w.m * w.n * w.k;
  const { oh, ow } = convOut(w);
  return (oh * ow * w.cout * w.cin * w.kh * w.kw) / (w.groups ?? 1);
}

/**
 * Requantisation scales (uint8 in and out, zero points 128, per-tensor int8 weights) chosen so
 * that almost no output saturates; speed does not depend on them, but a clamped-out layer would
 * be an unrealistic one.
 */
export function qparams(k) {
  const xs = 0.02, ws = 0.01;
  return { xs, ws, ys: (xs * ws * 127 * 128 * Math.sqrt(k)) / 64, xzp: 128, yzp: 128 };
}

/** Deterministic xorshift32 -> integers in [lo, hi]. */
function rng(seed = 12345) {
  let s = seed >>> 0 || 1;
  return (lo, hi) => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return lo + (s % (hi - lo + 1));
  };
}
/** n uint8 in [0, max] (max 127: the relaxed build's fast path). */
export function randU8(n, seed, max = 255) { const r = rng(seed), a = new Uint8Array(n); for (let i = 0; i < n; i++) a[i] = r(0, max); return a; }
/** n int8 in [-127, 127]. */
export function randS8(n, seed) { const r = rng(seed), a = new Int8Array(n); for (let i = 0; i < n; i++) a[i] = r(-127, 127); return a; }
/** n float32 in [-1, 1]. */
export function randF32(n, seed) { const r = rng(seed), a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = (r(0, 2000) - 1000) / 1000; return a; }
