// Binary and ternary GEMMs: C[m, n] (int32) = dot(row m of A, row n of B) under conventions.ts.
// Packed x packed products (binaryGemm / binaryConv2d) run on 4-row panels (b1_pack_panels /
// b1_im2col_panels) with the 4 x 4 tiles below (b1b1_gemm_panel, t2t2_gemm_panel; their comment
// has the measurements and the popcount choice per build). Binary or ternary weights x uint8
// activations: b1u8_gemm / t2u8_gemm (row layout).

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

// One stored value: Kbits - 2 * s for XNOR tiles, s itself for ternary tiles (int32 wrapping).
// @ts-ignore: decorator
@inline function tileValue(xnor: bool, kb: i32, x: i32): i32 {
  return xnor ? kb - 2 * x : x;
}

// @ts-ignore: decorator
@inline function tileRow(xnor: bool, kb: v128, x: v128): v128 {
  return xnor ? i32x4.sub(kb, i32x4.shl(x, 1)) : x;
}

// Stores a 4 x 4 tile of {@link tileValue}s (mv x nv of it at the edges). `xnor` is a literal at
// every call, so the inlined code keeps one form. Once per tile, outside the K loop.
// @ts-ignore: decorator
@inline function storeTile(c: usize, lc: usize, xnor: bool, kb: i32, mv: i32, nv: i32,
  s00: i32, s01: i32, s02: i32, s03: i32, s10: i32, s11: i32, s12: i32, s13: i32,
  s20: i32, s21: i32, s22: i32, s23: i32, s30: i32, s31: i32, s32: i32, s33: i32): void {
  if (ASC_FEATURE_SIMD && mv == 4 && nv == 4) {
    const kv = i32x4.splat(kb);
    v128.store(c, tileRow(xnor, kv, i32x4(s00, s01, s02, s03)));
    v128.store(c + lc, tileRow(xnor, kv, i32x4(s10, s11, s12, s13)));
    v128.store(c + 2 * lc, tileRow(xnor, kv, i32x4(s20, s21, s22, s23)));
    v128.store(c + 3 * lc, tileRow(xnor, kv, i32x4(s30, s31, s32, s33)));
  } else {
    if (0 < mv) { if (0 < nv) store<i32>(c, tileValue(xnor, kb, s00), 0); if (1 < nv) store<i32>(c, tileValue(xnor, kb, s01), 4); if (2 < nv) store<i32>(c, tileValue(xnor, kb, s02), 8); if (3 < nv) store<i32>(c, tileValue(xnor, kb, s03), 12); }
    if (1 < mv) { if (0 < nv) store<i32>(c + lc, tileValue(xnor, kb, s10), 0); if (1 < nv) store<i32>(c + lc, tileValue(xnor, kb, s11), 4); if (2 < nv) store<i32>(c + lc, tileValue(xnor, kb, s12), 8); if (3 < nv) store<i32>(c + lc, tileValue(xnor, kb, s13), 12); }
    if (2 < mv) { if (0 < nv) store<i32>(c + 2 * lc, tileValue(xnor, kb, s20), 0); if (1 < nv) store<i32>(c + 2 * lc, tileValue(xnor, kb, s21), 4); if (2 < nv) store<i32>(c + 2 * lc, tileValue(xnor, kb, s22), 8); if (3 < nv) store<i32>(c + 2 * lc, tileValue(xnor, kb, s23), 12); }
    if (3 < mv) { if (0 < nv) store<i32>(c + 3 * lc, tileValue(xnor, kb, s30), 0); if (1 < nv) store<i32>(c + 3 * lc, tileValue(xnor, kb, s31), 4); if (2 < nv) store<i32>(c + 3 * lc, tileValue(xnor, kb, s32), 8); if (3 < nv) store<i32>(c + 3 * lc, tileValue(xnor, kb, s33), 12); }
  }
}

// Panel GEMM: the fast XNOR path of binaryGemm / binaryConv2d. Measured (bench/binary-tiles.mjs
// and A/B runs of tile variants, same process, paired alternating rounds, GEMM 1024^3 and the
// conv shapes, whose K is only 8-9 chunks of 128 bits per tile):
// - 4-row panels of both operands: a tile's loads share two pointers with immediate offsets
//   instead of one address add per row per word: ~1.2x the earlier row-layout 2 x 4 kernels.
// - V8 on x86 emulates i8x16.popcnt (no vpopcntb emitted): and, shift, and, 2 pshufb, add, and
//   both constants rematerialised per popcount (movq imm + load each, --print-wasm-code), so
//   v128 alone is slower than popcnt<u64> (probes ~195 vs ~245 G 1-bit MAC/s); but the two run
//   on different units: a probe issuing both reached ~270 (peak_xnor_mixed).
// - SIMD build: 3 popcnt<u64> columns + 1 v128 column (i8x16.popcnt). A's words are reloaded per
//   B column (folded into the xor as memory operands): fewer live GPRs for 12 accumulators,
//   1.02-1.04x the version holding A's 4 words in registers. Tried and slower: 2 + 2 columns
//   (0.92x), a table popcount with i8x16.swizzle (0.98x: V8 adds a saturating add and a constant
//   per swizzle), Harley-Seal carry-save on the v128 column (0.86-0.90x: with 8-9 chunks per
//   tile the final popcounts of the carry-save state cost what the CSAs save).
// - Relaxed build: i8x16.relaxed_swizzle is a bare pshufb, so a nibble-table popcount with the
//   mask and table loaded once per tile (POP_LUT) costs 6 vector ops and no rematerialised
//   constants: 2 popcnt<u64> + 2 v128 columns then ran 1.12-1.21x the SIMD build's tile (3 + 1
//   with the table popcount: 1.11-1.15x).
// - Byte counters (<= 8 per chunk) are widened every 31 chunks (<= 248 < 256).
// - Scalar build: popcnt<u64> 4 x 4 (b1b1_gemm_panel_u64 exports it in every build).
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

// Nibble mask and nibble popcount table of the relaxed build's popcount, loaded once per tile (a
// v128.const would be rematerialised by V8 at each use inside the loop).
const POP_LUT: usize = memory.data<u8>([15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4], 16);

// Byte popcount of x by table lookup (m = 0x0f bytes, lut = counts of 0..15); relaxed builds only
// (relaxed_swizzle = pshufb), otherwise i8x16.popcnt.
// @ts-ignore: decorator
@inline function popLut(x: v128, m: v128, lut: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return i8x16.add(i8x16.relaxed_swizzle(lut, v128.and(x, m)), i8x16.relaxed_swizzle(lut, v128.and(i16x8.shr_u(x, 4), m)));
  }
  return i8x16.popcnt(x);
}

// 4 x 4 tile, SIMD builds: columns 0-2 by popcnt<u64> (two words per chunk, A reloaded per
// column), column 3 by v128 XOR + i8x16.popcnt on the whole chunk.
// @ts-ignore: decorator
@inline function xnorTile4x4mixed(pa: usize, pb: usize, K2: i32, Kbits: i32, c: usize, lc: usize, mv: i32, nv: i32): void {
  let s00: u64 = 0, s01: u64 = 0, s02: u64 = 0, s10: u64 = 0, s11: u64 = 0, s12: u64 = 0, s20: u64 = 0, s21: u64 = 0, s22: u64 = 0, s30: u64 = 0, s31: u64 = 0, s32: u64 = 0;
  const z = i32x4.splat(0);
  let t0 = z, t1 = z, t2 = z, t3 = z;
  let k = 0;
  while (k < K2) {
    let v0 = z, v1 = z, v2 = z, v3 = z;
    const stop = min(K2, k + 31);
    for (; k < stop; k++) {
      { const w = load<u64>(pb, 0); s00 += popcnt<u64>(load<u64>(pa, 0) ^ w); s10 += popcnt<u64>(load<u64>(pa, 16) ^ w); s20 += popcnt<u64>(load<u64>(pa, 32) ^ w); s30 += popcnt<u64>(load<u64>(pa, 48) ^ w); }
      { const w = load<u64>(pb, 8); s00 += popcnt<u64>(load<u64>(pa, 8) ^ w); s10 += popcnt<u64>(load<u64>(pa, 24) ^ w); s20 += popcnt<u64>(load<u64>(pa, 40) ^ w); s30 += popcnt<u64>(load<u64>(pa, 56) ^ w); }
      { const w = load<u64>(pb, 16); s01 += popcnt<u64>(load<u64>(pa, 0) ^ w); s11 += popcnt<u64>(load<u64>(pa, 16) ^ w); s21 += popcnt<u64>(load<u64>(pa, 32) ^ w); s31 += popcnt<u64>(load<u64>(pa, 48) ^ w); }
      { const w = load<u64>(pb, 24); s01 += popcnt<u64>(load<u64>(pa, 8) ^ w); s11 += popcnt<u64>(load<u64>(pa, 24) ^ w); s21 += popcnt<u64>(load<u64>(pa, 40) ^ w); s31 += popcnt<u64>(load<u64>(pa, 56) ^ w); }
      { const w = load<u64>(pb, 32); s02 += popcnt<u64>(load<u64>(pa, 0) ^ w); s12 += popcnt<u64>(load<u64>(pa, 16) ^ w); s22 += popcnt<u64>(load<u64>(pa, 32) ^ w); s32 += popcnt<u64>(load<u64>(pa, 48) ^ w); }
      { const w = load<u64>(pb, 40); s02 += popcnt<u64>(load<u64>(pa, 8) ^ w); s12 += popcnt<u64>(load<u64>(pa, 24) ^ w); s22 += popcnt<u64>(load<u64>(pa, 40) ^ w); s32 += popcnt<u64>(load<u64>(pa, 56) ^ w); }
      { const w = v128.load(pb, 48); v0 = i8x16.add(v0, i8x16.popcnt(v128.xor(v128.load(pa, 0), w))); v1 = i8x16.add(v1, i8x16.popcnt(v128.xor(v128.load(pa, 16), w))); v2 = i8x16.add(v2, i8x16.popcnt(v128.xor(v128.load(pa, 32), w))); v3 = i8x16.add(v3, i8x16.popcnt(v128.xor(v128.load(pa, 48), w))); }
      pa += 64; pb += 64;
    }
    t0 = i32x4.add(t0, widen(v0)); t1 = i32x4.add(t1, widen(v1)); t2 = i32x4.add(t2, widen(v2)); t3 = i32x4.add(t3, widen(v3));
  }
  const r = hsum4(t0, t1, t2, t3);
  storeTile(c, lc, true, Kbits, mv, nv,
    <i32>s00, <i32>s01, <i32>s02, i32x4.extract_lane(r, 0), <i32>s10, <i32>s11, <i32>s12, i32x4.extract_lane(r, 1),
    <i32>s20, <i32>s21, <i32>s22, i32x4.extract_lane(r, 2), <i32>s30, <i32>s31, <i32>s32, i32x4.extract_lane(r, 3));
}

// 4 x 4 tile, relaxed builds: columns 0-1 by popcnt<u64>, columns 2-3 by v128 XOR + table popcount.
// @ts-ignore: decorator
@inline function xnorTile4x4lut(pa: usize, pb: usize, K2: i32, Kbits: i32, c: usize, lc: usize, mv: i32, nv: i32): void {
  let s00: u64 = 0, s01: u64 = 0, s10: u64 = 0, s11: u64 = 0, s20: u64 = 0, s21: u64 = 0, s30: u64 = 0, s31: u64 = 0;
  const z = i32x4.splat(0);
  let t02 = z, t12 = z, t22 = z, t32 = z, t03 = z, t13 = z, t23 = z, t33 = z;
  let k = 0;
  const m = v128.load(POP_LUT), lut = v128.load(POP_LUT, 16);
  while (k < K2) {
    let v02 = z, v12 = z, v22 = z, v32 = z, v03 = z, v13 = z, v23 = z, v33 = z;
    const stop = min(K2, k + 31);
    for (; k < stop; k++) {
      { const w = load<u64>(pb, 0); s00 += popcnt<u64>(load<u64>(pa, 0) ^ w); s10 += popcnt<u64>(load<u64>(pa, 16) ^ w); s20 += popcnt<u64>(load<u64>(pa, 32) ^ w); s30 += popcnt<u64>(load<u64>(pa, 48) ^ w); }
      { const w = load<u64>(pb, 8); s00 += popcnt<u64>(load<u64>(pa, 8) ^ w); s10 += popcnt<u64>(load<u64>(pa, 24) ^ w); s20 += popcnt<u64>(load<u64>(pa, 40) ^ w); s30 += popcnt<u64>(load<u64>(pa, 56) ^ w); }
      { const w = load<u64>(pb, 16); s01 += popcnt<u64>(load<u64>(pa, 0) ^ w); s11 += popcnt<u64>(load<u64>(pa, 16) ^ w); s21 += popcnt<u64>(load<u64>(pa, 32) ^ w); s31 += popcnt<u64>(load<u64>(pa, 48) ^ w); }
      { const w = load<u64>(pb, 24); s01 += popcnt<u64>(load<u64>(pa, 8) ^ w); s11 += popcnt<u64>(load<u64>(pa, 24) ^ w); s21 += popcnt<u64>(load<u64>(pa, 40) ^ w); s31 += popcnt<u64>(load<u64>(pa, 56) ^ w); }
      const w2 = v128.load(pb, 32), w3 = v128.load(pb, 48);
      { const x = v128.load(pa, 0); v02 = i8x16.add(v02, popLut(v128.xor(x, w2), m, lut)); v03 = i8x16.add(v03, popLut(v128.xor(x, w3), m, lut)); }
      { const x = v128.load(pa, 16); v12 = i8x16.add(v12, popLut(v128.xor(x, w2), m, lut)); v13 = i8x16.add(v13, popLut(v128.xor(x, w3), m, lut)); }
      { const x = v128.load(pa, 32); v22 = i8x16.add(v22, popLut(v128.xor(x, w2), m, lut)); v23 = i8x16.add(v23, popLut(v128.xor(x, w3), m, lut)); }
      { const x = v128.load(pa, 48); v32 = i8x16.add(v32, popLut(v128.xor(x, w2), m, lut)); v33 = i8x16.add(v33, popLut(v128.xor(x, w3), m, lut)); }
      pa += 64; pb += 64;
    }
    t02 = i32x4.add(t02, widen(v02)); t12 = i32x4.add(t12, widen(v12)); t22 = i32x4.add(t22, widen(v22)); t32 = i32x4.add(t32, widen(v32));
    t03 = i32x4.add(t03, widen(v03)); t13 = i32x4.add(t13, widen(v13)); t23 = i32x4.add(t23, widen(v23)); t33 = i32x4.add(t33, widen(v33));
  }
  const r0 = hsum4(t02, t12, t22, t32), r1 = hsum4(t03, t13, t23, t33);
  storeTile(c, lc, true, Kbits, mv, nv,
    <i32>s00, <i32>s01, i32x4.extract_lane(r0, 0), i32x4.extract_lane(r1, 0), <i32>s10, <i32>s11, i32x4.extract_lane(r0, 1), i32x4.extract_lane(r1, 1),
    <i32>s20, <i32>s21, i32x4.extract_lane(r0, 2), i32x4.extract_lane(r1, 2), <i32>s30, <i32>s31, i32x4.extract_lane(r0, 3), i32x4.extract_lane(r1, 3));
}

// 4 x 4 tile, popcnt<u64> only (the scalar build's). A's 4 words stay in registers: here the
// reloading form of the SIMD tile ran 0.96x.
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
  storeTile(c, lc, true, Kbits, mv, nv,
    <i32>s00, <i32>s01, <i32>s02, <i32>s03, <i32>s10, <i32>s11, <i32>s12, <i32>s13,
    <i32>s20, <i32>s21, <i32>s22, <i32>s23, <i32>s30, <i32>s31, <i32>s32, <i32>s33);
}

/**
 * XNOR-popcount GEMM on panel-packed operands (b1_pack_panels / b1_im2col_panels): C[m, n] =
 * Kbits - 2 * popcount(A[m] XOR B[n]) over Kw words, int32, row stride ldc elements. Tile 4 x 4:
 * SIMD build 3 popcnt<u64> columns + 1 v128 column, relaxed build 2 + 2 (table popcount),
 * scalar build popcnt<u64>.
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
      if (ASC_FEATURE_RELAXED_SIMD) xnorTile4x4lut(pa, b, K2, Kbits, cr + (<usize>n << 2), lc, mv, min(4, N - n));
      else if (ASC_FEATURE_SIMD) xnorTile4x4mixed(pa, b, K2, Kbits, cr + (<usize>n << 2), lc, mv, min(4, N - n));
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
  storeTile(c, lc, false, 0, mv, nv,
    <i32>s00, <i32>s01, <i32>s02, <i32>s03, <i32>s10, <i32>s11, <i32>s12, <i32>s13,
    <i32>s20, <i32>s21, <i32>s22, <i32>s23, <i32>s30, <i32>s31, <i32>s32, <i32>s33);
}

/**
 * Ternary x ternary GEMM on panel-packed operands (b1_pack_panels / b1_im2col_panels of the
 * interleaved (nz, neg) rows, so one 2-word chunk = one word pair): C[m, n] = popcount(nz) -
 * 2 * popcount(nz & (negA ^ negB)) over K2 word pairs, int32 (wrapping), row stride ldc. Tile
 * 4 x 4, popcnt<u64>; about 1.2x the earlier row-layout 2 x 2 ternary tile.
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

