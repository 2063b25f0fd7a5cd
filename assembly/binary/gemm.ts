// Binary and ternary GEMMs: C[m, n] (int32) = dot(row m of A, row n of B) under conventions.ts.
// Rows are packed words (lda / ldb in words) or uint8 bytes (lda in bytes); ldc in elements.
// binaryGemm / binaryConv2d run packed x packed products on the panel kernels further down
// (b1b1_gemm_panel, t2t2_gemm_panel: operands repacked into 4-row panels; their comment has the
// measurements and the popcount choice per build). The row-layout kernels stay exported for
// direct use and to re-measure the choice (bench/binary.mjs): b1b1_gemm_xnor (v128 XOR +
// i8x16.popcnt in SIMD builds), b1b1_gemm_xnor_u64 (popcnt<u64>), t2t2_gemm (popcnt<u64>).

// @ts-ignore: decorator
@inline function pc(x: u64): i32 {
  return <i32>popcnt<u64>(x);
}

/**
 * XNOR-popcount GEMM: C[m, n] = Kbits - 2 * popcount(A[m] XOR B[n]) over Kw words (pad bits 0
 * in both). Register tile 2 x 4. SIMD builds: v128 XOR + i8x16.popcnt into byte counters
 * (widened every 31 steps); scalar build: {@link b1b1_gemm_xnor_u64}.
 */
export function b1b1_gemm_xnor(M: i32, N: i32, Kw: i32, Kbits: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32): void {
  const la = <usize>lda << 3, lb = <usize>ldb << 3, lc = <usize>ldc << 2;
  let m = 0;
  if (ASC_FEATURE_SIMD) {
    // v128 XOR + i8x16.popcnt: faster than popcnt<u64> in the SIMD builds here (bench/binary.mjs).
    for (; m + 2 <= M; m += 2) {
      const a0 = a + <usize>m * la, a1 = a0 + la;
      const c0 = c + <usize>m * lc, c1 = c0 + lc;
      let n = 0;
      for (; n + 4 <= N; n += 4) {
        const b0 = b + <usize>n * lb;
        const o = <usize>n << 2;
        xnorTile2x4(a0, a1, b0, lb, Kw, Kbits, c0 + o, c1 + o);
      }
      for (; n < N; n++) {
        const b0 = b + <usize>n * lb;
        store<i32>(c0 + (<usize>n << 2), Kbits - 2 * xorPop(a0, b0, Kw));
        store<i32>(c1 + (<usize>n << 2), Kbits - 2 * xorPop(a1, b0, Kw));
      }
    }
    for (; m < M; m++) {
      const a0 = a + <usize>m * la, c0 = c + <usize>m * lc;
      for (let n = 0; n < N; n++) store<i32>(c0 + (<usize>n << 2), Kbits - 2 * xorPop(a0, b + <usize>n * lb, Kw));
    }
    return;
  }
  b1b1_gemm_xnor_u64(M, N, Kw, Kbits, a, lda, b, ldb, c, ldc);
}

/**
 * The popcnt<u64> variant of {@link b1b1_gemm_xnor} (the scalar build's path), exported in every
 * build so that the choice between the two popcounts can be re-measured (bench/binary.mjs).
 * Register tile 2 x 4 (2 + 4 word loads feed 8 XOR + popcount per k word).
 */
export function b1b1_gemm_xnor_u64(M: i32, N: i32, Kw: i32, Kbits: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32): void {
  const la = <usize>lda << 3, lb = <usize>ldb << 3, lc = <usize>ldc << 2;
  let m = 0;
  for (; m + 2 <= M; m += 2) {
    const a0 = a + <usize>m * la, a1 = a0 + la;
    const c0 = c + <usize>m * lc, c1 = c0 + lc;
    let n = 0;
    for (; n + 4 <= N; n += 4) {
      const b0 = b + <usize>n * lb, b1 = b0 + lb, b2 = b1 + lb, b3 = b2 + lb;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let k: usize = 0; k < (<usize>Kw << 3); k += 8) {
        const x0 = load<u64>(a0 + k), x1 = load<u64>(a1 + k);
        const w0 = load<u64>(b0 + k), w1 = load<u64>(b1 + k), w2 = load<u64>(b2 + k), w3 = load<u64>(b3 + k);
        s00 += pc(x0 ^ w0); s01 += pc(x0 ^ w1); s02 += pc(x0 ^ w2); s03 += pc(x0 ^ w3);
        s10 += pc(x1 ^ w0); s11 += pc(x1 ^ w1); s12 += pc(x1 ^ w2); s13 += pc(x1 ^ w3);
      }
      const o = <usize>n << 2;
      store<i32>(c0 + o, Kbits - 2 * s00); store<i32>(c0 + o, Kbits - 2 * s01, 4);
      store<i32>(c0 + o, Kbits - 2 * s02, 8); store<i32>(c0 + o, Kbits - 2 * s03, 12);
      store<i32>(c1 + o, Kbits - 2 * s10); store<i32>(c1 + o, Kbits - 2 * s11, 4);
      store<i32>(c1 + o, Kbits - 2 * s12, 8); store<i32>(c1 + o, Kbits - 2 * s13, 12);
    }
    for (; n < N; n++) {
      const b0 = b + <usize>n * lb;
      let s0 = 0, s1 = 0;
      for (let k: usize = 0; k < (<usize>Kw << 3); k += 8) {
        const w = load<u64>(b0 + k);
        s0 += pc(load<u64>(a0 + k) ^ w);
        s1 += pc(load<u64>(a1 + k) ^ w);
      }
      store<i32>(c0 + (<usize>n << 2), Kbits - 2 * s0);
      store<i32>(c1 + (<usize>n << 2), Kbits - 2 * s1);
    }
  }
  for (; m < M; m++) {
    const a0 = a + <usize>m * la, c0 = c + <usize>m * lc;
    for (let n = 0; n < N; n++) {
      const b0 = b + <usize>n * lb;
      let s = 0;
      for (let k: usize = 0; k < (<usize>Kw << 3); k += 8) s += pc(load<u64>(a0 + k) ^ load<u64>(b0 + k));
      store<i32>(c0 + (<usize>n << 2), Kbits - 2 * s);
    }
  }
}

// Sum of the 16 bytes of v (u8 counts) as i32 lanes (4 partial sums).
// @ts-ignore: decorator
@inline function widen(v: v128): v128 {
  return i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(v));
}

// [sum(a), sum(b), sum(c), sum(d)] of four i32x4.
// @ts-ignore: decorator
@inline function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = i32x4.add(i32x4.shuffle(a, b, 0, 2, 4, 6), i32x4.shuffle(a, b, 1, 3, 5, 7));
  const cd = i32x4.add(i32x4.shuffle(c, d, 0, 2, 4, 6), i32x4.shuffle(c, d, 1, 3, 5, 7));
  return i32x4.add(i32x4.shuffle(ab, cd, 0, 2, 4, 6), i32x4.shuffle(ab, cd, 1, 3, 5, 7));
}

/** popcount(a XOR b) over Kw words with v128 loads (the odd last word zero-extended). */
function xorPop(a: usize, b: usize, Kw: i32): i32 {
  let t = i32x4.splat(0);
  const end = <usize>Kw << 3;
  let k: usize = 0;
  while (k + 16 <= end) {
    let acc = i8x16.splat(0);
    // at most 31 byte-count adds of <= 8 before widening
    const stop = min(end & ~15, k + 31 * 16);
    for (; k < stop; k += 16) acc = i8x16.add(acc, i8x16.popcnt(v128.xor(v128.load(a + k), v128.load(b + k))));
    t = i32x4.add(t, widen(acc));
  }
  let s = i32x4.extract_lane(t, 0) + i32x4.extract_lane(t, 1) + i32x4.extract_lane(t, 2) + i32x4.extract_lane(t, 3);
  if (k < end) s += <i32>popcnt<u64>(load<u64>(a + k) ^ load<u64>(b + k));
  return s;
}

/** 2 rows of A x 4 rows of B (stride lb bytes), 8 byte-count accumulators, 4 results per row. */
// @ts-ignore: decorator
@inline function xnorTile2x4(a0: usize, a1: usize, b0: usize, lb: usize, Kw: i32, Kbits: i32, c0: usize, c1: usize): void {
  const b1 = b0 + lb, b2 = b1 + lb, b3 = b2 + lb;
  const z = i32x4.splat(0);
  let t00 = z, t01 = z, t02 = z, t03 = z, t10 = z, t11 = z, t12 = z, t13 = z;
  const end = <usize>Kw << 3;
  const vend = end & ~15;
  let k: usize = 0;
  while (k < vend) {
    let s00 = z, s01 = z, s02 = z, s03 = z, s10 = z, s11 = z, s12 = z, s13 = z;
    const stop = min(vend, k + 31 * 16);
    for (; k < stop; k += 16) {
      const x0 = v128.load(a0 + k), x1 = v128.load(a1 + k);
      let w = v128.load(b0 + k);
      s00 = i8x16.add(s00, i8x16.popcnt(v128.xor(x0, w))); s10 = i8x16.add(s10, i8x16.popcnt(v128.xor(x1, w)));
      w = v128.load(b1 + k);
      s01 = i8x16.add(s01, i8x16.popcnt(v128.xor(x0, w))); s11 = i8x16.add(s11, i8x16.popcnt(v128.xor(x1, w)));
      w = v128.load(b2 + k);
      s02 = i8x16.add(s02, i8x16.popcnt(v128.xor(x0, w))); s12 = i8x16.add(s12, i8x16.popcnt(v128.xor(x1, w)));
      w = v128.load(b3 + k);
      s03 = i8x16.add(s03, i8x16.popcnt(v128.xor(x0, w))); s13 = i8x16.add(s13, i8x16.popcnt(v128.xor(x1, w)));
    }
    t00 = i32x4.add(t00, widen(s00)); t01 = i32x4.add(t01, widen(s01)); t02 = i32x4.add(t02, widen(s02)); t03 = i32x4.add(t03, widen(s03));
    t10 = i32x4.add(t10, widen(s10)); t11 = i32x4.add(t11, widen(s11)); t12 = i32x4.add(t12, widen(s12)); t13 = i32x4.add(t13, widen(s13));
  }
  let r0 = hsum4(t00, t01, t02, t03), r1 = hsum4(t10, t11, t12, t13);
  if (k < end) {
    // odd last word: one u64 per pair
    const x0 = load<u64>(a0 + k), x1 = load<u64>(a1 + k);
    const w0 = load<u64>(b0 + k), w1 = load<u64>(b1 + k), w2 = load<u64>(b2 + k), w3 = load<u64>(b3 + k);
    r0 = i32x4.add(r0, i32x4(<i32>popcnt<u64>(x0 ^ w0), <i32>popcnt<u64>(x0 ^ w1), <i32>popcnt<u64>(x0 ^ w2), <i32>popcnt<u64>(x0 ^ w3)));
    r1 = i32x4.add(r1, i32x4(<i32>popcnt<u64>(x1 ^ w0), <i32>popcnt<u64>(x1 ^ w1), <i32>popcnt<u64>(x1 ^ w2), <i32>popcnt<u64>(x1 ^ w3)));
  }
  const kb = i32x4.splat(Kbits);
  v128.store(c0, i32x4.sub(kb, i32x4.shl(r0, 1)));
  v128.store(c1, i32x4.sub(kb, i32x4.shl(r1, 1)));
}

// Panel GEMM: the fast XNOR path of binaryGemm / binaryConv2d. Measured (bench/binary-tiles.mjs
// and A/B runs of tile variants, same process, interleaved, GEMM 1024^3 and the conv shapes):
// - 4-row panels of both operands: a tile's loads share two pointers with immediate offsets
//   instead of one address add per row per word: the 4 x 4 popcnt<u64> tile ran about 1.2x the
//   row-layout 2 x 4 kernels (2 x 3, 2 x 4, 3 x 4, 4 x 4, k unrolled 1 / 2 / 4: all within 5 %).
// - V8 on x86 emulates i8x16.popcnt with byte shuffles (and, shift, 2 pshufb, add, 2 constant
//   loads), so v128 alone is slower than popcnt<u64> (probes ~195 vs ~245 G 1-bit MAC/s); but
//   the two run on different units: a probe issuing both reached ~270 (peak_xnor_mixed). A 4 x 4
//   tile of 2-word chunks with 3 popcnt<u64> columns and one v128 column (better than 4 x (2 + 1),
//   4 x (3 + 2), 4 x (4 + 1), 2 x (2 + 2), 3 x (4 + 1), 6 x (3 + 1)) ran ~1.03-1.04x the same
//   tile in popcnt<u64> only (b1b1_gemm_panel_u64; paired rounds, 3 shapes; ~0.98x in one run
//   under heavy load) and ~1.1x the 1-word-interleaved u64 4 x 4. SIMD builds use the mixed
//   tile, the scalar build the u64 one. The u64 tile keeps about 40 live values (12-16
//   accumulators, operands, pointers): TurboFan spills part of them (--print-wasm-code), which
//   is most of the gap to the probes.
// Layout (b1_pack_panels): chunks of 2 words (16 bytes, one v128) per row, 4 rows per panel,
// chunk k of a panel = rows 0..3's words 2k, 2k + 1; an odd last word is paired with a 0 word
// and missing rows of the last panel are 0 words (0 in both operands: no count).

/** Rows per panel of {@link b1_pack_panels} / {@link b1b1_gemm_panel} (both operands). */
export const B1_PANEL: i32 = 4;

/** Bytes of `rows` rows of Kw words packed by {@link b1_pack_panels}. */
export function b1_panel_bytes(rows: i32, Kw: i32): i32 {
  return ((rows + 3) >> 2) * ((Kw + 1) >> 1) * 64;
}

/**
 * Packs `rows` rows of Kw words (row stride ld words) into 4-row panels of 2-word chunks (the
 * layout above); dst gets b1_panel_bytes(rows, Kw) bytes.
 */
export function b1_pack_panels(src: usize, rows: i32, ld: i32, Kw: i32, dst: usize): void {
  const ls = <usize>ld << 3;
  const K2 = (Kw + 1) >> 1;
  for (let p = 0; p < rows; p += B1_PANEL) {
    for (let r = 0; r < B1_PANEL; r++) {
      let d = dst + (<usize>r << 4);
      if (p + r < rows) {
        const s = src + <usize>(p + r) * ls;
        let k = 0;
        for (; k + 2 <= Kw; k += 2) {
          store<u64>(d, load<u64>(s + (<usize>k << 3)));
          store<u64>(d, load<u64>(s + (<usize>k << 3), 8), 8);
          d += 64;
        }
        if (k < Kw) {
          store<u64>(d, load<u64>(s + (<usize>k << 3)));
          store<u64>(d, 0, 8);
        }
      } else {
        for (let k = 0; k < K2; k++) {
          store<u64>(d, 0);
          store<u64>(d, 0, 8);
          d += 64;
        }
      }
    }
    dst += <usize>K2 << 6;
  }
}

// 4 x 4 tile, SIMD builds: columns 0-2 by popcnt<u64> (two words per chunk), column 3 by v128
// XOR + i8x16.popcnt on the whole chunk, so the scalar and the vector units both work.
// @ts-ignore: decorator
@inline function xnorTile4x4mixed(pa: usize, pb: usize, K2: i32, Kbits: i32, c: usize, lc: usize, mv: i32, nv: i32): void {
  let s00: u64 = 0, s01: u64 = 0, s02: u64 = 0, s10: u64 = 0, s11: u64 = 0, s12: u64 = 0, s20: u64 = 0, s21: u64 = 0, s22: u64 = 0, s30: u64 = 0, s31: u64 = 0, s32: u64 = 0;
  const z = i32x4.splat(0);
  let t0 = z, t1 = z, t2 = z, t3 = z;
  let k = 0;
  while (k < K2) {
    // byte counters: at most 8 per chunk, widened every 31 chunks
    let v0 = z, v1 = z, v2 = z, v3 = z;
    const stop = min(K2, k + 31);
    for (; k < stop; k++) {
      { const x0 = load<u64>(pa, 0); const x1 = load<u64>(pa, 16); const x2 = load<u64>(pa, 32); const x3 = load<u64>(pa, 48);
        { const w = load<u64>(pb, 0); s00 += popcnt<u64>(x0 ^ w); s10 += popcnt<u64>(x1 ^ w); s20 += popcnt<u64>(x2 ^ w); s30 += popcnt<u64>(x3 ^ w); }
        { const w = load<u64>(pb, 16); s01 += popcnt<u64>(x0 ^ w); s11 += popcnt<u64>(x1 ^ w); s21 += popcnt<u64>(x2 ^ w); s31 += popcnt<u64>(x3 ^ w); }
        { const w = load<u64>(pb, 32); s02 += popcnt<u64>(x0 ^ w); s12 += popcnt<u64>(x1 ^ w); s22 += popcnt<u64>(x2 ^ w); s32 += popcnt<u64>(x3 ^ w); }
      }
      { const x0 = load<u64>(pa, 8); const x1 = load<u64>(pa, 24); const x2 = load<u64>(pa, 40); const x3 = load<u64>(pa, 56);
        { const w = load<u64>(pb, 8); s00 += popcnt<u64>(x0 ^ w); s10 += popcnt<u64>(x1 ^ w); s20 += popcnt<u64>(x2 ^ w); s30 += popcnt<u64>(x3 ^ w); }
        { const w = load<u64>(pb, 24); s01 += popcnt<u64>(x0 ^ w); s11 += popcnt<u64>(x1 ^ w); s21 += popcnt<u64>(x2 ^ w); s31 += popcnt<u64>(x3 ^ w); }
        { const w = load<u64>(pb, 40); s02 += popcnt<u64>(x0 ^ w); s12 += popcnt<u64>(x1 ^ w); s22 += popcnt<u64>(x2 ^ w); s32 += popcnt<u64>(x3 ^ w); }
      }
      { const w = v128.load(pb, 48); v0 = i8x16.add(v0, i8x16.popcnt(v128.xor(v128.load(pa, 0), w))); v1 = i8x16.add(v1, i8x16.popcnt(v128.xor(v128.load(pa, 16), w))); v2 = i8x16.add(v2, i8x16.popcnt(v128.xor(v128.load(pa, 32), w))); v3 = i8x16.add(v3, i8x16.popcnt(v128.xor(v128.load(pa, 48), w))); }
      pa += 64; pb += 64;
    }
    t0 = i32x4.add(t0, widen(v0)); t1 = i32x4.add(t1, widen(v1)); t2 = i32x4.add(t2, widen(v2)); t3 = i32x4.add(t3, widen(v3));
  }
  const r = hsum4(t0, t1, t2, t3);
  const s03 = i32x4.extract_lane(r, 0);
  const s13 = i32x4.extract_lane(r, 1);
  const s23 = i32x4.extract_lane(r, 2);
  const s33 = i32x4.extract_lane(r, 3);
  const kb = <i32>Kbits;
  if (mv == 4 && nv == 4) {
    store<i32>(c + 0 * lc, kb - 2 * <i32>s00, 0); store<i32>(c + 0 * lc, kb - 2 * <i32>s01, 4); store<i32>(c + 0 * lc, kb - 2 * <i32>s02, 8); store<i32>(c + 0 * lc, kb - 2 * <i32>s03, 12);
    store<i32>(c + 1 * lc, kb - 2 * <i32>s10, 0); store<i32>(c + 1 * lc, kb - 2 * <i32>s11, 4); store<i32>(c + 1 * lc, kb - 2 * <i32>s12, 8); store<i32>(c + 1 * lc, kb - 2 * <i32>s13, 12);
    store<i32>(c + 2 * lc, kb - 2 * <i32>s20, 0); store<i32>(c + 2 * lc, kb - 2 * <i32>s21, 4); store<i32>(c + 2 * lc, kb - 2 * <i32>s22, 8); store<i32>(c + 2 * lc, kb - 2 * <i32>s23, 12);
    store<i32>(c + 3 * lc, kb - 2 * <i32>s30, 0); store<i32>(c + 3 * lc, kb - 2 * <i32>s31, 4); store<i32>(c + 3 * lc, kb - 2 * <i32>s32, 8); store<i32>(c + 3 * lc, kb - 2 * <i32>s33, 12);
  } else {
    if (0 < mv) { if (0 < nv) store<i32>(c + 0 * lc, kb - 2 * <i32>s00, 0); if (1 < nv) store<i32>(c + 0 * lc, kb - 2 * <i32>s01, 4); if (2 < nv) store<i32>(c + 0 * lc, kb - 2 * <i32>s02, 8); if (3 < nv) store<i32>(c + 0 * lc, kb - 2 * <i32>s03, 12); }
    if (1 < mv) { if (0 < nv) store<i32>(c + 1 * lc, kb - 2 * <i32>s10, 0); if (1 < nv) store<i32>(c + 1 * lc, kb - 2 * <i32>s11, 4); if (2 < nv) store<i32>(c + 1 * lc, kb - 2 * <i32>s12, 8); if (3 < nv) store<i32>(c + 1 * lc, kb - 2 * <i32>s13, 12); }
    if (2 < mv) { if (0 < nv) store<i32>(c + 2 * lc, kb - 2 * <i32>s20, 0); if (1 < nv) store<i32>(c + 2 * lc, kb - 2 * <i32>s21, 4); if (2 < nv) store<i32>(c + 2 * lc, kb - 2 * <i32>s22, 8); if (3 < nv) store<i32>(c + 2 * lc, kb - 2 * <i32>s23, 12); }
    if (3 < mv) { if (0 < nv) store<i32>(c + 3 * lc, kb - 2 * <i32>s30, 0); if (1 < nv) store<i32>(c + 3 * lc, kb - 2 * <i32>s31, 4); if (2 < nv) store<i32>(c + 3 * lc, kb - 2 * <i32>s32, 8); if (3 < nv) store<i32>(c + 3 * lc, kb - 2 * <i32>s33, 12); }
  }
}

// 4 x 4 tile, popcnt<u64> only (the scalar build), two words per chunk.
// @ts-ignore: decorator
@inline function xnorTile4x4(pa: usize, pb: usize, K2: i32, Kbits: i32, c: usize, lc: usize, mv: i32, nv: i32): void {
  let s00: u64 = 0, s01: u64 = 0, s02: u64 = 0, s03: u64 = 0, s10: u64 = 0, s11: u64 = 0, s12: u64 = 0, s13: u64 = 0, s20: u64 = 0, s21: u64 = 0, s22: u64 = 0, s23: u64 = 0, s30: u64 = 0, s31: u64 = 0, s32: u64 = 0, s33: u64 = 0;
  for (let k = 0; k < K2; k++) {
    { const x0 = load<u64>(pa, 0); const x1 = load<u64>(pa, 16); const x2 = load<u64>(pa, 32); const x3 = load<u64>(pa, 48);
      { const w = load<u64>(pb, 0); s00 += popcnt<u64>(x0 ^ w); s10 += popcnt<u64>(x1 ^ w); s20 += popcnt<u64>(x2 ^ w); s30 += popcnt<u64>(x3 ^ w); }
      { const w = load<u64>(pb, 16); s01 += popcnt<u64>(x0 ^ w); s11 += popcnt<u64>(x1 ^ w); s21 += popcnt<u64>(x2 ^ w); s31 += popcnt<u64>(x3 ^ w); }
      { const w = load<u64>(pb, 32); s02 += popcnt<u64>(x0 ^ w); s12 += popcnt<u64>(x1 ^ w); s22 += popcnt<u64>(x2 ^ w); s32 += popcnt<u64>(x3 ^ w); }
      { const w = load<u64>(pb, 48); s03 += popcnt<u64>(x0 ^ w); s13 += popcnt<u64>(x1 ^ w); s23 += popcnt<u64>(x2 ^ w); s33 += popcnt<u64>(x3 ^ w); }
    }
    { const x0 = load<u64>(pa, 8); const x1 = load<u64>(pa, 24); const x2 = load<u64>(pa, 40); const x3 = load<u64>(pa, 56);
      { const w = load<u64>(pb, 8); s00 += popcnt<u64>(x0 ^ w); s10 += popcnt<u64>(x1 ^ w); s20 += popcnt<u64>(x2 ^ w); s30 += popcnt<u64>(x3 ^ w); }
      { const w = load<u64>(pb, 24); s01 += popcnt<u64>(x0 ^ w); s11 += popcnt<u64>(x1 ^ w); s21 += popcnt<u64>(x2 ^ w); s31 += popcnt<u64>(x3 ^ w); }
      { const w = load<u64>(pb, 40); s02 += popcnt<u64>(x0 ^ w); s12 += popcnt<u64>(x1 ^ w); s22 += popcnt<u64>(x2 ^ w); s32 += popcnt<u64>(x3 ^ w); }
      { const w = load<u64>(pb, 56); s03 += popcnt<u64>(x0 ^ w); s13 += popcnt<u64>(x1 ^ w); s23 += popcnt<u64>(x2 ^ w); s33 += popcnt<u64>(x3 ^ w); }
    }
    pa += 64; pb += 64;
  }
  const kb = <i32>Kbits;
  if (mv == 4 && nv == 4) {
    store<i32>(c + 0 * lc, kb - 2 * <i32>s00, 0); store<i32>(c + 0 * lc, kb - 2 * <i32>s01, 4); store<i32>(c + 0 * lc, kb - 2 * <i32>s02, 8); store<i32>(c + 0 * lc, kb - 2 * <i32>s03, 12);
    store<i32>(c + 1 * lc, kb - 2 * <i32>s10, 0); store<i32>(c + 1 * lc, kb - 2 * <i32>s11, 4); store<i32>(c + 1 * lc, kb - 2 * <i32>s12, 8); store<i32>(c + 1 * lc, kb - 2 * <i32>s13, 12);
    store<i32>(c + 2 * lc, kb - 2 * <i32>s20, 0); store<i32>(c + 2 * lc, kb - 2 * <i32>s21, 4); store<i32>(c + 2 * lc, kb - 2 * <i32>s22, 8); store<i32>(c + 2 * lc, kb - 2 * <i32>s23, 12);
    store<i32>(c + 3 * lc, kb - 2 * <i32>s30, 0); store<i32>(c + 3 * lc, kb - 2 * <i32>s31, 4); store<i32>(c + 3 * lc, kb - 2 * <i32>s32, 8); store<i32>(c + 3 * lc, kb - 2 * <i32>s33, 12);
  } else {
    if (0 < mv) { if (0 < nv) store<i32>(c + 0 * lc, kb - 2 * <i32>s00, 0); if (1 < nv) store<i32>(c + 0 * lc, kb - 2 * <i32>s01, 4); if (2 < nv) store<i32>(c + 0 * lc, kb - 2 * <i32>s02, 8); if (3 < nv) store<i32>(c + 0 * lc, kb - 2 * <i32>s03, 12); }
    if (1 < mv) { if (0 < nv) store<i32>(c + 1 * lc, kb - 2 * <i32>s10, 0); if (1 < nv) store<i32>(c + 1 * lc, kb - 2 * <i32>s11, 4); if (2 < nv) store<i32>(c + 1 * lc, kb - 2 * <i32>s12, 8); if (3 < nv) store<i32>(c + 1 * lc, kb - 2 * <i32>s13, 12); }
    if (2 < mv) { if (0 < nv) store<i32>(c + 2 * lc, kb - 2 * <i32>s20, 0); if (1 < nv) store<i32>(c + 2 * lc, kb - 2 * <i32>s21, 4); if (2 < nv) store<i32>(c + 2 * lc, kb - 2 * <i32>s22, 8); if (3 < nv) store<i32>(c + 2 * lc, kb - 2 * <i32>s23, 12); }
    if (3 < mv) { if (0 < nv) store<i32>(c + 3 * lc, kb - 2 * <i32>s30, 0); if (1 < nv) store<i32>(c + 3 * lc, kb - 2 * <i32>s31, 4); if (2 < nv) store<i32>(c + 3 * lc, kb - 2 * <i32>s32, 8); if (3 < nv) store<i32>(c + 3 * lc, kb - 2 * <i32>s33, 12); }
  }
}


/**
 * XNOR-popcount GEMM on panel-packed operands (b1_pack_panels / b1_im2col_panels): C[m, n] =
 * Kbits - 2 * popcount(A[m] XOR B[n]) over Kw words, int32, row stride ldc elements. Tile 4 x 4:
 * SIMD builds 3 popcnt<u64> columns + 1 v128 column, scalar build popcnt<u64>.
 */
export function b1b1_gemm_panel(M: i32, N: i32, Kw: i32, Kbits: i32, pa: usize, pb: usize, c: usize, ldc: i32): void {
  const lc = <usize>ldc << 2;
  const K2 = (Kw + 1) >> 1;
  const ps = <usize>K2 << 6;
  for (let m = 0; m < M; m += 4) {
    const cr = c + <usize>m * lc;
    const mv = min(4, M - m);
    let b = pb;
    for (let n = 0; n < N; n += 4) {
      if (ASC_FEATURE_SIMD) xnorTile4x4mixed(pa, b, K2, Kbits, cr + (<usize>n << 2), lc, mv, min(4, N - n));
      else xnorTile4x4(pa, b, K2, Kbits, cr + (<usize>n << 2), lc, mv, min(4, N - n));
      b += ps;
    }
    pa += ps;
  }
}

/**
 * The popcnt<u64>-only variant of {@link b1b1_gemm_panel} (the scalar build's tile), exported in
 * every build so that the mixed u64 + v128 choice can be re-measured (bench/binary-tiles.mjs).
 */
export function b1b1_gemm_panel_u64(M: i32, N: i32, Kw: i32, Kbits: i32, pa: usize, pb: usize, c: usize, ldc: i32): void {
  const lc = <usize>ldc << 2;
  const K2 = (Kw + 1) >> 1;
  const ps = <usize>K2 << 6;
  for (let m = 0; m < M; m += 4) {
    const cr = c + <usize>m * lc;
    const mv = min(4, M - m);
    let b = pb;
    for (let n = 0; n < N; n += 4) {
      xnorTile4x4(pa, b, K2, Kbits, cr + (<usize>n << 2), lc, mv, min(4, N - n));
      b += ps;
    }
    pa += ps;
  }
}

/**
 * Ternary x ternary GEMM over Kw word pairs (nz, neg): C[m, n] = popcount(nz) -
 * 2 * popcount(nz & (negA ^ negB)) with nz = nzA & nzB. Register tile 2 x 2.
 */
export function t2t2_gemm(M: i32, N: i32, Kw: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32): void {
  const la = <usize>lda << 3, lb = <usize>ldb << 3, lc = <usize>ldc << 2;
  const kEnd = <usize>Kw << 4;
  let m = 0;
  for (; m + 2 <= M; m += 2) {
    const a0 = a + <usize>m * la, a1 = a0 + la;
    const c0 = c + <usize>m * lc, c1 = c0 + lc;
    let n = 0;
    for (; n + 2 <= N; n += 2) {
      const b0 = b + <usize>n * lb, b1 = b0 + lb;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0;
      for (let k: usize = 0; k < kEnd; k += 16) {
        const z0 = load<u64>(a0 + k), g0 = load<u64>(a0 + k, 8), z1 = load<u64>(a1 + k), g1 = load<u64>(a1 + k, 8);
        const y0 = load<u64>(b0 + k), h0 = load<u64>(b0 + k, 8), y1 = load<u64>(b1 + k), h1 = load<u64>(b1 + k, 8);
        let t = z0 & y0; s00 += pc(t) - 2 * pc(t & (g0 ^ h0));
        t = z0 & y1; s01 += pc(t) - 2 * pc(t & (g0 ^ h1));
        t = z1 & y0; s10 += pc(t) - 2 * pc(t & (g1 ^ h0));
        t = z1 & y1; s11 += pc(t) - 2 * pc(t & (g1 ^ h1));
      }
      const o = <usize>n << 2;
      store<i32>(c0 + o, s00); store<i32>(c0 + o, s01, 4);
      store<i32>(c1 + o, s10); store<i32>(c1 + o, s11, 4);
    }
    for (; n < N; n++) {
      const b0 = b + <usize>n * lb;
      let s0 = 0, s1 = 0;
      for (let k: usize = 0; k < kEnd; k += 16) {
        const y = load<u64>(b0 + k), h = load<u64>(b0 + k, 8);
        let t = load<u64>(a0 + k) & y; s0 += pc(t) - 2 * pc(t & (load<u64>(a0 + k, 8) ^ h));
        t = load<u64>(a1 + k) & y; s1 += pc(t) - 2 * pc(t & (load<u64>(a1 + k, 8) ^ h));
      }
      store<i32>(c0 + (<usize>n << 2), s0);
      store<i32>(c1 + (<usize>n << 2), s1);
    }
  }
  for (; m < M; m++) {
    const a0 = a + <usize>m * la, c0 = c + <usize>m * lc;
    for (let n = 0; n < N; n++) {
      const b0 = b + <usize>n * lb;
      let s = 0;
      for (let k: usize = 0; k < kEnd; k += 16) {
        const t = load<u64>(a0 + k) & load<u64>(b0 + k);
        s += pc(t) - 2 * pc(t & (load<u64>(a0 + k, 8) ^ load<u64>(b0 + k, 8)));
      }
      store<i32>(c0 + (<usize>n << 2), s);
    }
  }
}

// 16 bits of a word -> a 16-byte mask (0xff where the bit is set).
// @ts-ignore: decorator
@inline function bitsToBytes(bits: u32): v128 {
  const v = i8x16.swizzle(i16x8.splat(<i16>bits), i8x16(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1));
  const sel = i8x16(1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128);
  return i8x16.eq(v128.and(v, sel), sel);
}

// sum of the bytes of a over the bits of `bits` (n <= 64 bytes), scalar.
// @ts-ignore: decorator
@inline function maskedSum(a: usize, bits: u64): i32 {
  let s = 0;
  while (bits) {
    s += <i32>load<u8>(a + <usize>ctz<u64>(bits));
    bits &= bits - 1;
  }
  return s;
}

// sum over set bits of one weight word of the n (<= 64) uint8 values at a.
// @ts-ignore: decorator
@inline function wordSum(a: usize, n: i32, bits: u64): i32 {
  if (ASC_FEATURE_SIMD) {
    if (n == 64) {
      let acc = i16x8.splat(0);
      acc = i16x8.add(acc, i16x8.extadd_pairwise_i8x16_u(v128.and(v128.load(a), bitsToBytes(<u32>bits & 0xffff))));
      acc = i16x8.add(acc, i16x8.extadd_pairwise_i8x16_u(v128.and(v128.load(a, 16), bitsToBytes(<u32>(bits >> 16) & 0xffff))));
      acc = i16x8.add(acc, i16x8.extadd_pairwise_i8x16_u(v128.and(v128.load(a, 32), bitsToBytes(<u32>(bits >> 32) & 0xffff))));
      acc = i16x8.add(acc, i16x8.extadd_pairwise_i8x16_u(v128.and(v128.load(a, 48), bitsToBytes(<u32>(bits >> 48)))));
      const s = i32x4.extadd_pairwise_i16x8_u(acc);
      return i32x4.extract_lane(s, 0) + i32x4.extract_lane(s, 1) + i32x4.extract_lane(s, 2) + i32x4.extract_lane(s, 3);
    }
  }
  return maskedSum(a, bits);
}

/**
 * Binary weights x uint8 activations (BinaryConnect inference): C[m, n] = sum_k w[n, k] * a[m, k]
 * with w = +1 for bit 0 and -1 for bit 1, i.e. rowSum(a) - 2 * (sum of a over set bits).
 * K = T segments of Cs values: a row is T * Cs bytes; B's segment t starts at word t * wps
 * (conv weights packed per tap; matmul T = 1). Zero points are the output stage's (colTerm).
 */
export function b1u8_gemm(M: i32, N: i32, T: i32, Cs: i32, a: usize, lda: i32, b: usize, ldb: i32, wps: i32, c: usize, ldc: i32): void {
  const WS = (Cs + 63) >> 6;
  for (let m = 0; m < M; m++) {
    const ar = a + <usize>m * lda;
    let rs = 0;
    for (let k = 0; k < T * Cs; k++) rs += <i32>load<u8>(ar + k);
    for (let n = 0; n < N; n++) {
      const br = b + ((<usize>n * ldb) << 3);
      let s = 0;
      for (let t = 0; t < T; t++) {
        const at = ar + <usize>t * Cs;
        const bt = br + ((<usize>t * wps) << 3);
        for (let w = 0; w < WS; w++) s += wordSum(at + (w << 6), min(64, Cs - (w << 6)), load<u64>(bt + (<usize>w << 3)));
      }
      store<i32>(c + ((<usize>m * ldc + n) << 2), rs - 2 * s);
    }
  }
}

/**
 * Ternary weights x uint8 activations: C[m, n] = sum over (nz & !neg) of a - sum over neg of a.
 * Segments as in {@link b1u8_gemm}; a weight segment is WS word pairs (nz, neg).
 */
export function t2u8_gemm(M: i32, N: i32, T: i32, Cs: i32, a: usize, lda: i32, b: usize, ldb: i32, wps: i32, c: usize, ldc: i32): void {
  const WS = (Cs + 63) >> 6;
  for (let m = 0; m < M; m++) {
    const ar = a + <usize>m * lda;
    for (let n = 0; n < N; n++) {
      const br = b + ((<usize>n * ldb) << 3);
      let s = 0;
      for (let t = 0; t < T; t++) {
        const at = ar + <usize>t * Cs;
        const bt = br + ((<usize>t * wps) << 3);
        for (let w = 0; w < WS; w++) {
          const nz = load<u64>(bt + (<usize>w << 4)), neg = load<u64>(bt + (<usize>w << 4), 8);
          const ap = at + (w << 6), n64 = min(64, Cs - (w << 6));
          s += wordSum(ap, n64, nz & ~neg) - wordSum(ap, n64, neg);
        }
      }
      store<i32>(c + ((<usize>m * ldc + n) << 2), s);
    }
  }
}
// 4 x 4 ternary tile over K2 chunks (nz, neg) of 4-row panels: s += popcount(t) -
// 2 * popcount(t & (negA ^ negB)), t = nzA & nzB (conventions.ts). popcnt<u64>, every build.
// @ts-ignore: decorator
@inline function ternTile4x4(pa: usize, pb: usize, K2: i32, c: usize, lc: usize, mv: i32, nv: i32): void {
  let s00: u64 = 0, s01: u64 = 0, s02: u64 = 0, s03: u64 = 0, s10: u64 = 0, s11: u64 = 0, s12: u64 = 0, s13: u64 = 0, s20: u64 = 0, s21: u64 = 0, s22: u64 = 0, s23: u64 = 0, s30: u64 = 0, s31: u64 = 0, s32: u64 = 0, s33: u64 = 0;
  for (let k = 0; k < K2; k++) {
    const z0 = load<u64>(pa, 0), g0 = load<u64>(pa, 8); const z1 = load<u64>(pa, 16), g1 = load<u64>(pa, 24); const z2 = load<u64>(pa, 32), g2 = load<u64>(pa, 40); const z3 = load<u64>(pa, 48), g3 = load<u64>(pa, 56);
    { const y = load<u64>(pb, 0), h = load<u64>(pb, 8); let t = z0 & y; s00 += popcnt<u64>(t) - (popcnt<u64>(t & (g0 ^ h)) << 1); t = z1 & y; s10 += popcnt<u64>(t) - (popcnt<u64>(t & (g1 ^ h)) << 1); t = z2 & y; s20 += popcnt<u64>(t) - (popcnt<u64>(t & (g2 ^ h)) << 1); t = z3 & y; s30 += popcnt<u64>(t) - (popcnt<u64>(t & (g3 ^ h)) << 1); }
    { const y = load<u64>(pb, 16), h = load<u64>(pb, 24); let t = z0 & y; s01 += popcnt<u64>(t) - (popcnt<u64>(t & (g0 ^ h)) << 1); t = z1 & y; s11 += popcnt<u64>(t) - (popcnt<u64>(t & (g1 ^ h)) << 1); t = z2 & y; s21 += popcnt<u64>(t) - (popcnt<u64>(t & (g2 ^ h)) << 1); t = z3 & y; s31 += popcnt<u64>(t) - (popcnt<u64>(t & (g3 ^ h)) << 1); }
    { const y = load<u64>(pb, 32), h = load<u64>(pb, 40); let t = z0 & y; s02 += popcnt<u64>(t) - (popcnt<u64>(t & (g0 ^ h)) << 1); t = z1 & y; s12 += popcnt<u64>(t) - (popcnt<u64>(t & (g1 ^ h)) << 1); t = z2 & y; s22 += popcnt<u64>(t) - (popcnt<u64>(t & (g2 ^ h)) << 1); t = z3 & y; s32 += popcnt<u64>(t) - (popcnt<u64>(t & (g3 ^ h)) << 1); }
    { const y = load<u64>(pb, 48), h = load<u64>(pb, 56); let t = z0 & y; s03 += popcnt<u64>(t) - (popcnt<u64>(t & (g0 ^ h)) << 1); t = z1 & y; s13 += popcnt<u64>(t) - (popcnt<u64>(t & (g1 ^ h)) << 1); t = z2 & y; s23 += popcnt<u64>(t) - (popcnt<u64>(t & (g2 ^ h)) << 1); t = z3 & y; s33 += popcnt<u64>(t) - (popcnt<u64>(t & (g3 ^ h)) << 1); }
    pa += 64; pb += 64;
  }
  if (mv == 4 && nv == 4) {
    store<i32>(c + 0 * lc, <i32>s00, 0); store<i32>(c + 0 * lc, <i32>s01, 4); store<i32>(c + 0 * lc, <i32>s02, 8); store<i32>(c + 0 * lc, <i32>s03, 12);
    store<i32>(c + 1 * lc, <i32>s10, 0); store<i32>(c + 1 * lc, <i32>s11, 4); store<i32>(c + 1 * lc, <i32>s12, 8); store<i32>(c + 1 * lc, <i32>s13, 12);
    store<i32>(c + 2 * lc, <i32>s20, 0); store<i32>(c + 2 * lc, <i32>s21, 4); store<i32>(c + 2 * lc, <i32>s22, 8); store<i32>(c + 2 * lc, <i32>s23, 12);
    store<i32>(c + 3 * lc, <i32>s30, 0); store<i32>(c + 3 * lc, <i32>s31, 4); store<i32>(c + 3 * lc, <i32>s32, 8); store<i32>(c + 3 * lc, <i32>s33, 12);
  } else {
    if (0 < mv) { if (0 < nv) store<i32>(c + 0 * lc, <i32>s00, 0); if (1 < nv) store<i32>(c + 0 * lc, <i32>s01, 4); if (2 < nv) store<i32>(c + 0 * lc, <i32>s02, 8); if (3 < nv) store<i32>(c + 0 * lc, <i32>s03, 12); }
    if (1 < mv) { if (0 < nv) store<i32>(c + 1 * lc, <i32>s10, 0); if (1 < nv) store<i32>(c + 1 * lc, <i32>s11, 4); if (2 < nv) store<i32>(c + 1 * lc, <i32>s12, 8); if (3 < nv) store<i32>(c + 1 * lc, <i32>s13, 12); }
    if (2 < mv) { if (0 < nv) store<i32>(c + 2 * lc, <i32>s20, 0); if (1 < nv) store<i32>(c + 2 * lc, <i32>s21, 4); if (2 < nv) store<i32>(c + 2 * lc, <i32>s22, 8); if (3 < nv) store<i32>(c + 2 * lc, <i32>s23, 12); }
    if (3 < mv) { if (0 < nv) store<i32>(c + 3 * lc, <i32>s30, 0); if (1 < nv) store<i32>(c + 3 * lc, <i32>s31, 4); if (2 < nv) store<i32>(c + 3 * lc, <i32>s32, 8); if (3 < nv) store<i32>(c + 3 * lc, <i32>s33, 12); }
  }
}

/**
 * Ternary x ternary GEMM on panel-packed operands (b1_pack_panels / b1_im2col_panels of the
 * interleaved (nz, neg) rows, so one 2-word chunk = one word pair): C[m, n] = popcount(nz) -
 * 2 * popcount(nz & (negA ^ negB)) over K2 word pairs, int32 (wrapping), row stride ldc. Tile
 * 4 x 4, popcnt<u64>; about 1.2x t2t2_gemm's row-layout 2 x 2 tile (bench/binary.mjs).
 */
export function t2t2_gemm_panel(M: i32, N: i32, K2: i32, pa: usize, pb: usize, c: usize, ldc: i32): void {
  const lc = <usize>ldc << 2;
  const ps = <usize>K2 << 6;
  for (let m = 0; m < M; m += 4) {
    const cr = c + <usize>m * lc;
    const mv = min(4, M - m);
    let b = pb;
    for (let n = 0; n < N; n += 4) {
      ternTile4x4(pa, b, K2, cr + (<usize>n << 2), lc, mv, min(4, N - n));
      b += ps;
    }
    pa += ps;
  }
}

