// u8 x s8 -> s32 GEMM: C[M x N] = A[M x K] (uint8 activations) x B^T where B is given as
// N x K int8 (each output column's weights contiguous). Raw sums, wrapping mod 2^32; zero-point
// corrections happen in the output stage (common/requant.ts) from the row sums of A and the
// column sums of B that packing returns. Signed int8 activations are passed as uint8 by the
// caller (x ^ 0x80, zero point + 128).
//
// Contract (stable; the packed layouts below are private to this file and differ per build):
//   u8s8_gemm_packed_b_bytes(N, K) / u8s8_gemm_pack_b(bt, ldb, N, K, packed, colSums)
//   u8s8_gemm_packed_a_bytes(M, K) / u8s8_gemm_pack_a(a, lda, M, K, packed, rowSums) -> max(A)
//   u8s8_gemm(M, N, K, packedA, packedB, c, ldc, aMax)   (aMax is ignored, see u8s8_gemm)
// A packed buffer is only valid for the build (and M/N, K) that packed it.
//
// Micro-kernels (each won a measured comparison of tiles and k-layouts on x64 Node 20): one
// MR x NR tile of C per call, accumulators in registers over the whole K chunk.
//   scalar   4x4      16 i32 accumulators.
//   simd     3x12c2   A broadcast as one k-pair (2 x u16, v128.load32_splat), B as 3 vectors of
//                     4 columns x 2 k (i16); i32x4.dot_i16x8_s. 9 accumulators + 3 B + 1 A = 13
//                     v128 registers: no spills on x64 (V8 keeps one as scratch).
//   relaxed  3x12c4hyb  per 3-row panel of A: if every a <= 127 the panel takes the relaxed-dot
//                     path (4 k per lane, a is the [0,127] operand so the result is deterministic),
//                     otherwise the 3x12c2 path. Both B layouts are packed.
//   A last panel holding one row (M % 3 == 1, e.g. M = 1) runs a 1x12 kernel of the same kind;
//   on the relaxed build a one-row panel with values > 127 is split as a = lo + 128 * hi
//   (flag 2) and, when B is too big for L2, runs 1x12c4split on the int8 c4 B: two relaxed dots
//   per quad, but half the bytes of the c2 B, which is what such a product is bound by.
//
// Packed layouts (kp = ceil(K/2), kq = ceil(K/4); P = the padding GEMM_READ_PAST). Padding rows,
// columns and k are zeros, so edge tiles compute exact sums; panels are contiguous over K, so a
// K chunk is an offset into a panel.
//   scalar  A: [ceil(M/4)][K][4] u8                          = mp*K*4 bytes + P
//           B: [ceil(N/4)][K][4] s8                          = np*K*4 bytes + P
//   simd    A: [ceil(M/3)][kp][3 rows][2 k] u16 (zero-ext.)  = mp*kp*12 bytes + P
//           B: [ceil(N/12)][kp][3][4 cols][2 k] i16          = np*kp*48 bytes + P
//   relaxed A: mp slots of kp*12 bytes, then mp flag bytes, + P. Slot i holds
//              flag 0 (all a <= 127): [kq][3 rows][4 k] u8 (the c4 layout, in the slot's front)
//              flag 1:                the simd layout [kp][3 rows][2 k] u16
//              flag 2 (one row, some a > 127): flag 1's layout, plus in the padding-row bytes
//                     lo = a & 127 and hi = a >> 7 of quad q at slot + 4 + 24 q (4 + 4 bytes)
//           B: the simd B, then [ceil(N/12)][kq][3][4 cols][4 k] s8 = np*(kp+kq)*48 bytes + P
// Kernels read nothing outside these; C is written only inside M x N (edge tiles go through a
// static scratch tile).

/** Slack bytes the *_bytes functions add after every packed buffer (kept for the contract). */
export const GEMM_READ_PAST: i32 = 64;

// K per chunk: C is accumulated chunk by chunk so a B panel (<= 1024/2 * 48 = 24 KiB) stays in L1.
// A multiple of 4 so chunk starts are whole k-pairs and k-quads.
const KC: i32 = 1024;

// Edge tiles are computed whole into this tile and copied in part to C.
const TILE: usize = memory.data(256, 16);

@inline function cdiv(a: i32, b: i32): i32 {
  return (a + b - 1) / b;
}
@inline function imin(a: i32, b: i32): i32 {
  return a < b ? a : b;
}

// Copies (acc: adds) the top-left mr x nr of TILE (row stride NR i32) into C (ldcb: bytes).
function edgeStore(c: usize, ldcb: usize, mr: i32, nr: i32, NR: i32, acc: bool): void {
  for (let r = 0; r < mr; r++) {
    const src = TILE + <usize>(r * NR * 4);
    const dst = c + <usize>r * ldcb;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      // Whole 4-column groups as vectors (e.g. the 8 valid columns of a 12-wide edge panel).
      for (; j + 4 <= nr; j += 4) {
        const p = dst + (<usize>j << 2);
        const v = v128.load(src + (<usize>j << 2));
        v128.store(p, acc ? i32x4.add(v128.load(p), v) : v);
      }
    }
    for (; j < nr; j++) {
      const p = dst + (<usize>j << 2);
      const v = load<i32>(src + (<usize>j << 2));
      store<i32>(p, acc ? load<i32>(p) + v : v);
    }
  }
}

// ============================== sizes ==============================

/** Bytes of the packed form of an N x K weight matrix (this build's layout, plus slack). */
export function u8s8_gemm_packed_b_bytes(N: i32, K: i32): i32 {
  if (ASC_FEATURE_RELAXED_SIMD) return cdiv(N, 12) * (cdiv(K, 2) + cdiv(K, 4)) * 48 + GEMM_READ_PAST;
  if (ASC_FEATURE_SIMD) return cdiv(N, 12) * cdiv(K, 2) * 48 + GEMM_READ_PAST;
  return cdiv(N, 4) * K * 4 + GEMM_READ_PAST;
}

/** Bytes of the packed form of an M x K activation matrix (this build's layout, plus slack). */
export function u8s8_gemm_packed_a_bytes(M: i32, K: i32): i32 {
  if (ASC_FEATURE_RELAXED_SIMD) return cdiv(M, 3) * (cdiv(K, 2) * 12 + 1) + GEMM_READ_PAST;
  if (ASC_FEATURE_SIMD) return cdiv(M, 3) * cdiv(K, 2) * 12 + GEMM_READ_PAST;
  return cdiv(M, 4) * K * 4 + GEMM_READ_PAST;
}

// ============================== B packing (once per weight tensor) ==============================

/** Packs B^T (N x K int8, row stride ldb bytes); writes sum_k B[n,k] to colSums[n] (i32). */
export function u8s8_gemm_pack_b(bt: usize, ldb: i32, N: i32, K: i32, packed: usize, colSums: usize): void {
  for (let n = 0; n < N; n++) {
    const src = bt + <usize>n * ldb;
    let s: i32 = 0;
    for (let k = 0; k < K; k++) s += <i32>load<i8>(src + k);
    store<i32>(colSums + (<usize>n << 2), s);
  }
  if (ASC_FEATURE_SIMD) {
    packB12c2(bt, ldb, N, K, packed);
    if (ASC_FEATURE_RELAXED_SIMD) packB12c4(bt, ldb, N, K, packed + <usize>cdiv(N, 12) * cdiv(K, 2) * 48);
  } else {
    packB4(bt, ldb, N, K, packed);
  }
}

// [np][K][4] s8.
function packB4(bt: usize, ldb: i32, N: i32, K: i32, out: usize): void {
  const np = cdiv(N, 4);
  for (let n = 0; n < np * 4; n++) {
    const dst = out + <usize>(n >> 2) * K * 4 + <usize>(n & 3);
    const src = bt + <usize>n * ldb;
    if (n < N) for (let k = 0; k < K; k++) store<i8>(dst + (<usize>k << 2), load<i8>(src + k));
    else for (let k = 0; k < K; k++) store<i8>(dst + (<usize>k << 2), 0);
  }
}

// [np][kp][3][4 cols][2 k] i16: column n of a panel sits in vector n/4, lane n%4, as (k, k+1).
function packB12c2(bt: usize, ldb: i32, N: i32, K: i32, out: usize): void {
  const kp = cdiv(K, 2);
  const np = cdiv(N, 12);
  const half = K >> 1;
  for (let n = 0; n < np * 12; n++) {
    const j = n % 12;
    const dst = out + (<usize>(n / 12) * kp * 48) + <usize>((j >> 2) * 16 + (j & 3) * 4);
    const src = bt + <usize>n * ldb;
    if (n < N) {
      for (let p = 0; p < half; p++) {
        const lo = <u32>(<u16>(<i16>load<i8>(src + 2 * p)));
        const hi = <u32>(<u16>(<i16>load<i8>(src + 2 * p + 1)));
        store<u32>(dst + <usize>p * 48, lo | (hi << 16));
      }
      if (K & 1) store<u32>(dst + <usize>half * 48, <u32>(<u16>(<i16>load<i8>(src + K - 1))));
    } else {
      for (let p = 0; p < kp; p++) store<u32>(dst + <usize>p * 48, 0);
    }
  }
}

// [np][kq][3][4 cols][4 k] s8: column n of a panel sits in vector n/4, lane n%4, as k..k+3.
function packB12c4(bt: usize, ldb: i32, N: i32, K: i32, out: usize): void {
  const kq = cdiv(K, 4);
  const np = cdiv(N, 12);
  const full = K >> 2;
  for (let n = 0; n < np * 12; n++) {
    const j = n % 12;
    const dst = out + (<usize>(n / 12) * kq * 48) + <usize>((j >> 2) * 16 + (j & 3) * 4);
    const src = bt + <usize>n * ldb;
    if (n < N) {
      for (let q = 0; q < full; q++) store<u32>(dst + <usize>q * 48, load<u32>(src + 4 * q));
      if (K & 3) {
        let w: u32 = 0;
        for (let k = full * 4; k < K; k++) w |= <u32>load<u8>(src + k) << (<u32>(k & 3) << 3);
        store<u32>(dst + <usize>full * 48, w);
      }
    } else {
      for (let q = 0; q < kq; q++) store<u32>(dst + <usize>q * 48, 0);
    }
  }
}

// ============================== A packing (per call: vectorised) ==============================

/**
 * Packs A (M x K uint8, row stride lda bytes) into this build's layout; writes the row sums
 * sum_k A[m,k] (i32) to rowSums[m] and returns max(A) (0 when M or K is 0).
 */
export function u8s8_gemm_pack_a(a: usize, lda: i32, M: i32, K: i32, packed: usize, rowSums: usize): i32 {
  if (ASC_FEATURE_SIMD) {
    const mp = cdiv(M, 3);
    const slot = <usize>cdiv(K, 2) * 12;
    const flags = packed + <usize>mp * slot;
    let mx: i32 = 0;
    for (let ip = 0; ip < mp; ip++) {
      const m = ip * 3;
      const rows = imin(3, M - m);
      const src = a + <usize>m * lda;
      const dst = packed + <usize>ip * slot;
      const pmax = packPanel3c2(src, lda, rows, K, dst, rowSums + (<usize>m << 2));
      if (pmax > mx) mx = pmax;
      if (ASC_FEATURE_RELAXED_SIMD) {
        const fast = pmax <= 127;
        if (fast) packPanel3c4(src, lda, rows, K, dst);
        else if (rows == 1) packRow1c4Split(src, K, dst + 4);
        store<u8>(flags + ip, fast ? 0 : rows == 1 ? 2 : 1);
      }
    }
    return mx;
  } else {
    return packA4(a, lda, M, K, packed, rowSums);
  }
}

// Scalar layout [mp][K][4] u8, with row sums and max.
function packA4(a: usize, lda: i32, M: i32, K: i32, out: usize, rowSums: usize): i32 {
  const mp = cdiv(M, 4);
  let mx: i32 = 0;
  for (let m = 0; m < mp * 4; m++) {
    const dst = out + <usize>(m >> 2) * K * 4 + <usize>(m & 3);
    if (m < M) {
      const src = a + <usize>m * lda;
      let s: i32 = 0;
      for (let k = 0; k < K; k++) {
        const v = <i32>load<u8>(src + k);
        store<u8>(dst + (<usize>k << 2), <u8>v);
        s += v;
        if (v > mx) mx = v;
      }
      store<i32>(rowSums + (<usize>m << 2), s);
    } else {
      for (let k = 0; k < K; k++) store<u8>(dst + (<usize>k << 2), 0);
    }
  }
  return mx;
}

// Interleaves the u32 lanes of three rows x = [x0..x3], y, z into x0 y0 z0 x1 | y1 z1 x2 y2 |
// z2 x3 y3 z3 (48 bytes at dst): four k-steps of a 3-row panel.
@inline function store3(dst: usize, x: v128, y: v128, z: v128): void {
  const xyLo = i32x4.shuffle(x, y, 0, 4, 1, 5); // x0 y0 x1 y1
  const yz = i32x4.shuffle(y, z, 1, 5, 2, 6); //   y1 z1 y2 z2
  const xyHi = i32x4.shuffle(x, y, 2, 6, 3, 7); // x2 y2 x3 y3
  v128.store(dst, i32x4.shuffle(xyLo, z, 0, 1, 4, 2), 0);
  v128.store(dst, i32x4.shuffle(yz, x, 0, 1, 6, 2), 16);
  v128.store(dst, i32x4.shuffle(xyHi, z, 6, 2, 3, 7), 32);
}

@inline function hsum(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

@inline function hmaxU16(v: v128): i32 {
  v = i16x8.max_u(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  v = i16x8.max_u(v, i32x4.shuffle(v, v, 1, 0, 3, 2));
  return max(<i32>i16x8.extract_lane_u(v, 0), <i32>i16x8.extract_lane_u(v, 1));
}

// One 3-row panel (rows < 3: the missing rows are zeros) in the c2 layout [kp][3][2] u16; writes
// the `rows` row sums and returns the panel's max.
function packPanel3c2(src: usize, lda: i32, rows: i32, K: i32, dst: usize, rowSums: usize): i32 {
  if (ASC_FEATURE_SIMD) {
    const r0 = src;
    const r1 = src + <usize>lda;
    const r2 = r1 + <usize>lda;
    const zero = i32x4.splat(0);
    let s0 = zero, s1 = zero, s2 = zero, mx = zero;
    const k8 = K & ~7;
    let k = 0;
    for (; k < k8; k += 8) {
      // 8 k of each row zero-extended to u16 = 4 k-pairs (u32 lanes).
      const x = v128.load8x8_u(r0 + k);
      const y = rows > 1 ? v128.load8x8_u(r1 + k) : zero;
      const z = rows > 2 ? v128.load8x8_u(r2 + k) : zero;
      s0 = i32x4.add(s0, i32x4.extadd_pairwise_i16x8_u(x));
      s1 = i32x4.add(s1, i32x4.extadd_pairwise_i16x8_u(y));
      s2 = i32x4.add(s2, i32x4.extadd_pairwise_i16x8_u(z));
      mx = i16x8.max_u(mx, i16x8.max_u(x, i16x8.max_u(y, z)));
      store3(dst + <usize>(k >> 1) * 12, x, y, z);
    }
    let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2);
    let m = hmaxU16(mx);
    // Tail: the remaining k one pair at a time.
    for (; k < K; k += 2) {
      const d = dst + <usize>(k >> 1) * 12;
      const hasHi = k + 1 < K;
      for (let r = 0; r < 3; r++) {
        let w: u32 = 0;
        if (r < rows) {
          const p = src + <usize>r * lda + k;
          const lo = <i32>load<u8>(p);
          const hi = hasHi ? <i32>load<u8>(p + 1) : 0;
          w = <u32>lo | (<u32>hi << 16);
          const add = lo + hi;
          if (r == 0) t0 += add;
          else if (r == 1) t1 += add;
          else t2 += add;
          m = max(m, max(lo, hi));
        }
        store<u32>(d + <usize>r * 4, w);
      }
    }
    store<i32>(rowSums, t0);
    if (rows > 1) store<i32>(rowSums, t1, 4);
    if (rows > 2) store<i32>(rowSums, t2, 8);
    return m;
  }
  return 0;
}

// One 3-row panel in the c4 layout [kq][3][4] u8 (relaxed build, panels whose max is <= 127).
function packPanel3c4(src: usize, lda: i32, rows: i32, K: i32, dst: usize): void {
  if (ASC_FEATURE_SIMD) {
    const r1 = src + <usize>lda;
    const r2 = r1 + <usize>lda;
    const zero = i32x4.splat(0);
    const k16 = K & ~15;
    let k = 0;
    for (; k < k16; k += 16) {
      const x = v128.load(src + k);
      const y = rows > 1 ? v128.load(r1 + k) : zero;
      const z = rows > 2 ? v128.load(r2 + k) : zero;
      store3(dst + <usize>(k >> 2) * 12, x, y, z);
    }
    // Tail: the remaining k one quad at a time, zeros past K.
    for (; k < K; k += 4) {
      const d = dst + <usize>(k >> 2) * 12;
      const n = imin(4, K - k);
      for (let r = 0; r < 3; r++) {
        let w: u32 = 0;
        if (r < rows) {
          const p = src + <usize>r * lda + k;
          for (let t = 0; t < n; t++) w |= <u32>load<u8>(p + t) << (<u32>t << 3);
        }
        store<u32>(d + <usize>r * 4, w);
      }
    }
  }
}

// One row (a one-row last panel, e.g. M = 1) with values > 127, split as a = lo + 128 * hi
// (lo = a & 127, hi = a >> 7, both in [0, 127]: deterministic relaxed dots), written into the
// padding-row bytes of its c2 slot, which no kernel reads for a one-row panel: quad q at
// dst + 24 q (lo, 4 bytes) and dst + 24 q + 4 (hi), with dst = slot + 4; zeros past K. The c2
// data stays valid, so the GEMM can still choose either path.
function packRow1c4Split(src: usize, K: i32, dst: usize): void {
  const kq = cdiv(K, 4);
  for (let q = 0; q < kq; q++) {
    let lo: u32 = 0;
    let hi: u32 = 0;
    if (q * 4 + 4 <= K) {
      const v = load<u32>(src + <usize>q * 4);
      lo = v & 0x7f7f7f7f;
      hi = (v >> 7) & 0x01010101;
    } else {
      for (let k = q * 4; k < K; k++) {
        const v = <u32>load<u8>(src + k);
        lo |= (v & 127) << (<u32>(k & 3) << 3);
        hi |= (v >> 7) << (<u32>(k & 3) << 3);
      }
    }
    store<u32>(dst + <usize>q * 24, lo);
    store<u32>(dst + <usize>q * 24, hi, 4);
  }
}

// B bytes (int8 c4) from which a split matrix-vector product beats the c2 one: below this the
// i16 c2 B (twice as big) still streams from L2 and the c2 kernel's fewer ops win (measured on
// x64: 800 x 500 c2 faster, 4096 x 4096 split 1.4-1.6x faster).
const SPLIT_MIN_B_BYTES: i32 = 2 << 20;

// ============================== GEMM ==============================

/**
 * C[m, n] = sum_k A[m, k] * B[n, k] (int32, wrapping) for packed A and B of this build; ldc in
 * elements (>= N). Only the M x N block of C is written. `aMax` (pack_a's return value) is
 * IGNORED: the relaxed build takes its per-panel choice from flags that pack_a stores in packed
 * A; the parameter stays for the contract.
 */
export function u8s8_gemm(M: i32, N: i32, K: i32, packedA: usize, packedB: usize, c: usize, ldc: i32, aMax: i32): void {
  if (M <= 0 || N <= 0) return;
  if (ASC_FEATURE_SIMD) gemm3x12(M, N, K, packedA, packedB, c, ldc);
  else gemm4x4(M, N, K, packedA, packedB, c, ldc);
}

// K chunks outermost (C accumulates from the second chunk on), then B panels, then A panels: one
// B panel chunk stays in L1 while every A panel streams past it. K = 0 still writes zeros.
function gemm4x4(M: i32, N: i32, K: i32, pa: usize, pb: usize, c: usize, ldc: i32): void {
  const mp = cdiv(M, 4);
  const np = cdiv(N, 4);
  const ldcb = <usize>ldc << 2;
  let k0 = 0;
  do {
    const kn = imin(KC, K - k0);
    for (let jn = 0; jn < np; jn++) {
      const b = pb + (<usize>jn * K + k0) * 4;
      const nr = imin(4, N - jn * 4);
      for (let im = 0; im < mp; im++) {
        const cp = c + <usize>im * 4 * ldcb + (<usize>jn << 4);
        uk4x4(pa + (<usize>im * K + k0) * 4, b, kn, cp, ldcb, imin(4, M - im * 4), nr, k0 > 0);
      }
    }
    k0 += KC;
  } while (k0 < K);
}

function gemm3x12(M: i32, N: i32, K: i32, pa: usize, pb: usize, c: usize, ldc: i32): void {
  if (ASC_FEATURE_SIMD) {
    const mp = cdiv(M, 3);
    const np = cdiv(N, 12);
    const kp = cdiv(K, 2);
    const kq = cdiv(K, 4);
    const slot = <usize>kp * 12;
    const flags = pa + <usize>mp * slot; // relaxed build only
    const pb4 = pb + <usize>np * kp * 48; // relaxed build only
    const ldcb = <usize>ldc << 2;
    const split = <i64>np * kq * 48 >= SPLIT_MIN_B_BYTES;
    let k0 = 0;
    do {
      const kn = imin(KC, K - k0);
      const kn2 = cdiv(kn, 2);
      const kn4 = cdiv(kn, 4);
      for (let jn = 0; jn < np; jn++) {
        const b2 = pb + (<usize>jn * kp + (k0 >> 1)) * 48;
        const b4 = pb4 + (<usize>jn * kq + (k0 >> 2)) * 48;
        const nr = imin(12, N - jn * 12);
        for (let im = 0; im < mp; im++) {
          const cp = c + <usize>im * 3 * ldcb + <usize>jn * 48;
          const mr = imin(3, M - im * 3);
          const a = pa + <usize>im * slot;
          // A last panel of one row (M = 1: a matrix-vector product) skips the two zero rows.
          const flag = ASC_FEATURE_RELAXED_SIMD ? load<u8>(flags + im) : 1;
          if (ASC_FEATURE_RELAXED_SIMD && flag == 2 && split) {
            uk1x12c4split(a + 4 + <usize>(k0 >> 2) * 24, b4, kn4, cp, nr, k0 > 0);
          } else if (ASC_FEATURE_RELAXED_SIMD && flag == 0) {
            if (mr == 1) uk1x12c4(a + <usize>(k0 >> 2) * 12, b4, kn4, cp, nr, k0 > 0);
            else uk3x12c4(a + <usize>(k0 >> 2) * 12, b4, kn4, cp, ldcb, mr, nr, k0 > 0);
          } else {
            if (mr == 1) uk1x12c2(a + <usize>(k0 >> 1) * 12, b2, kn2, cp, nr, k0 > 0);
            else uk3x12c2(a + <usize>(k0 >> 1) * 12, b2, kn2, cp, ldcb, mr, nr, k0 > 0);
          }
        }
      }
      k0 += KC;
    } while (k0 < K);
  }
}

// ============================== micro-kernels ==============================

// 4 x 4 tile over kn k: A [kn][4] u8, B [kn][4] s8.
function uk4x4(pa: usize, pb: usize, kn: i32, c: usize, ldcb: usize, mr: i32, nr: i32, acc: bool): void {
  let c00: i32 = 0, c01: i32 = 0, c02: i32 = 0, c03: i32 = 0;
  let c10: i32 = 0, c11: i32 = 0, c12: i32 = 0, c13: i32 = 0;
  let c20: i32 = 0, c21: i32 = 0, c22: i32 = 0, c23: i32 = 0;
  let c30: i32 = 0, c31: i32 = 0, c32: i32 = 0, c33: i32 = 0;
  for (let k = 0; k < kn; k++) {
    const a0 = <i32>load<u8>(pa, 0), a1 = <i32>load<u8>(pa, 1), a2 = <i32>load<u8>(pa, 2), a3 = <i32>load<u8>(pa, 3);
    const b0 = <i32>load<i8>(pb, 0), b1 = <i32>load<i8>(pb, 1), b2 = <i32>load<i8>(pb, 2), b3 = <i32>load<i8>(pb, 3);
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    pa += 4;
    pb += 4;
  }
  // Straight-line paths per case, as in store3x12.
  if (mr == 4 && nr == 4) {
    if (acc) {
      store4(c, c00, c01, c02, c03, true);
      store4(c + ldcb, c10, c11, c12, c13, true);
      store4(c + 2 * ldcb, c20, c21, c22, c23, true);
      store4(c + 3 * ldcb, c30, c31, c32, c33, true);
    } else {
      store4(c, c00, c01, c02, c03, false);
      store4(c + ldcb, c10, c11, c12, c13, false);
      store4(c + 2 * ldcb, c20, c21, c22, c23, false);
      store4(c + 3 * ldcb, c30, c31, c32, c33, false);
    }
  } else {
    // An edge tile goes through TILE (row stride 16 bytes).
    store4(TILE, c00, c01, c02, c03, false);
    store4(TILE + 16, c10, c11, c12, c13, false);
    store4(TILE + 32, c20, c21, c22, c23, false);
    store4(TILE + 48, c30, c31, c32, c33, false);
    edgeStore(c, ldcb, mr, nr, 4, acc);
  }
}

@inline function store4(p: usize, v0: i32, v1: i32, v2: i32, v3: i32, add: bool): void {
  if (add) {
    v0 += load<i32>(p, 0);
    v1 += load<i32>(p, 4);
    v2 += load<i32>(p, 8);
    v3 += load<i32>(p, 12);
  }
  store<i32>(p, v0, 0);
  store<i32>(p, v1, 4);
  store<i32>(p, v2, 8);
  store<i32>(p, v3, 12);
}

// 3 x 12 tile over kn2 k-pairs: A [kn2][3][2] u16 broadcast per row, B [kn2][3 vectors][4][2] i16.
function uk3x12c2(pa: usize, pb: usize, kn2: i32, c: usize, ldcb: usize, mr: i32, nr: i32, acc: bool): void {
  if (ASC_FEATURE_SIMD) {
    let c00 = i32x4.splat(0), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00, c20 = c00, c21 = c00, c22 = c00;
    for (let p = 0; p < kn2; p++) {
      const b0 = v128.load(pb, 0), b1 = v128.load(pb, 16), b2 = v128.load(pb, 32);
      let a = v128.load32_splat(pa, 0);
      c00 = i32x4.add(c00, i32x4.dot_i16x8_s(a, b0));
      c01 = i32x4.add(c01, i32x4.dot_i16x8_s(a, b1));
      c02 = i32x4.add(c02, i32x4.dot_i16x8_s(a, b2));
      a = v128.load32_splat(pa, 4);
      c10 = i32x4.add(c10, i32x4.dot_i16x8_s(a, b0));
      c11 = i32x4.add(c11, i32x4.dot_i16x8_s(a, b1));
      c12 = i32x4.add(c12, i32x4.dot_i16x8_s(a, b2));
      a = v128.load32_splat(pa, 8);
      c20 = i32x4.add(c20, i32x4.dot_i16x8_s(a, b0));
      c21 = i32x4.add(c21, i32x4.dot_i16x8_s(a, b1));
      c22 = i32x4.add(c22, i32x4.dot_i16x8_s(a, b2));
      pa += 12;
      pb += 48;
    }
    store3x12(c, ldcb, mr, nr, acc, c00, c01, c02, c10, c11, c12, c20, c21, c22);
  }
}

// Relaxed dot of 4 k with the Node 20 workaround. On x64 Node 20.20 (V8 11.3) the baseline tier
// (Liftoff) miscompiles the FUSED i32x4.relaxed_dot_i8x16_i7x16_add_s when its operands are
// different registers: it returns 2*dot(a, b) and drops the accumulator. Repro: a = -5..10,
// b = 0..15, acc = [100,200,300,400] gives [-32,32,352,928] under --liftoff-only instead of
// [84,216,476,864]; TurboFan is right. Default tiering runs Liftoff code until tier-up, so short
// runs (tests, first calls) hit it. The unfused i16 relaxed dot + extadd_pairwise is exact in
// both tiers and measured as fast under TurboFan. test/gemm/liftoff-child.mjs guards this.
// b is the signed weight operand; a is in [0, 127] (the panel's flag says so), which makes the
// result deterministic; pair sums are at most 2*128*127 = 32512, so the i16 step cannot saturate.
@inline function rdot(c: v128, b: v128, a: v128): v128 {
  return i32x4.add(c, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b, a)));
}

// 3 x 12 tile over kn4 k-quads: A [kn4][3][4] u8 (all <= 127), B [kn4][3 vectors][4][4] s8.
function uk3x12c4(pa: usize, pb: usize, kn4: i32, c: usize, ldcb: usize, mr: i32, nr: i32, acc: bool): void {
  if (ASC_FEATURE_RELAXED_SIMD) {
    let c00 = i32x4.splat(0), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00, c20 = c00, c21 = c00, c22 = c00;
    for (let q = 0; q < kn4; q++) {
      const b0 = v128.load(pb, 0), b1 = v128.load(pb, 16), b2 = v128.load(pb, 32);
      let a = v128.load32_splat(pa, 0);
      c00 = rdot(c00, b0, a);
      c01 = rdot(c01, b1, a);
      c02 = rdot(c02, b2, a);
      a = v128.load32_splat(pa, 4);
      c10 = rdot(c10, b0, a);
      c11 = rdot(c11, b1, a);
      c12 = rdot(c12, b2, a);
      a = v128.load32_splat(pa, 8);
      c20 = rdot(c20, b0, a);
      c21 = rdot(c21, b1, a);
      c22 = rdot(c22, b2, a);
      pa += 12;
      pb += 48;
    }
    store3x12(c, ldcb, mr, nr, acc, c00, c01, c02, c10, c11, c12, c20, c21, c22);
  }
}

// Row 0 of a 3-row c2 panel (the others are padding) x 12 columns.
function uk1x12c2(pa: usize, pb: usize, kn2: i32, c: usize, nr: i32, acc: bool): void {
  if (ASC_FEATURE_SIMD) {
    let c0 = i32x4.splat(0), c1 = c0, c2 = c0;
    for (let p = 0; p < kn2; p++) {
      const a = v128.load32_splat(pa);
      c0 = i32x4.add(c0, i32x4.dot_i16x8_s(a, v128.load(pb, 0)));
      c1 = i32x4.add(c1, i32x4.dot_i16x8_s(a, v128.load(pb, 16)));
      c2 = i32x4.add(c2, i32x4.dot_i16x8_s(a, v128.load(pb, 32)));
      pa += 12;
      pb += 48;
    }
    store1x12(c, nr, acc, c0, c1, c2);
  }
}

// Row 0 of a 3-row c4 panel x 12 columns (relaxed path).
function uk1x12c4(pa: usize, pb: usize, kn4: i32, c: usize, nr: i32, acc: bool): void {
  if (ASC_FEATURE_RELAXED_SIMD) {
    let c0 = i32x4.splat(0), c1 = c0, c2 = c0;
    for (let q = 0; q < kn4; q++) {
      const a = v128.load32_splat(pa);
      c0 = rdot(c0, v128.load(pb, 0), a);
      c1 = rdot(c1, v128.load(pb, 16), a);
      c2 = rdot(c2, v128.load(pb, 32), a);
      pa += 12;
      pb += 48;
    }
    store1x12(c, nr, acc, c0, c1, c2);
  }
}

// One split row (packRow1c4Split: lo, hi in [0, 127], quads 24 bytes apart) x 12 columns:
// sum b * a = sum b * lo + 128 * sum b * hi (wrapping like the i32 sums of the other kernels).
function uk1x12c4split(pa: usize, pb: usize, kn4: i32, c: usize, nr: i32, acc: bool): void {
  if (ASC_FEATURE_RELAXED_SIMD) {
    let c0 = i32x4.splat(0), c1 = c0, c2 = c0, h0 = c0, h1 = c0, h2 = c0;
    for (let q = 0; q < kn4; q++) {
      const b0 = v128.load(pb, 0), b1 = v128.load(pb, 16), b2 = v128.load(pb, 32);
      const a = v128.load32_splat(pa, 0);
      const h = v128.load32_splat(pa, 4);
      c0 = rdot(c0, b0, a);
      c1 = rdot(c1, b1, a);
      c2 = rdot(c2, b2, a);
      h0 = rdot(h0, b0, h);
      h1 = rdot(h1, b1, h);
      h2 = rdot(h2, b2, h);
      pa += 24;
      pb += 48;
    }
    c0 = i32x4.add(c0, i32x4.shl(h0, 7));
    c1 = i32x4.add(c1, i32x4.shl(h1, 7));
    c2 = i32x4.add(c2, i32x4.shl(h2, 7));
    store1x12(c, nr, acc, c0, c1, c2);
  }
}

@inline function store1x12(c: usize, nr: i32, acc: bool, c0: v128, c1: v128, c2: v128): void {
  if (nr == 12) {
    if (acc) store12(c, c0, c1, c2, true);
    else store12(c, c0, c1, c2, false);
  } else {
    store12(TILE, c0, c1, c2, false);
    edgeStore(c, 0, 1, nr, 12, acc);
  }
}

@inline function store3x12(
  c: usize, ldcb: usize, mr: i32, nr: i32, acc: bool,
  c00: v128, c01: v128, c02: v128, c10: v128, c11: v128, c12: v128, c20: v128, c21: v128, c22: v128,
): void {
  // Straight-line paths per case: a select-based version (one store sequence for C or TILE)
  // made V8 allocate registers worse and ran the 512^3 GEMM 2x slower.
  if (mr == 3 && nr == 12) {
    if (acc) {
      store12(c, c00, c01, c02, true);
      store12(c + ldcb, c10, c11, c12, true);
      store12(c + 2 * ldcb, c20, c21, c22, true);
    } else {
      store12(c, c00, c01, c02, false);
      store12(c + ldcb, c10, c11, c12, false);
      store12(c + 2 * ldcb, c20, c21, c22, false);
    }
  } else {
    store12(TILE, c00, c01, c02, false);
    store12(TILE + 48, c10, c11, c12, false);
    store12(TILE + 96, c20, c21, c22, false);
    edgeStore(c, ldcb, mr, nr, 12, acc);
  }
}

@inline function store12(p: usize, v0: v128, v1: v128, v2: v128, add: bool): void {
  if (add) {
    v0 = i32x4.add(v0, v128.load(p, 0));
    v1 = i32x4.add(v1, v128.load(p, 16));
    v2 = i32x4.add(v2, v128.load(p, 32));
  }
  v128.store(p, v0, 0);
  v128.store(p, v1, 16);
  v128.store(p, v2, 32);
}
