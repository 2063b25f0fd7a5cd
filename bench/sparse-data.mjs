// Deterministic data of the sparse and binary benchmarks, shared by bench/run.js (--suite sparse |
// binary) and the stand-alone scripts conv-zeroskip.mjs, csr.mjs and binary.mjs. Every generator
// takes the caller's `rnd` (a () => [0, 1) function), so that each script keeps its own sequence.

/** The LCG of conv-zeroskip.mjs and binary.mjs: () => [0, 1), 32-bit state. */
export function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
}

/**
 * uint8 H x W x C (NHWC) activations with ReLU-like zeros that are spatially clustered: a
 * box-blurred noise field per channel (radius 3: clusters of ~7x7 pixels), the top `density`
 * fraction kept as values in [1, 255], the rest 0. Exactly round(density * H * W * C) non-zeros.
 */
export function clusteredActivations(H, W, C, density, rnd) {
  const field = new Float32Array(H * W * C);
  const noise = new Float32Array(H * W);
  const k = 3;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < noise.length; i++) noise[i] = rnd();
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        let s = 0;
        for (let dh = -k; dh <= k; dh++) for (let dw = -k; dw <= k; dw++) {
          const y = Math.min(H - 1, Math.max(0, h + dh)), x = Math.min(W - 1, Math.max(0, w + dw));
          s += noise[y * W + x];
        }
        field[(h * W + w) * C + c] = s + 0.3 * rnd();
      }
    }
  }
  const sorted = Float32Array.from(field).sort();
  const nz = Math.round(density * field.length);
  const thr = nz >= field.length ? -Infinity : sorted[field.length - nz];
  const x = new Uint8Array(field.length);
  let count = 0;
  for (let i = 0; i < field.length; i++) {
    if (field[i] >= thr && count < nz) {
      x[i] = 1 + Math.floor(rnd() * 255);
      count++;
    }
  }
  return x;
}

/** n int8 weights, each non-zero (in [-127, 127] \ {0}) with probability `density` (CSR benches). */
export function sparseWeights(n, density, rnd) {
  const w = new Int8Array(n);
  for (let i = 0; i < n; i++) if (rnd() < density) w[i] = ((rnd() * 255) | 0) - 127 || 1;
  return w;
}

/** n int8 in [-128, 127]. */
export const randI8 = (n, rnd) => Int8Array.from({ length: n }, () => Math.floor(rnd() * 256) - 128);
/** n values in {-1, +1} (binary operands for packBits). */
export const randPm1 = (n, rnd) => Float32Array.from({ length: n }, () => (rnd() < 0.5 ? -1 : 1));
/** n values in {-1, 0, +1} (ternary operands for packTernary). */
export const randTernary = (n, rnd) => Float32Array.from({ length: n }, () => Math.floor(rnd() * 3) - 1);
