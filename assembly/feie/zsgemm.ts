// Zero-skipping convolution as a block-sparse GEMM: the fast CPU form of the FEIE / ZASCAS idea
// (skip the work of zero activations) for the SIMD builds.
//
// Why not the scatter of feie/conv.ts: an input-stationary scatter loads each weight element for
// one MAC, and pairing two arbitrary non-zero channels costs two shuffles per dot; it runs at
// about 40 % of the dense GEMM's per-MAC rate. Here a register tile like the dense GEMM's
// (gemm/u8s8.ts: a few output pixels x a row of output channels, k-pairs as i16,
// i32x4.dot_i16x8_s; here ZMR = 2 pixels x ZNR = 16 channels) is kept, and whole k-pairs are
// skipped when they are zero for every pixel of a panel.
//
// K is ordered so that such k-pairs are common: a pair is one input channel c at two ADJACENT
// taps (t, t + 1) of the flattened R x S window (tap pairs tp = 0 .. floor(RS/2) - 1), pair index
// j = tp * Cg + c; when RS is odd, the last tap's channels are paired with each other instead
// (c, c + 1; j = floor(RS/2) * Cg + c / 2; a zero channel pads an odd Cg), which wastes no
// k-slot on a padding tap (it would be 10 % of a 3x3 conv's work). The pixels of a panel are
// consecutive output pixels, so one pair reads 3-4 neighbouring input pixels of ONE channel:
// ReLU zeros are spatially clustered per channel, so such pairs are zero about as often as single
// inputs. Both operands are zero-point-free i16: A = x - xzp, B = w - wzp (both in [-255, 255],
// a pair of products fits i32; sums wrap mod 2^32 like the reference), so skipping is exact and
// the output stage only adds the bias.
//
// Per tile of output pixels of one image and one group:
//   1. lower each ZMR-pixel panel to [KP][ZMR rows][2] i16 (the GEMM's c2 A layout) and list
//      the pairs that are non-zero in any row (skip = 0 lists all);
//   2. for each ZNR-column panel of B (packed once per call by q8_conv_zs_pack_b), for each A
//      panel: the ZMR x ZNR micro-kernel over the listed pairs only (the B panel is reused
//      across the tile's A panels).
// Exact FEIE counts (non-zero inputs per row and channel, MACs with a non-zero input) come from
// q8_conv_zs_count, one vectorised pass over x that is also the density scan of conv2dAuto.
//
// Where the time goes (bench/profile-zeroskip.mjs, simd build, VGG-16 conv3_1 / ResNet-50 3x3 /
// AlexNet conv2 at density 0.1): count pass 0.05 / 0.013 / 0.01 ms, B packing 0.03 / 0.016 /
// 0.07 ms (prepackable: packZeroSkipWeights), lowering + listing 0.78 / 0.12 / 0.23 ms (was
// 1.9 / 0.39 / 0.52 with a data-dependent branch per listed pair and per padding block: now the
// list is appended branch-free from a bit-position table and padding taps read a zero-point
// row), micro-kernel 4.3 / 0.44 / 2.5 ms at the dense GEMM's per-MAC rate (38-43 GMAC/s) on
// 0.16-0.18 of the dense MACs. That fraction bounds the speedup at 0.1 near 1 / 0.17 ~ 5.9x.
// A 1-pixel panel (ZMR = 1) would list 0.12-0.14 of the pairs instead of 0.16-0.17 (computed on
// the same data) but costs ~1.1-1.3x more instructions per pixel-pair (4 B loads per 4 dots):
// at most ~10 % at density 0.1 and a loss at 0.5, so not built.

// Register tile: ZMR output pixels x ZNR output channels. 2 x 16 (8 accumulators, 4 B vectors)
// measured 3-6 % faster than 3 x 12 at densities <= 0.5 (fewer zeros share a listed pair with a
// non-zero: VGG-16 conv3_1 multiply-adds 0.18 vs 0.22 of dense at density 0.1) and equal at 1.0;
// the code still builds with ZMR = 3, ZNR = 12 (ukzs).
const ZMR: i32 = 2;
const ZNR: i32 = 16;
const PA: i32 = ZMR * 4; // bytes of one k-pair of an A panel (ZMR rows x 2 k, i16)
const PB: i32 = ZNR * 4; // bytes of one k-pair of a B panel (ZNR columns x 2 k, i16)

// Edge tiles (Mg % ZNR != 0, last panel with < ZMR rows) are computed whole here, then copied.
const ZTILE: usize = memory.data(192, 16);

@inline function cdiv(a: i32, b: i32): i32 {
  return (a + b - 1) / b;
}

// k-pairs of one group: floor(RS/2) tap pairs x Cg, plus ceil(Cg/2) channel pairs of an odd RS's last tap.
@inline function pairsK(RS: i32, Cg: i32): i32 {
  return (RS >> 1) * Cg + (RS & 1) * ((Cg + 1) >> 1);
}

/** Bytes of B packed by {@link q8_conv_zs_pack_b} for one group. */
export function q8_conv_zs_packed_b_bytes(Mg: i32, R: i32, S: i32, Cg: i32): i32 {
  return cdiv(Mg, ZNR) * pairsK(R * S, Cg) * PB + 64;
}

/** Bytes of the work buffer of {@link q8_conv_zs_gemm} for a tile of `rows` output pixels. */
export function q8_conv_zs_work_bytes(rows: i32, R: i32, S: i32, Cg: i32): i32 {
  const kp = pairsK(R * S, Cg);
  const panels = cdiv(rows, ZMR);
  return panels * kp * PA + panels * (kp + 1) * 4 + 3 * (R * S + 1) * 4 + Cg + 64;
}

/**
 * Packs one group's weights: w is OHWI [Mg][R][S][Cg] int8 (signed = 1) or uint8, wzp per output
 * channel (i32, in w's own domain). out: [ceil(Mg/ZNR)][KP][ZNR/4][4 cols][2] i16 of w - wzp, pair
 * j = tp * Cg + c = (tap 2tp, tap 2tp + 1) of channel c, and for an odd RS j = TPF * Cg + c / 2 =
 * (channel c, channel c + 1) of the last tap; padding channels and columns are 0.
 */
export function q8_conv_zs_pack_b(w: usize, signed: i32, wzp: usize, Mg: i32, R: i32, S: i32, Cg: i32, out: usize): void {
  const RS = R * S;
  const TPF = RS >> 1;
  const kp = pairsK(RS, Cg);
  const np = cdiv(Mg, ZNR);
  const K = RS * Cg;
  memory.fill(out, 0, <usize>np * kp * PB);
  let n0 = 0;
  let cv = 0; // channels [0, cv) of columns [0, n0) are packed by the vector path
  if (ASC_FEATURE_SIMD) {
    cv = Cg & ~7;
    // 4 columns x 8 channels x one tap pair at a time: widen, subtract the zero points,
    // interleave the two taps, transpose 4 x 4 so that each pair's 4 columns are one store.
    for (; n0 + 4 <= Mg; n0 += 4) {
      const dst = out + <usize>(n0 / ZNR) * kp * PB + <usize>(((n0 % ZNR) >> 2) * 16);
      const s0 = w + <usize>n0 * K;
      const z0 = i16x8.splat(<i16>load<i32>(wzp + (<usize>n0 << 2)));
      const z1 = i16x8.splat(<i16>load<i32>(wzp + (<usize>n0 << 2), 4));
      const z2 = i16x8.splat(<i16>load<i32>(wzp + (<usize>n0 << 2), 8));
      const z3 = i16x8.splat(<i16>load<i32>(wzp + (<usize>n0 << 2), 12));
      for (let tp = 0; tp < TPF; tp++) {
        const ta = <usize>(2 * tp * Cg);
        for (let c = 0; c < cv; c += 8) {
          const o = ta + <usize>c;
          const a0 = w8(s0 + o, signed, z0), b0 = w8(s0 + o + <usize>Cg, signed, z0);
          const a1 = w8(s0 + <usize>K + o, signed, z1), b1 = w8(s0 + <usize>K + o + <usize>Cg, signed, z1);
          const a2 = w8(s0 + <usize>(2 * K) + o, signed, z2), b2 = w8(s0 + <usize>(2 * K) + o + <usize>Cg, signed, z2);
          const a3 = w8(s0 + <usize>(3 * K) + o, signed, z3), b3 = w8(s0 + <usize>(3 * K) + o + <usize>Cg, signed, z3);
          const d = dst + <usize>(tp * Cg + c) * PB;
          tr4(d,
            i16x8.shuffle(a0, b0, 0, 8, 1, 9, 2, 10, 3, 11), i16x8.shuffle(a1, b1, 0, 8, 1, 9, 2, 10, 3, 11),
            i16x8.shuffle(a2, b2, 0, 8, 1, 9, 2, 10, 3, 11), i16x8.shuffle(a3, b3, 0, 8, 1, 9, 2, 10, 3, 11));
          tr4(d + 4 * PB,
            i16x8.shuffle(a0, b0, 4, 12, 5, 13, 6, 14, 7, 15), i16x8.shuffle(a1, b1, 4, 12, 5, 13, 6, 14, 7, 15),
            i16x8.shuffle(a2, b2, 4, 12, 5, 13, 6, 14, 7, 15), i16x8.shuffle(a3, b3, 4, 12, 5, 13, 6, 14, 7, 15));
        }
      }
      if (RS & 1) {
        // the last tap: 8 channels = 4 channel pairs per column, already in pair order
        const ta = <usize>((RS - 1) * Cg);
        for (let c = 0; c < cv; c += 8) {
          const o = ta + <usize>c;
          tr4(dst + <usize>(TPF * Cg + (c >> 1)) * PB,
            w8(s0 + o, signed, z0), w8(s0 + <usize>K + o, signed, z1), w8(s0 + <usize>(2 * K) + o, signed, z2), w8(s0 + <usize>(3 * K) + o, signed, z3));
        }
      }
    }
  }
  for (let n = 0; n < Mg; n++) {
    const jn = n / ZNR;
    const l = n % ZNR;
    const dst = out + <usize>jn * kp * PB + <usize>((l >> 2) * 16 + (l & 3) * 4);
    const src = w + <usize>n * K;
    const z = load<i32>(wzp + (<usize>n << 2));
    for (let t = 0; t < RS; t++) {
      const s = src + <usize>t * Cg;
      const last = t == 2 * TPF; // odd RS: channel pairs
      const base = last ? dst + <usize>TPF * Cg * PB : dst + <usize>(t >> 1) * Cg * PB + <usize>((t & 1) << 1);
      for (let c = n < n0 ? cv : 0; c < Cg; c++) {
        const v = signed ? <i32>load<i8>(s + c) : <i32>load<u8>(s + c);
        store<i16>(last ? base + <usize>(c >> 1) * PB + <usize>((c & 1) << 1) : base + <usize>c * PB, <i16>(v - z));
      }
    }
  }
}

// 8 weights as i16 w - z.
@inline function w8(p: usize, signed: i32, z: v128): v128 {
  return i16x8.sub(signed ? v128.load8x8_s(p) : v128.load8x8_u(p), z);
}

// Rows x0..x3 (u32 lanes = pairs 0..3 of columns 0..3) transposed: pair q's 4 columns at d + 48 q.
@inline function tr4(d: usize, x0: v128, x1: v128, x2: v128, x3: v128): void {
  const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
  v128.store(d, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(d + PB, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(d + 2 * PB, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(d + 3 * PB, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

// Four k-pairs of the panel's rows x, y (, z) into the A layout [4][ZMR][2] i16.
@inline function storeA(dst: usize, x: v128, y: v128, z: v128): void {
  if (ZMR == 2) {
    v128.store(dst, i32x4.shuffle(x, y, 0, 4, 1, 5));
    v128.store(dst, i32x4.shuffle(x, y, 2, 6, 3, 7), 16);
  } else store3(dst, x, y, z);
}

// Interleaves the u32 lanes of three rows into x0 y0 z0 x1 | y1 z1 x2 y2 | z2 x3 y3 z3.
@inline function store3(dst: usize, x: v128, y: v128, z: v128): void {
  const xyLo = i32x4.shuffle(x, y, 0, 4, 1, 5);
  const yz = i32x4.shuffle(y, z, 1, 5, 2, 6);
  const xyHi = i32x4.shuffle(x, y, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(xyLo, z, 0, 1, 4, 2), 0);
  v128.store(dst, i32x4.shuffle(yz, x, 0, 1, 6, 2), 16);
  v128.store(dst, i32x4.shuffle(xyHi, z, 6, 2, 3, 7), 32);
}

// 8 channels of an input pixel (padding: the zero-point row) as i16 x - xzp.
@inline function px8(p: usize, signed: i32, zv: v128): v128 {
  return i16x8.sub(signed ? v128.load8x8_s(p) : v128.load8x8_u(p), zv);
}

// CMP[m] = the positions of the set bits of the byte m, ascending (8 bytes per m): the pair list
// is appended without a branch per pair (data-dependent branches cost more than the lowering).
const CMP: usize = memory.data(256 * 8, 16);
let cmpReady = false;
function initCmp(): void {
  for (let m = 0; m < 256; m++) {
    let n = 0;
    for (let b = 0; b < 8; b++) if (m & (1 << b)) store<u8>(CMP + <usize>(m * 8 + n++), <u8>b);
  }
  cmpReady = true;
}

// Appends j + (set bits of the 8-bit m) to list[n + 1 ..]; returns the new n. Writes 8 entries
// whatever m holds (the caller's list has room: n <= j and j + 8 <= its pairs).
@inline function append8(list: usize, n: i32, j: i32, m: i32): i32 {
  const pos = i16x8.extend_low_i8x16_u(v128.load64_zero(CMP + (<usize>m << 3)));
  const jv = i32x4.splat(j);
  const d = list + (<usize>(n + 1) << 2);
  v128.store(d, i32x4.add(i32x4.extend_low_i16x8_u(pos), jv));
  v128.store(d, i32x4.add(i32x4.extend_high_i16x8_u(pos), jv), 16);
  return n + popcnt<i32>(m);
}

// append8 for a 4-bit m (4 entries written).
@inline function append4(list: usize, n: i32, j: i32, m: i32): i32 {
  const pos = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(CMP + (<usize>m << 3))));
  v128.store(list + (<usize>(n + 1) << 2), i32x4.add(pos, i32x4.splat(j)));
  return n + popcnt<i32>(m);
}

/**
 * One tile of output pixels [p0, p0 + rows) (row-major over E x F) of one NHWC image, channel
 * slice [c0, c0 + Cg) of one group: acc[p][0 .. Mg) (int32, row stride ldacc elements) = the
 * exact sums of (x - xzp) * (w - wzp). pb: this group's B from q8_conv_zs_pack_b. work:
 * q8_conv_zs_work_bytes(rows, R, S, Cg) bytes. skip = 0 multiplies every pair (same code path).
 * Returns the listed pairs summed over the panels, times ZMR (the rows of a panel): the CPU does
 * 2 * Mg multiply-adds per unit (2 k x Mg columns).
 */
export function q8_conv_zs_gemm(
  x: usize, H: i32, W: i32, C: i32, R: i32, S: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, F: i32,
  p0: i32, rows: i32, c0: i32, Cg: i32, xzp: i32, signed: i32, skip: i32,
  pb: usize, Mg: i32, acc: usize, ldacc: i32, work: usize,
): i32 {
  if (!ASC_FEATURE_SIMD) return 0;
  const RS = R * S;
  const TPF = RS >> 1;
  const kp = pairsK(RS, Cg);
  const panels = cdiv(rows, ZMR);
  const apan = work;
  const lists = apan + <usize>panels * kp * PA;
  const taps = lists + <usize>panels * (kp + 1) * 4; // [3][RS + 1] input pixel pointers, 0 = padding
  const zrow = taps + <usize>(3 * (RS + 1) * 4); // Cg bytes of xzp: what a padding tap reads
  memory.fill(zrow, <u8>xzp, <usize>Cg);
  if (!cmpReady) initCmp();
  const zv = i16x8.splat(<i16>xzp);
  const c8 = Cg & ~7;
  let listed = 0;
  // ---- 1. lower + list ----
  for (let ip = 0; ip < panels; ip++) {
    for (let r = 0; r < 3; r++) {
      const tr = taps + <usize>(r * (RS + 1)) * 4;
      store<u32>(tr + (<usize>RS << 2), 0);
      const p = p0 + ip * ZMR + r;
      if (r >= ZMR || p >= p0 + rows) {
        memory.fill(tr, 0, <usize>RS << 2);
        continue;
      }
      const e = p / F;
      const f = p - e * F;
      for (let rr = 0; rr < R; rr++) {
        const ih = e * sh - pt + rr * dh;
        for (let ss = 0; ss < S; ss++) {
          const iw = f * sw - pl + ss * dw;
          const ok = <u32>ih < <u32>H && <u32>iw < <u32>W;
          store<u32>(tr + (<usize>(rr * S + ss) << 2), ok ? <u32>(x + <usize>((ih * W + iw) * C + c0)) : 0);
        }
      }
    }
    const a = apan + <usize>ip * kp * PA;
    const list = lists + <usize>ip * (kp + 1) * 4;
    let n = 0;
    for (let tp = 0; tp < TPF; tp++) {
      const t0 = tp * 2;
      const r00 = <usize>load<u32>(taps + (<usize>t0 << 2));
      const r01 = <usize>load<u32>(taps + (<usize>(t0 + 1) << 2));
      const r10 = <usize>load<u32>(taps + (<usize>(RS + 1 + t0) << 2));
      const r11 = <usize>load<u32>(taps + (<usize>(RS + 2 + t0) << 2));
      const r20 = ZMR == 3 ? <usize>load<u32>(taps + (<usize>(2 * RS + 2 + t0) << 2)) : 0;
      const r21 = ZMR == 3 ? <usize>load<u32>(taps + (<usize>(2 * RS + 3 + t0) << 2)) : 0;
      const jb = tp * Cg;
      if ((r00 | r01 | r10 | r11 | r20 | r21) == 0) {
        // the whole tap pair is padding for the panel's pixels: zeros, never listed
        if (!skip) {
          memory.fill(a + <usize>jb * PA, 0, <usize>Cg * PA);
          for (let c = 0; c < Cg; c++) store<i32>(list + (<usize>(++n) << 2), jb + c);
        }
        continue;
      }
      // padding taps read the zero-point row: no branch per channel block
      const q00 = r00 ? r00 : zrow, q01 = r01 ? r01 : zrow;
      const q10 = r10 ? r10 : zrow, q11 = r11 ? r11 : zrow;
      const q20 = r20 ? r20 : zrow, q21 = r21 ? r21 : zrow;
      let c = 0;
      for (; c < c8; c += 8) {
        const uc = <usize>c;
        const x0a = px8(q00 + uc, signed, zv), x0b = px8(q01 + uc, signed, zv);
        const x1a = px8(q10 + uc, signed, zv), x1b = px8(q11 + uc, signed, zv);
        const l0 = i16x8.shuffle(x0a, x0b, 0, 8, 1, 9, 2, 10, 3, 11);
        const h0 = i16x8.shuffle(x0a, x0b, 4, 12, 5, 13, 6, 14, 7, 15);
        const l1 = i16x8.shuffle(x1a, x1b, 0, 8, 1, 9, 2, 10, 3, 11);
        const h1 = i16x8.shuffle(x1a, x1b, 4, 12, 5, 13, 6, 14, 7, 15);
        let lo = v128.or(l0, l1);
        let hi = v128.or(h0, h1);
        let l2 = lo, h2 = hi;
        if (ZMR == 3) {
          const x2a = px8(q20 + uc, signed, zv), x2b = px8(q21 + uc, signed, zv);
          l2 = i16x8.shuffle(x2a, x2b, 0, 8, 1, 9, 2, 10, 3, 11);
          h2 = i16x8.shuffle(x2a, x2b, 4, 12, 5, 13, 6, 14, 7, 15);
          lo = v128.or(lo, l2);
          hi = v128.or(hi, h2);
        }
        const j = jb + c;
        storeA(a + <usize>j * PA, l0, l1, l2);
        storeA(a + <usize>(j + 4) * PA, h0, h1, h2);
        const m = skip ? i32x4.bitmask(v128.not(i32x4.eq(lo, i32x4.splat(0)))) | (i32x4.bitmask(v128.not(i32x4.eq(hi, i32x4.splat(0)))) << 4) : 0xff;
        n = append8(list, n, j, m);
      }
      for (; c < Cg; c++) {
        // channel tail, one pair for the ZMR rows
        const j = jb + c;
        const d = a + <usize>j * PA;
        let any = 0;
        for (let r = 0; r < ZMR; r++) {
          const qa = <usize>load<u32>(taps + (<usize>(r * (RS + 1) + t0) << 2));
          const qb = <usize>load<u32>(taps + (<usize>(r * (RS + 1) + t0 + 1) << 2));
          const va = qa == 0 ? 0 : (signed ? <i32>load<i8>(qa + <usize>c) : <i32>load<u8>(qa + <usize>c)) - xzp;
          const vb = qb == 0 ? 0 : (signed ? <i32>load<i8>(qb + <usize>c) : <i32>load<u8>(qb + <usize>c)) - xzp;
          store<i16>(d + <usize>r * 4, <i16>va);
          store<i16>(d + <usize>r * 4, <i16>vb, 2);
          any |= va | vb;
        }
        if (any != 0 || !skip) store<i32>(list + (<usize>(++n) << 2), j);
      }
    }
    if (RS & 1) {
      // the last tap: channel pairs (c, c + 1)
      const tl = RS - 1;
      const q0 = <usize>load<u32>(taps + (<usize>tl << 2));
      const q1 = <usize>load<u32>(taps + (<usize>(RS + 1 + tl) << 2));
      const q2 = <usize>load<u32>(taps + (<usize>(2 * RS + 2 + tl) << 2));
      const jb = TPF * Cg;
      const cp = (Cg + 1) >> 1;
      if (q0 == 0 && q1 == 0 && q2 == 0) {
        if (!skip) {
          memory.fill(a + <usize>jb * PA, 0, <usize>cp * PA);
          for (let c = 0; c < cp; c++) store<i32>(list + (<usize>(++n) << 2), jb + c);
        }
      } else {
        const p0 = q0 ? q0 : zrow, p1 = q1 ? q1 : zrow, p2 = q2 ? q2 : zrow;
        let c = 0;
        for (; c < c8; c += 8) {
          const uc = <usize>c;
          const x0 = px8(p0 + uc, signed, zv);
          const x1 = px8(p1 + uc, signed, zv);
          const x2 = ZMR == 3 ? px8(p2 + uc, signed, zv) : x1;
          const nz = ZMR == 3 ? v128.or(x0, v128.or(x1, x2)) : v128.or(x0, x1);
          const j = jb + (c >> 1);
          storeA(a + <usize>j * PA, x0, x1, x2);
          n = append4(list, n, j, skip ? i32x4.bitmask(v128.not(i32x4.eq(nz, i32x4.splat(0)))) : 0xf);
        }
        for (; c < Cg; c += 2) {
          const j = jb + (c >> 1);
          const d = a + <usize>j * PA;
          const hasB = c + 1 < Cg;
          let any = 0;
          for (let r = 0; r < ZMR; r++) {
            const q = <usize>load<u32>(taps + (<usize>(r * (RS + 1) + tl) << 2));
            const va = q == 0 ? 0 : (signed ? <i32>load<i8>(q + <usize>c) : <i32>load<u8>(q + <usize>c)) - xzp;
            const vb = q == 0 || !hasB ? 0 : (signed ? <i32>load<i8>(q + <usize>c + 1) : <i32>load<u8>(q + <usize>c + 1)) - xzp;
            store<i16>(d + <usize>r * 4, <i16>va);
            store<i16>(d + <usize>r * 4, <i16>vb, 2);
            any |= va | vb;
          }
          if (any != 0 || !skip) store<i32>(list + (<usize>(++n) << 2), j);
        }
      }
    }
    store<i32>(list, n);
    listed += n * ZMR;
  }
  // ---- 2. multiply the listed pairs ----
  const np = cdiv(Mg, ZNR);
  const ldcb = <usize>ldacc << 2;
  for (let jn = 0; jn < np; jn++) {
    const b = pb + <usize>jn * kp * PB;
    const nr = min(ZNR, Mg - jn * ZNR);
    for (let ip = 0; ip < panels; ip++) {
      const mr = min(ZMR, rows - ip * ZMR);
      const cp = acc + <usize>(ip * ZMR) * ldcb + <usize>jn * PB;
      if (ZMR == 2) ukzs2x16(apan + <usize>ip * kp * PA, b, lists + <usize>ip * (kp + 1) * 4, cp, ldcb, mr, nr);
      else ukzs(apan + <usize>ip * kp * PA, b, lists + <usize>ip * (kp + 1) * 4, cp, ldcb, mr, nr);
    }
  }
  return listed;
}

// 2 x 16 tile over the listed pairs: A [kp][2][2] i16, B [kp][4 vectors][4][2] i16; list[0] = n.
function ukzs2x16(pa: usize, pb: usize, list: usize, c: usize, ldcb: usize, mr: i32, nr: i32): void {
  if (ASC_FEATURE_SIMD) {
    let c00 = i32x4.splat(0), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    const n = load<i32>(list);
    let lp = list + 4;
    const le = lp + (<usize>n << 2);
    for (; lp < le; lp += 4) {
      const j = <usize>load<i32>(lp);
      const bp = pb + (j << 6);
      const ap = pa + (j << 3);
      const b0 = v128.load(bp, 0), b1 = v128.load(bp, 16), b2 = v128.load(bp, 32), b3 = v128.load(bp, 48);
      let av = v128.load32_splat(ap, 0);
      c00 = i32x4.add(c00, i32x4.dot_i16x8_s(av, b0));
      c01 = i32x4.add(c01, i32x4.dot_i16x8_s(av, b1));
      c02 = i32x4.add(c02, i32x4.dot_i16x8_s(av, b2));
      c03 = i32x4.add(c03, i32x4.dot_i16x8_s(av, b3));
      av = v128.load32_splat(ap, 4);
      c10 = i32x4.add(c10, i32x4.dot_i16x8_s(av, b0));
      c11 = i32x4.add(c11, i32x4.dot_i16x8_s(av, b1));
      c12 = i32x4.add(c12, i32x4.dot_i16x8_s(av, b2));
      c13 = i32x4.add(c13, i32x4.dot_i16x8_s(av, b3));
    }
    if (mr == 2 && nr == 16) {
      v128.store(c, c00, 0);
      v128.store(c, c01, 16);
      v128.store(c, c02, 32);
      v128.store(c, c03, 48);
      v128.store(c + ldcb, c10, 0);
      v128.store(c + ldcb, c11, 16);
      v128.store(c + ldcb, c12, 32);
      v128.store(c + ldcb, c13, 48);
    } else {
      v128.store(ZTILE, c00, 0);
      v128.store(ZTILE, c01, 16);
      v128.store(ZTILE, c02, 32);
      v128.store(ZTILE, c03, 48);
      v128.store(ZTILE, c10, 64);
      v128.store(ZTILE, c11, 80);
      v128.store(ZTILE, c12, 96);
      v128.store(ZTILE, c13, 112);
      for (let r = 0; r < mr; r++) memory.copy(c + <usize>r * ldcb, ZTILE + <usize>r * 64, <usize>nr << 2);
    }
  }
}

// 3 x 12 tile over the listed pairs: A [kp][3][2] i16, B [kp][3 vectors][4][2] i16; list[0] = n.
function ukzs(pa: usize, pb: usize, list: usize, c: usize, ldcb: usize, mr: i32, nr: i32): void {
  if (ASC_FEATURE_SIMD) {
    let c00 = i32x4.splat(0), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00, c20 = c00, c21 = c00, c22 = c00;
    const n = load<i32>(list);
    let lp = list + 4;
    const le = lp + (<usize>n << 2);
    for (; lp < le; lp += 4) {
      const j = <usize>load<i32>(lp);
      const bp = pb + j * 48;
      const ap = pa + j * 12;
      const b0 = v128.load(bp, 0), b1 = v128.load(bp, 16), b2 = v128.load(bp, 32);
      let av = v128.load32_splat(ap, 0);
      c00 = i32x4.add(c00, i32x4.dot_i16x8_s(av, b0));
      c01 = i32x4.add(c01, i32x4.dot_i16x8_s(av, b1));
      c02 = i32x4.add(c02, i32x4.dot_i16x8_s(av, b2));
      av = v128.load32_splat(ap, 4);
      c10 = i32x4.add(c10, i32x4.dot_i16x8_s(av, b0));
      c11 = i32x4.add(c11, i32x4.dot_i16x8_s(av, b1));
      c12 = i32x4.add(c12, i32x4.dot_i16x8_s(av, b2));
      av = v128.load32_splat(ap, 8);
      c20 = i32x4.add(c20, i32x4.dot_i16x8_s(av, b0));
      c21 = i32x4.add(c21, i32x4.dot_i16x8_s(av, b1));
      c22 = i32x4.add(c22, i32x4.dot_i16x8_s(av, b2));
    }
    if (mr == 3 && nr == 12) {
      v128.store(c, c00, 0);
      v128.store(c, c01, 16);
      v128.store(c, c02, 32);
      v128.store(c + ldcb, c10, 0);
      v128.store(c + ldcb, c11, 16);
      v128.store(c + ldcb, c12, 32);
      v128.store(c + 2 * ldcb, c20, 0);
      v128.store(c + 2 * ldcb, c21, 16);
      v128.store(c + 2 * ldcb, c22, 32);
    } else {
      v128.store(ZTILE, c00, 0);
      v128.store(ZTILE, c01, 16);
      v128.store(ZTILE, c02, 32);
      v128.store(ZTILE, c10, 48);
      v128.store(ZTILE, c11, 64);
      v128.store(ZTILE, c12, 80);
      v128.store(ZTILE, c20, 96);
      v128.store(ZTILE, c21, 112);
      v128.store(ZTILE, c22, 128);
      for (let r = 0; r < mr; r++) {
        memory.copy(c + <usize>r * ldcb, ZTILE + <usize>r * 48, <usize>nr << 2);
      }
    }
  }
}

/**
 * Exact counts of one NHWC image for the FEIE model, and the density scan of conv2dAuto, in one
 * vectorised pass over x: rowNnz[ih * C + c] += 1 per non-zero input (x != xzp), and counts (f64)
 * [0] += nnz(pixel) * taps, [1] += C * taps, [2] += nnz(pixel), where taps is the number of
 * (r, s) of the pixel that reach an output (with groups, multiply [0] and [1] by Mg for MACs).
 * rowNnz = 0 skips the per-row counts.
 */
export function q8_conv_zs_count(
  x: usize, H: i32, W: i32, C: i32, R: i32, S: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, E: i32, F: i32,
  xzp: i32, signed: i32, rowNnz: usize, counts: usize,
): void {
  let macNz: f64 = 0;
  let macAll: f64 = 0;
  let nzAll: f64 = 0;
  const zb = <u8>xzp;
  // taps along W per input column (NS_MAX columns cached, the rest computed on the fly)
  let nsAll = 0;
  for (let iw = 0; iw < W; iw++) {
    const ns = colTaps(iw, S, sw, dw, pl, F);
    if (iw < NS_MAX) store<i32>(NS + (<usize>iw << 2), ns);
    nsAll += ns;
  }
  const c16 = ASC_FEATURE_SIMD ? C & ~15 : 0;
  for (let ih = 0; ih < H; ih++) {
    let nr = 0;
    for (let r = 0; r < R; r++) {
      const t = ih + pt - r * dh;
      if (t >= 0 && t % sh == 0 && t / sh < E) nr++;
    }
    const cntRow = rowNnz + (<usize>(ih * C) << 2);
    const xr = x + <usize>(ih * W) * <usize>C;
    let rowNz: i64 = 0;
    let rowW: i64 = 0; // sum over the row of nnz(pixel) * ns(pixel)
    if (ASC_FEATURE_SIMD) {
      // channel blocks outermost: per-channel counts stay in registers across the row
      const zv = i8x16.splat(<i8>zb);
      for (let c = 0; c < c16; c += 16) {
        let a0 = i16x8.splat(0);
        let a1 = a0;
        for (let iw = 0; iw < W; iw++) {
          const nzv = v128.not(i8x16.eq(v128.load(xr + <usize>iw * <usize>C + <usize>c), zv)); // -1 where non-zero
          const pc = popcnt<i32>(i8x16.bitmask(nzv));
          rowW += <i64>(pc * (iw < NS_MAX ? load<i32>(NS + (<usize>iw << 2)) : colTaps(iw, S, sw, dw, pl, F)));
          rowNz += pc;
          a0 = i16x8.sub(a0, i16x8.extend_low_i8x16_s(nzv));
          a1 = i16x8.sub(a1, i16x8.extend_high_i8x16_s(nzv));
          if ((iw & 0x3fff) == 0x3fff) {
            // flush before the i16 counters could overflow (W > 16383)
            if (rowNnz) flush16(cntRow + (<usize>c << 2), a0, a1);
            a0 = i16x8.splat(0);
            a1 = a0;
          }
        }
        if (rowNnz) flush16(cntRow + (<usize>c << 2), a0, a1);
      }
    }
    for (let iw = 0; iw < W; iw++) {
      const px = xr + <usize>iw * <usize>C;
      let nnz = 0;
      for (let c = c16; c < C; c++) {
        if (load<u8>(px + <usize>c) != zb) {
          nnz++;
          if (rowNnz) {
            const p = cntRow + (<usize>c << 2);
            store<i32>(p, load<i32>(p) + 1);
          }
        }
      }
      rowW += <i64>(nnz * (iw < NS_MAX ? load<i32>(NS + (<usize>iw << 2)) : colTaps(iw, S, sw, dw, pl, F)));
      rowNz += nnz;
    }
    macNz += <f64>rowW * <f64>nr;
    macAll += <f64>C * <f64>nsAll * <f64>nr;
    nzAll += <f64>rowNz;
  }
  store<f64>(counts, load<f64>(counts) + macNz);
  store<f64>(counts, load<f64>(counts, 8) + macAll, 8);
  store<f64>(counts, load<f64>(counts, 16) + nzAll, 16);
  void signed;
}

const NS_MAX: i32 = 4096;
const NS: usize = memory.data(NS_MAX * 4, 16);

// Taps s of input column iw that reach an output column.
@inline function colTaps(iw: i32, S: i32, sw: i32, dw: i32, pl: i32, F: i32): i32 {
  let ns = 0;
  for (let s = 0; s < S; s++) {
    const t = iw + pl - s * dw;
    if (t >= 0 && t % sw == 0 && t / sw < F) ns++;
  }
  return ns;
}

// rowNnz[c .. c + 16) += the two i16x8 counters.
@inline function flush16(p: usize, a0: v128, a1: v128): void {
  v128.store(p, i32x4.add(v128.load(p, 0), i32x4.extend_low_i16x8_s(a0)), 0);
  v128.store(p, i32x4.add(v128.load(p, 16), i32x4.extend_high_i16x8_s(a0)), 16);
  v128.store(p, i32x4.add(v128.load(p, 32), i32x4.extend_low_i16x8_s(a1)), 32);
  v128.store(p, i32x4.add(v128.load(p, 48), i32x4.extend_high_i16x8_s(a1)), 48);
}
