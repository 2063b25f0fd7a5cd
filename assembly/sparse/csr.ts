// CSR sparse kernels: int8 pruned weights (rows = output channels) times int8/uint8 activations.
//
// Packed CSR layout (src/ops/sparse.ts builds it, after validating every index on the host):
//   rowPtr: i32[rows + 1], absolute offsets into the entry arrays (rowPtr[0] = 0, non-decreasing);
//   colIdx: u16[nnz], column of each entry (< cols <= 65536, strictly increasing within a row);
//   vals:   i16[nnz], the weight MINUS its row's zero point (w - wzp[row], in [-255, 255]).
// Storing w - wzp makes the zero-point correction of a pruned matrix free: a pruned weight is one
// whose REAL value is 0, i.e. quantised w == wzp[row]; it contributes (x - xzp) * 0 and is simply
// absent. Activations are handed over as xs = x - xzp (i16, in [-255, 255]) in a transposed
// layout xT[k * ldx + p] (one contiguous lane vector of P batch rows / output pixels per input
// column k), so that a weight entry multiplies a whole vector of lanes.
//
// Products (x - xzp)(w - wzp) are at most 255 * 255 in magnitude; i32x4.dot_i16x8_s adds two of
// them exactly; the i32 accumulation wraps mod 2^32 like the dense reference.
//
// The vector path takes the entries of a row in pairs (c1, v1), (c2, v2): it interleaves the lane
// vectors of columns c1 and c2 (one i16x8.shuffle per 8 lanes) and multiplies them with the
// splatted pair (v1, v2) by i32x4.dot_i16x8_s: 2 MACs per lane per instruction, no widening.

// @ts-ignore: decorator
@inline
function lo16(a: v128, b: v128): v128 {
  return i16x8.shuffle(a, b, 0, 8, 1, 9, 2, 10, 3, 11);
}
// @ts-ignore: decorator
@inline
function hi16(a: v128, b: v128): v128 {
  return i16x8.shuffle(a, b, 4, 12, 5, 13, 6, 14, 7, 15);
}

/**
 * Row-major sums: accT[row * ldl + p] = sum over the entries of `row` of xT[col * ldx + p] *
 * vals[i], for rows [0, rows) and lanes p in [0, P) (int32, wrapping). The entries are stored in
 * `panels` column panels, panel j with its own rows + 1 row pointers at rowPtr + j*(rows+1)*4
 * (absolute offsets); the packed arrays carry 16 readable entries of slack after the last one
 * (batch 1 reads whole 8-entry blocks and masks the values). ldx >= P; the vector path needs ldx and ldl multiples of 8
 * with ldl >= ldx: it computes and stores whole vectors, so lanes [P, roundUp(P, 8)) receive
 * sums of the padding lanes (zero in xT), which callers never read. skipZeros = 1 skips an entry
 * pair whose activation lanes are all zero (same result; exact counts come from csr_zero_macs).
 * s32_csr_untranspose turns accT into the [lane, row] layout of the output stage.
 */
export function s16_csr_spmm(
  rowPtr: usize, panels: i32, colIdx: usize, vals: usize, rows: i32,
  xT: usize, ldx: i32, P: i32, accT: usize, ldl: i32, skipZeros: i32,
): void {
  const ldxB = <usize>ldx << 1;
  if (ASC_FEATURE_SIMD) {
    if (P == 1 && ldx == 1 && ldl == 1 && !skipZeros) {
      spmv8(rowPtr, panels, colIdx, vals, rows, xT, accT);
      return;
    }
  }
  // Panel by panel (the activations of one panel stay in cache), accumulating after the first.
  const pStride = (<usize>rows + 1) << 2;
  for (let j = 0; j < panels; j++) {
    const rp = rowPtr + <usize>j * pStride;
    const acc = j > 0 ? 1 : 0;
    if (ASC_FEATURE_SIMD) {
      if (P > 1 && (ldx & 7) == 0 && (ldl & 7) == 0) {
        // Constant flags let the inlined loops drop their branches: FC 4096x4096 batch 16 at
        // density 0.1, kernel alone 1.79 -> 1.22 ms (0.067 -> 0.045 ns per MAC).
        if (skipZeros) spmmVec(rp, colIdx, vals, rows, xT, ldxB, P, accT, ldl, 1, acc, false);
        else if (acc) spmmVec(rp, colIdx, vals, rows, xT, ldxB, P, accT, ldl, 0, 1, false);
        else spmmVec(rp, colIdx, vals, rows, xT, ldxB, P, accT, ldl, 0, 0, false);
        continue;
      }
    }
    spmmScalar(rp, colIdx, vals, rows, xT, ldxB, P, accT, ldl, skipZeros, acc, false);
  }
}

/**
 * Direct variant for convolutions: entry i's lane vector starts at xBase + offs[i] (u32 byte
 * offsets, computed per call from the column and the input layout), lanes contiguous (i16).
 * Vector builds read whole 32-lane chunks (64 bytes, or 16 / 32 bytes for a last chunk of <= 8 /
 * <= 16 lanes), so the caller keeps that many readable bytes after every offset. Same sums and
 * accT layout as s16_csr_spmm (ldl a multiple of 8).
 */
export function s16_csr_spmm_direct(
  rowPtr: usize, offs: usize, vals: usize, rows: i32,
  xBase: usize, P: i32, accT: usize, ldl: i32, skipZeros: i32, accumulate: i32,
): void {
  if (ASC_FEATURE_SIMD) {
    if (P > 1 && (ldl & 7) == 0) {
      if (skipZeros) spmmVec(rowPtr, offs, vals, rows, xBase, 0, P, accT, ldl, 1, accumulate, true);
      else if (accumulate) spmmVec(rowPtr, offs, vals, rows, xBase, 0, P, accT, ldl, 0, 1, true);
      else spmmVec(rowPtr, offs, vals, rows, xBase, 0, P, accT, ldl, 0, 0, true);
      return;
    }
  }
  spmmScalar(rowPtr, offs, vals, rows, xBase, 0, P, accT, ldl, skipZeros, accumulate, true);
}

/**
 * dst[p * ldd + r] = accT[r * ldl + p] for rows r < rows and lanes p < P: the [lane, row] layout
 * the output stage (q8_requantize / s32_correct) reads.
 */
export function s32_csr_untranspose(accT: usize, rows: i32, ldl: i32, P: i32, dst: usize, ldd: i32): void {
  const lB = <usize>ldl << 2;
  const dB = <usize>ldd << 2;
  let r = 0;
  if (ASC_FEATURE_SIMD) {
    // 4 rows x 4 lanes: four loads, a 4x4 i32 transpose, four stores. Measured no faster than
    // per-lane inserts (~40 us for 4096 x 16: bound by the 16 KiB-strided stores), but fewer ops.
    const P4 = P & ~3;
    for (; r + 4 <= rows; r += 4) {
      const s0 = accT + <usize>r * lB;
      const d0 = dst + (<usize>r << 2);
      let p = 0;
      for (; p < P4; p += 4) {
        const o = <usize>p << 2;
        const a = v128.load(s0 + o), b = v128.load(s0 + lB + o), c = v128.load(s0 + lB * 2 + o), d = v128.load(s0 + lB * 3 + o);
        const ab0 = i32x4.shuffle(a, b, 0, 4, 1, 5), ab1 = i32x4.shuffle(a, b, 2, 6, 3, 7);
        const cd0 = i32x4.shuffle(c, d, 0, 4, 1, 5), cd1 = i32x4.shuffle(c, d, 2, 6, 3, 7);
        const q = d0 + <usize>p * dB;
        v128.store(q, i64x2.shuffle(ab0, cd0, 0, 2));
        v128.store(q + dB, i64x2.shuffle(ab0, cd0, 1, 3));
        v128.store(q + dB * 2, i64x2.shuffle(ab1, cd1, 0, 2));
        v128.store(q + dB * 3, i64x2.shuffle(ab1, cd1, 1, 3));
      }
      for (; p < P; p++) {
        const o = <usize>p << 2;
        let v = i32x4.splat(load<i32>(s0 + o));
        v = i32x4.replace_lane(v, 1, load<i32>(s0 + lB + o));
        v = i32x4.replace_lane(v, 2, load<i32>(s0 + lB * 2 + o));
        v = i32x4.replace_lane(v, 3, load<i32>(s0 + lB * 3 + o));
        v128.store(d0 + <usize>p * dB, v);
      }
    }
  }
  for (; r < rows; r++) {
    const s0 = accT + <usize>r * lB;
    for (let p = 0; p < P; p++) store<i32>(dst + <usize>p * dB + (<usize>r << 2), load<i32>(s0 + (<usize>p << 2)));
  }
}

// Byte offset of entry i's lane vector: colIdx[i] * ldxB (u16 columns), or offs[i] (u32 byte
// offsets, the direct conv layout).
// @ts-ignore: decorator
@inline
function entryOff(idx: usize, i: i32, ldxB: usize, direct: bool): usize {
  return direct ? <usize>load<u32>(idx + (<usize>i << 2)) : <usize>load<u16>(idx + (<usize>i << 1)) * ldxB;
}

// @ts-ignore: decorator
@inline
function spmmScalar(rowPtr: usize, colIdx: usize, vals: usize, rows: i32, xT: usize, ldxB: usize, P: i32, accT: usize, ldl: i32, skipZeros: i32, accumulate: i32, direct: bool): void {
  for (let r = 0; r < rows; r++) {
    const b = load<i32>(rowPtr + (<usize>r << 2));
    const e = load<i32>(rowPtr + (<usize>r << 2), 4);
    const dst = accT + ((<usize>r * ldl) << 2);
    for (let p = 0; p < P; p++) {
      const xp = xT + (<usize>p << 1);
      let s0: i32 = 0;
      let s1: i32 = 0;
      let i = b;
      if (skipZeros) {
        for (; i < e; i++) {
          const xv = <i32>load<i16>(xp + entryOff(colIdx, i, ldxB, direct));
          if (xv != 0) s0 += xv * <i32>load<i16>(vals + (<usize>i << 1));
        }
      } else {
        for (; i + 2 <= e; i += 2) {
          const w = load<i32>(vals + (<usize>i << 1));
          s0 += <i32>load<i16>(xp + entryOff(colIdx, i, ldxB, direct)) * ((w << 16) >> 16);
          s1 += <i32>load<i16>(xp + entryOff(colIdx, i + 1, ldxB, direct)) * (w >> 16);
        }
        if (i < e) s0 += <i32>load<i16>(xp + entryOff(colIdx, i, ldxB, direct)) * <i32>load<i16>(vals + (<usize>i << 1));
      }
      const d = dst + (<usize>p << 2);
      store<i32>(d, (accumulate ? load<i32>(d) : 0) + s0 + s1);
    }
  }
}

// Lanes in chunks of 32 (four i16x8 per column, eight i32x4 accumulators), then 16, then 8.
// @ts-ignore: decorator
@inline
function spmmVec(rowPtr: usize, idx: usize, vals: usize, rows: i32, xT: usize, ldxB: usize, P: i32, accT: usize, ldl: i32, skipZeros: i32, accumulate: i32, direct: bool): void {
  let p0 = 0;
  for (; p0 + 32 <= P; p0 += 32) spmm32(rowPtr, idx, vals, rows, xT + (<usize>p0 << 1), ldxB, accT + (<usize>p0 << 2), ldl, skipZeros, accumulate, direct);
  for (; p0 < P; p0 += 16) spmm16(rowPtr, idx, vals, rows, xT + (<usize>p0 << 1), ldxB, accT + (<usize>p0 << 2), ldl, P - p0 <= 8, skipZeros, accumulate, direct);
}

// 16 lanes (two i16x8 per column; one when `single`, for a last chunk of <= 8 lanes).
// @ts-ignore: decorator
@inline
function spmm16(rowPtr: usize, idx: usize, vals: usize, rows: i32, xT: usize, ldxB: usize, accT: usize, ldl: i32, single: bool, skipZeros: i32, accumulate: i32, direct: bool): void {
  for (let r = 0; r < rows; r++) {
    const b = load<i32>(rowPtr + (<usize>r << 2));
    const e = load<i32>(rowPtr + (<usize>r << 2), 4);
    const d = accT + ((<usize>r * ldl) << 2);
    let a0 = i32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
    if (accumulate) {
      a0 = v128.load(d);
      a1 = v128.load(d, 16);
      if (!single) {
        a2 = v128.load(d, 32);
        a3 = v128.load(d, 48);
      }
    }
    let i = b;
    for (; i + 2 <= e; i += 2) {
      const w = i32x4.splat(load<i32>(vals + (<usize>i << 1)));
      const pa = xT + entryOff(idx, i, ldxB, direct);
      const pb = xT + entryOff(idx, i + 1, ldxB, direct);
      const x0 = v128.load(pa), y0 = v128.load(pb);
      if (single) {
        if (skipZeros && !v128.any_true(v128.or(x0, y0))) continue;
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(lo16(x0, y0), w));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(hi16(x0, y0), w));
      } else {
        const x1 = v128.load(pa, 16), y1 = v128.load(pb, 16);
        if (skipZeros && !v128.any_true(v128.or(v128.or(x0, y0), v128.or(x1, y1)))) continue;
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(lo16(x0, y0), w));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(hi16(x0, y0), w));
        a2 = i32x4.add(a2, i32x4.dot_i16x8_s(lo16(x1, y1), w));
        a3 = i32x4.add(a3, i32x4.dot_i16x8_s(hi16(x1, y1), w));
      }
    }
    if (i < e) {
      // Odd entry: pair it with itself and a zero weight.
      const w = i32x4.splat(<i32>load<u16>(vals + (<usize>i << 1)));
      const pa = xT + entryOff(idx, i, ldxB, direct);
      const x0 = v128.load(pa);
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(lo16(x0, x0), w));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(hi16(x0, x0), w));
      if (!single) {
        const x1 = v128.load(pa, 16);
        a2 = i32x4.add(a2, i32x4.dot_i16x8_s(lo16(x1, x1), w));
        a3 = i32x4.add(a3, i32x4.dot_i16x8_s(hi16(x1, x1), w));
      }
    }
    v128.store(d, a0);
    v128.store(d, a1, 16);
    if (!single) {
      v128.store(d, a2, 32);
      v128.store(d, a3, 48);
    }
  }
}

// 32 lanes (four i16x8 per column, eight i32x4 accumulators).
// @ts-ignore: decorator
@inline
function spmm32(rowPtr: usize, idx: usize, vals: usize, rows: i32, xT: usize, ldxB: usize, accT: usize, ldl: i32, skipZeros: i32, accumulate: i32, direct: bool): void {
  for (let r = 0; r < rows; r++) {
    const b = load<i32>(rowPtr + (<usize>r << 2));
    const e = load<i32>(rowPtr + (<usize>r << 2), 4);
    const d = accT + ((<usize>r * ldl) << 2);
    let a0 = i32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    if (accumulate) {
      a0 = v128.load(d); a1 = v128.load(d, 16); a2 = v128.load(d, 32); a3 = v128.load(d, 48);
      a4 = v128.load(d, 64); a5 = v128.load(d, 80); a6 = v128.load(d, 96); a7 = v128.load(d, 112);
    }
    let i = b;
    for (; i + 2 <= e; i += 2) {
      const w = i32x4.splat(load<i32>(vals + (<usize>i << 1)));
      const pa = xT + entryOff(idx, i, ldxB, direct);
      const pb = xT + entryOff(idx, i + 1, ldxB, direct);
      const x0 = v128.load(pa), y0 = v128.load(pb);
      const x1 = v128.load(pa, 16), y1 = v128.load(pb, 16);
      const x2 = v128.load(pa, 32), y2 = v128.load(pb, 32);
      const x3 = v128.load(pa, 48), y3 = v128.load(pb, 48);
      if (skipZeros && !v128.any_true(v128.or(v128.or(v128.or(x0, y0), v128.or(x1, y1)), v128.or(v128.or(x2, y2), v128.or(x3, y3))))) continue;
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(lo16(x0, y0), w));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(hi16(x0, y0), w));
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(lo16(x1, y1), w));
      a3 = i32x4.add(a3, i32x4.dot_i16x8_s(hi16(x1, y1), w));
      a4 = i32x4.add(a4, i32x4.dot_i16x8_s(lo16(x2, y2), w));
      a5 = i32x4.add(a5, i32x4.dot_i16x8_s(hi16(x2, y2), w));
      a6 = i32x4.add(a6, i32x4.dot_i16x8_s(lo16(x3, y3), w));
      a7 = i32x4.add(a7, i32x4.dot_i16x8_s(hi16(x3, y3), w));
    }
    if (i < e) {
      const w = i32x4.splat(<i32>load<u16>(vals + (<usize>i << 1)));
      const pa = xT + entryOff(idx, i, ldxB, direct);
      const x0 = v128.load(pa), x1 = v128.load(pa, 16), x2 = v128.load(pa, 32), x3 = v128.load(pa, 48);
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(lo16(x0, x0), w));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(hi16(x0, x0), w));
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(lo16(x1, x1), w));
      a3 = i32x4.add(a3, i32x4.dot_i16x8_s(hi16(x1, x1), w));
      a4 = i32x4.add(a4, i32x4.dot_i16x8_s(lo16(x2, x2), w));
      a5 = i32x4.add(a5, i32x4.dot_i16x8_s(hi16(x2, x2), w));
      a6 = i32x4.add(a6, i32x4.dot_i16x8_s(lo16(x3, x3), w));
      a7 = i32x4.add(a7, i32x4.dot_i16x8_s(hi16(x3, x3), w));
    }
    v128.store(d, a0); v128.store(d, a1, 16); v128.store(d, a2, 32); v128.store(d, a3, 48);
    v128.store(d, a4, 64); v128.store(d, a5, 80); v128.store(d, a6, 96); v128.store(d, a7, 112);
  }
}

// Gathers the activations of 4 entries at ci (u16 columns) into lanes l..l+3 of a zeroed vector.
// Each lane insert depends on the previous one, so the callers run four such chains in parallel
// (16 entries) instead of one 8-deep chain (measured: 0.72 -> ~0.45 ns per entry in cache).
// Indices come from scalar loads, not lane extracts (which would compete with the inserts);
// one u64 load per 4 indices measured no better.
// @ts-ignore: decorator
@inline
function gather4(x: usize, ci: usize, hi: bool): v128 {
  let v = i32x4.splat(0);
  if (hi) {
    v = v128.load16_lane(x + (<usize>load<u16>(ci) << 1), v, 4);
    v = v128.load16_lane(x + (<usize>load<u16>(ci, 2) << 1), v, 5);
    v = v128.load16_lane(x + (<usize>load<u16>(ci, 4) << 1), v, 6);
    return v128.load16_lane(x + (<usize>load<u16>(ci, 6) << 1), v, 7);
  }
  v = v128.load16_lane(x + (<usize>load<u16>(ci) << 1), v, 0);
  v = v128.load16_lane(x + (<usize>load<u16>(ci, 2) << 1), v, 1);
  v = v128.load16_lane(x + (<usize>load<u16>(ci, 4) << 1), v, 2);
  return v128.load16_lane(x + (<usize>load<u16>(ci, 6) << 1), v, 3);
}

// Batch 1 (sparse matrix x vector): 8 entries at a time, their activations gathered into one
// vector by lane loads, multiplied with the 8 values by i32x4.dot_i16x8_s. A row's segments in
// all panels are summed together (panels only matter for batched lanes). A last block of n < 8
// entries reads 8 (the slack keeps it in bounds; columns read there are valid ones of other
// entries) and zeroes the values of lanes >= n. acc[row] (stride 4).
function spmv8(rowPtr: usize, panels: i32, colIdx: usize, vals: usize, rows: i32, x: usize, acc: usize): void {
  const pStride = (<usize>rows + 1) << 2;
  const iota = i16x8(0, 1, 2, 3, 4, 5, 6, 7);
  for (let r = 0; r < rows; r++) {
    let a0 = i32x4.splat(0);
    let a1 = a0;
    for (let j = 0; j < panels; j++) {
      const rp = rowPtr + <usize>j * pStride + (<usize>r << 2);
      const e = load<i32>(rp, 4);
      let i = load<i32>(rp);
      for (; i + 16 <= e; i += 16) {
        const o = <usize>i << 1;
        const c = colIdx + o;
        const x0 = v128.or(gather4(x, c, false), gather4(x, c + 8, true));
        const x1 = v128.or(gather4(x, c + 16, false), gather4(x, c + 24, true));
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(x0, v128.load(vals + o)));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(x1, v128.load(vals + o, 16)));
      }
      for (; i < e; i += 8) {
        const o = <usize>i << 1;
        const x0 = v128.or(gather4(x, colIdx + o, false), gather4(x, colIdx + o + 8, true));
        let v = v128.load(vals + o);
        const n = e - i;
        if (n < 8) v = v128.and(v, i16x8.lt_s(iota, i16x8.splat(<i16>n)));
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(x0, v));
      }
    }
    a0 = i32x4.add(a0, a1);
    store<i32>(acc + (<usize>r << 2), i32x4.extract_lane(a0, 0) + i32x4.extract_lane(a0, 1) + i32x4.extract_lane(a0, 2) + i32x4.extract_lane(a0, 3));
  }
}

/**
 * xT[k * ldx + b] = x[b * K + k] - xzp (i16) for b < B, 0 for lanes [B, ldx). x is [B, K] int8
 * (signed = 1) or uint8; xzp is in x's own dtype. The transposed layout of the FC kernels.
 */
export function q8_csr_transpose_x(x: usize, B: i32, K: i32, xzp: i32, signed: i32, xT: usize, ldx: i32): void {
  let b0 = 0;
  if (ASC_FEATURE_SIMD) {
    // 8 batch rows x 8 columns at a time: widen, subtract the zero point, 8x8 i16 transpose.
    // Measured 120 -> ~15 us for 16 x 4096 (the scalar loop reads with stride K).
    const z = i16x8.splat(<i16>xzp);
    const K8 = K & ~7;
    for (; b0 + 8 <= B; b0 += 8) {
      const xr = x + <usize>b0 * K;
      const Kz = <usize>K;
      for (let k0 = 0; k0 < K8; k0 += 8) {
        const p = xr + <usize>k0;
        let r0: v128, r1: v128, r2: v128, r3: v128, r4: v128, r5: v128, r6: v128, r7: v128;
        if (signed) {
          r0 = v128.load8x8_s(p); r1 = v128.load8x8_s(p + Kz); r2 = v128.load8x8_s(p + Kz * 2); r3 = v128.load8x8_s(p + Kz * 3);
          r4 = v128.load8x8_s(p + Kz * 4); r5 = v128.load8x8_s(p + Kz * 5); r6 = v128.load8x8_s(p + Kz * 6); r7 = v128.load8x8_s(p + Kz * 7);
        } else {
          r0 = v128.load8x8_u(p); r1 = v128.load8x8_u(p + Kz); r2 = v128.load8x8_u(p + Kz * 2); r3 = v128.load8x8_u(p + Kz * 3);
          r4 = v128.load8x8_u(p + Kz * 4); r5 = v128.load8x8_u(p + Kz * 5); r6 = v128.load8x8_u(p + Kz * 6); r7 = v128.load8x8_u(p + Kz * 7);
        }
        r0 = i16x8.sub(r0, z); r1 = i16x8.sub(r1, z); r2 = i16x8.sub(r2, z); r3 = i16x8.sub(r3, z);
        r4 = i16x8.sub(r4, z); r5 = i16x8.sub(r5, z); r6 = i16x8.sub(r6, z); r7 = i16x8.sub(r7, z);
        const t0 = lo16(r0, r1), t1 = hi16(r0, r1), t2 = lo16(r2, r3), t3 = hi16(r2, r3);
        const t4 = lo16(r4, r5), t5 = hi16(r4, r5), t6 = lo16(r6, r7), t7 = hi16(r6, r7);
        const u0 = i32x4.shuffle(t0, t2, 0, 4, 1, 5), u1 = i32x4.shuffle(t0, t2, 2, 6, 3, 7);
        const u2 = i32x4.shuffle(t1, t3, 0, 4, 1, 5), u3 = i32x4.shuffle(t1, t3, 2, 6, 3, 7);
        const u4 = i32x4.shuffle(t4, t6, 0, 4, 1, 5), u5 = i32x4.shuffle(t4, t6, 2, 6, 3, 7);
        const u6 = i32x4.shuffle(t5, t7, 0, 4, 1, 5), u7 = i32x4.shuffle(t5, t7, 2, 6, 3, 7);
        const d = xT + ((<usize>k0 * ldx + b0) << 1);
        const st = <usize>ldx << 1;
        v128.store(d, i64x2.shuffle(u0, u4, 0, 2));
        v128.store(d + st, i64x2.shuffle(u0, u4, 1, 3));
        v128.store(d + st * 2, i64x2.shuffle(u1, u5, 0, 2));
        v128.store(d + st * 3, i64x2.shuffle(u1, u5, 1, 3));
        v128.store(d + st * 4, i64x2.shuffle(u2, u6, 0, 2));
        v128.store(d + st * 5, i64x2.shuffle(u2, u6, 1, 3));
        v128.store(d + st * 6, i64x2.shuffle(u3, u7, 0, 2));
        v128.store(d + st * 7, i64x2.shuffle(u3, u7, 1, 3));
      }
      // column tail of this row block
      for (let k = K8; k < K; k++) {
        const d = xT + ((<usize>k * ldx + b0) << 1);
        for (let b = 0; b < 8; b++) {
          const v = signed ? <i32>load<i8>(xr + <usize>b * K + k) : <i32>load<u8>(xr + <usize>b * K + k);
          store<i16>(d + (<usize>b << 1), v - xzp);
        }
      }
    }
  }
  // remaining batch rows, then the zero padding lanes [B, ldx)
  for (let k = 0; k < K; k++) {
    const d = xT + ((<usize>k * ldx) << 1);
    let b = b0;
    if (signed) for (; b < B; b++) store<i16>(d + (<usize>b << 1), <i32>load<i8>(x + <usize>b * K + k) - xzp);
    else for (; b < B; b++) store<i16>(d + (<usize>b << 1), <i32>load<u8>(x + <usize>b * K + k) - xzp);
    for (; b < ldx; b++) store<i16>(d + (<usize>b << 1), 0);
  }
}

/**
 * The transposed lowered tile of a convolution: xT[k * ldx + p] = x(pixel p0 + p, k) - xzp (i16)
 * with k = (r * S + s) * Cg + c over the channel slice [c0, c0 + Cg) of NHWC image x (H x W x C),
 * 0 at padded positions (real 0) and for lanes [P, ldx). Geometry as u8_im2col (conv/im2col.ts).
 */
export function q8_csr_im2col_t(
  x: usize, H: i32, W: i32, C: i32, R: i32, S: i32,
  sh: i32, sw: i32, dh: i32, dw: i32, pt: i32, pl: i32, F: i32,
  p0: i32, P: i32, c0: i32, Cg: i32, xzp: i32, signed: i32, xT: usize, ldx: i32,
): void {
  const K = R * S * Cg;
  const ldxB = <usize>ldx << 1;
  // Zero the padding lanes once (and every lane: padded taps stay 0).
  memory.fill(xT, 0, <usize>K * ldxB);
  let e = p0 / F;
  let f = p0 - e * F;
  for (let p = 0; p < P; p++) {
    const ih0 = e * sh - pt;
    const iw0 = f * sw - pl;
    const dp = xT + (<usize>p << 1);
    for (let r = 0; r < R; r++) {
      const ih = ih0 + r * dh;
      if (<u32>ih >= <u32>H) continue;
      for (let s = 0; s < S; s++) {
        const iw = iw0 + s * dw;
        if (<u32>iw >= <u32>W) continue;
        const src = x + <usize>(ih * W + iw) * C + c0;
        let d = dp + <usize>((r * S + s) * Cg) * ldxB;
        if (signed) {
          for (let c = 0; c < Cg; c++) {
            store<i16>(d, <i32>load<i8>(src + c) - xzp);
            d += ldxB;
          }
        } else {
          for (let c = 0; c < Cg; c++) {
            store<i16>(d, <i32>load<u8>(src + c) - xzp);
            d += ldxB;
          }
        }
      }
    }
    f++;
    if (f == F) {
      f = 0;
      e++;
    }
  }
}

/**
 * Exact count of the MACs whose activation is zero (x == xzp, padding included): the sum over
 * columns k of colCount[k] (entries in column k) times the zero lanes among xT[k * ldx + p],
 * p < P. Returned as f64 (exact below 2^53).
 */
export function csr_zero_macs(xT: usize, K: i32, ldx: i32, P: i32, colCount: usize): f64 {
  let total: f64 = 0;
  const ldxB = <usize>ldx << 1;
  for (let k = 0; k < K; k++) {
    const cc = load<i32>(colCount + (<usize>k << 2));
    if (cc == 0) continue;
    const row = xT + <usize>k * ldxB;
    let z = 0;
    let p = 0;
    if (ASC_FEATURE_SIMD) {
      const zero = i16x8.splat(0);
      for (; p + 8 <= P; p += 8) z += popcnt<i32>(i16x8.bitmask(i16x8.eq(v128.load(row + (<usize>p << 1)), zero)));
    }
    for (; p < P; p++) if (load<i16>(row + (<usize>p << 1)) == 0) z++;
    total += <f64>z * <f64>cc;
  }
  return total;
}

/**
 * The direct conv layout of one NHWC image: xc[((ih + pt) * C + c) * Wp + iw + pl] = x - xzp
 * (i16), zero elsewhere (padding rows / columns and the slack up to Wp). Hp = H + pt + pb rows.
 */
export function q8_csr_rows_t(x: usize, H: i32, W: i32, C: i32, pt: i32, pl: i32, Hp: i32, Wp: i32, xzp: i32, signed: i32, xc: usize): void {
  memory.fill(xc, 0, (<usize>Hp * C * Wp) << 1);
  for (let ih = 0; ih < H; ih++) {
    const row = xc + ((<usize>(ih + pt) * C * Wp + pl) << 1);
    for (let iw = 0; iw < W; iw++) {
      const src = x + <usize>(ih * W + iw) * C;
      let d = row + (<usize>iw << 1);
      const step = <usize>Wp << 1;
      if (signed) {
        for (let c = 0; c < C; c++) {
          store<i16>(d, <i32>load<i8>(src + c) - xzp);
          d += step;
        }
      } else {
        for (let c = 0; c < C; c++) {
          store<i16>(d, <i32>load<u8>(src + c) - xzp);
          d += step;
        }
      }
    }
  }
}

/**
 * csr_zero_macs for the direct layout: column k's lanes start at xBase + offK[k] (u32 bytes).
 */
export function csr_zero_macs_direct(xBase: usize, offK: usize, K: i32, P: i32, colCount: usize): f64 {
  let total: f64 = 0;
  for (let k = 0; k < K; k++) {
    const cc = load<i32>(colCount + (<usize>k << 2));
    if (cc == 0) continue;
    const row = xBase + <usize>load<u32>(offK + (<usize>k << 2));
    let z = 0;
    let p = 0;
    if (ASC_FEATURE_SIMD) {
      const zero = i16x8.splat(0);
      for (; p + 8 <= P; p += 8) z += popcnt<i32>(i16x8.bitmask(i16x8.eq(v128.load(row + (<usize>p << 1)), zero)));
    }
    for (; p < P; p++) if (load<i16>(row + (<usize>p << 1)) == 0) z++;
    total += <f64>z * <f64>cc;
  }
  return total;
}

/**
 * Batch 1 (sparse matrix x vector) on the row-contiguous int8 form of FC weights: acc[r] (i32,
 * stride 4) = sum over entries i in [rowPtr[r], rowPtr[r + 1]) of x[colIdx[i]] * vals8[i], with
 * x the i16 vector x - xzp, colIdx u16, vals8 i8 (w - wzp, only when every one fits in int8).
 * The packer pads every row to a multiple of 8 entries with (column 0, value 0) fillers, so the
 * kernel needs no tail masking; with 16 readable entries of slack after the last one. 3 bytes per
 * entry instead of the panelled form's 4, and no per-panel segment tails (measured in
 * bench/csr.mjs: ~0.26 vs ~0.4-0.5 ns per entry).
 */
export function s8_csr_spmv(rowPtr: usize, colIdx: usize, vals8: usize, rows: i32, x: usize, acc: usize): void {
  if (ASC_FEATURE_SIMD) {
    for (let r = 0; r < rows; r++) {
      let a0 = i32x4.splat(0);
      let a1 = a0;
      let a2 = a0;
      let a3 = a0;
      const e = load<i32>(rowPtr + (<usize>r << 2), 4);
      let i = load<i32>(rowPtr + (<usize>r << 2));
      // 32 entries per iteration (eight independent insert chains): ~4 % faster than 16.
      for (; i + 32 <= e; i += 32) {
        const c = colIdx + (<usize>i << 1);
        const x0 = v128.or(gather4(x, c, false), gather4(x, c + 8, true));
        const x1 = v128.or(gather4(x, c + 16, false), gather4(x, c + 24, true));
        const x2 = v128.or(gather4(x, c + 32, false), gather4(x, c + 40, true));
        const x3 = v128.or(gather4(x, c + 48, false), gather4(x, c + 56, true));
        const w = v128.load(vals8 + <usize>i);
        const w2 = v128.load(vals8 + <usize>i, 16);
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(x0, i16x8.extend_low_i8x16_s(w)));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(x1, i16x8.extend_high_i8x16_s(w)));
        a2 = i32x4.add(a2, i32x4.dot_i16x8_s(x2, i16x8.extend_low_i8x16_s(w2)));
        a3 = i32x4.add(a3, i32x4.dot_i16x8_s(x3, i16x8.extend_high_i8x16_s(w2)));
      }
      for (; i + 16 <= e; i += 16) {
        const c = colIdx + (<usize>i << 1);
        const x0 = v128.or(gather4(x, c, false), gather4(x, c + 8, true));
        const x1 = v128.or(gather4(x, c + 16, false), gather4(x, c + 24, true));
        const w = v128.load(vals8 + <usize>i);
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(x0, i16x8.extend_low_i8x16_s(w)));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(x1, i16x8.extend_high_i8x16_s(w)));
      }
      if (i < e) {
        // exactly 8 left (rows are padded to multiples of 8)
        const c = colIdx + (<usize>i << 1);
        const x0 = v128.or(gather4(x, c, false), gather4(x, c + 8, true));
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(x0, i16x8.extend_low_i8x16_s(v128.load64_zero(vals8 + <usize>i))));
      }
      a0 = i32x4.add(i32x4.add(a0, a1), i32x4.add(a2, a3));
      store<i32>(acc + (<usize>r << 2), i32x4.extract_lane(a0, 0) + i32x4.extract_lane(a0, 1) + i32x4.extract_lane(a0, 2) + i32x4.extract_lane(a0, 3));
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    let s0: i32 = 0;
    let s1: i32 = 0;
    const e = load<i32>(rowPtr + (<usize>r << 2), 4);
    for (let i = load<i32>(rowPtr + (<usize>r << 2)); i < e; i += 2) {
      const c = colIdx + (<usize>i << 1);
      s0 += <i32>load<i16>(x + (<usize>load<u16>(c) << 1)) * <i32>load<i8>(vals8 + <usize>i);
      s1 += <i32>load<i16>(x + (<usize>load<u16>(c, 2) << 1)) * <i32>load<i8>(vals8 + <usize>i, 1);
    }
    store<i32>(acc + (<usize>r << 2), s0 + s1);
  }
}
