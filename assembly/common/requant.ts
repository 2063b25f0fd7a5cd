// The output stage (gemmlowp's split: pack -> int32 accumulate -> output stage).
// Zero-point correction of a raw u8 x s8 sum over K terms with activation zero point za and
// per-column weight zero points zb[n]:
//   sum (a - za)(b - zb) = acc - za*colSum[n] - zb[n]*rowSum[m] + K*za*zb[n]
// The caller folds every per-column constant into colTerm[n] = bias[n] - za*colSum[n] + K*za*zb[n].
// All integer arithmetic wraps mod 2^32 (the reference does the same).
//
// Requantisation follows ONNX QLinearConv as onnxruntime computes it, in float32:
//   y = saturate(roundHalfEven(f32(v) * multiplier[n]) + yZeroPoint), multiplier = xs*ws[n]/ys
// with the clamp [qmin, qmax] (fused ReLU / clamp) applied in the same step. The clamp is done in
// float32 on roundHalfEven(...) against [qmin - yzp, qmax - yzp] (the same result as clamping
// the integer after adding yzp, and it keeps huge or infinite products out of the conversion).
//
// Vector paths (SIMD and relaxed builds; one code path for both) give the same bits lane by lane:
// i32x4 add/mul wrap like i32, f32x4.convert_i32x4_s rounds like f32(i32), f32x4.mul is f32 *.
// They clamp the product to [qmin - yzp, qmax - yzp] BEFORE rounding (equal to clamping after:
// the bounds are integers and rounding is monotonic), then round with the magic number
// 1.5 * 2^23 (an f32 add in the default roundTiesToEven mode = roundHalfEven for |x| <= 2^22) and
// read the integer from the bits. Every lane is then in [qmin, qmax], inside the output dtype, so
// the i32 -> i16 -> i8/u8 saturating narrows never saturate.

/** v[m,n] = acc[m,n] + colTerm[n] - zb[n]*rowSums[m], in place (int32 output). wzp may be 0 (all zero). */
export function s32_correct(acc: usize, M: i32, N: i32, ldacc: i32, colTerm: usize, rowSums: usize, wzp: usize): void {
  for (let m = 0; m < M; m++) {
    const row = acc + ((<usize>m * ldacc) << 2);
    const rs = load<i32>(rowSums + (<usize>m << 2));
    let n = 0;
    if (ASC_FEATURE_SIMD) {
      const rsv = i32x4.splat(rs);
      if (wzp) {
        for (; n + 4 <= N; n += 4) {
          const o = <usize>n << 2;
          const v = i32x4.add(v128.load(row + o), v128.load(colTerm + o));
          v128.store(row + o, i32x4.sub(v, i32x4.mul(v128.load(wzp + o), rsv)));
        }
      } else {
        for (; n + 4 <= N; n += 4) {
          const o = <usize>n << 2;
          v128.store(row + o, i32x4.add(v128.load(row + o), v128.load(colTerm + o)));
        }
      }
    }
    for (; n < N; n++) {
      const p = row + (<usize>n << 2);
      let v = load<i32>(p) + load<i32>(colTerm + (<usize>n << 2));
      if (wzp) v -= load<i32>(wzp + (<usize>n << 2)) * rs;
      store<i32>(p, v);
    }
  }
}

// 1.5 * 2^23: adding it to an f32 in [-2^22, 2^22] rounds to an integer with the IEEE default
// rounding (ties to even) and leaves that integer in the low mantissa bits.
const MAGIC: f32 = 12582912.0;
const MAGIC_BITS: i32 = 0x4b400000;

// Four corrected, requantised lanes (columns o/4 .. o/4+3) as i32x4, yzp added.
// Clamping before rounding equals clamping after it (lo and hi are integers, rounding is
// monotonic), and the clamped value is small enough for the magic-number rounding, which is
// roundHalfEven exactly and avoids nearest + trunc_sat (several instructions each on x86).
// pmin/pmax are single instructions; no NaN can reach them (finite multipliers).
// @ts-ignore: decorator
@inline
function rq4(row: usize, colTerm: usize, wzp: usize, mult: usize, o: usize, rsv: v128, lo: v128, hi: v128, magic: v128, bias: v128): v128 {
  let v = i32x4.add(v128.load(row + o), v128.load(colTerm + o));
  if (wzp) v = i32x4.sub(v, i32x4.mul(v128.load(wzp + o), rsv));
  let f = f32x4.mul(f32x4.convert_i32x4_s(v), v128.load(mult + o));
  f = f32x4.pmax(f32x4.pmin(f, hi), lo);
  return i32x4.sub(f32x4.add(f, magic), bias);
}

/**
 * Requantises int32 accumulators to uint8 (outSigned = 0) or int8 (outSigned = 1):
 * out[m,n] = clamp(roundHalfEven(f32(acc[m,n] + colTerm[n] - zb[n]*rowSums[m]) * mult[n]) + yzp, qmin, qmax).
 * wzp may be 0 when every weight zero point is 0. ldacc and ldout are in elements.
 * Requires [qmin, qmax] inside the output dtype's range (the vector narrows rely on it).
 */
export function q8_requantize(
  acc: usize, M: i32, N: i32, ldacc: i32,
  colTerm: usize, rowSums: usize, wzp: usize, mult: usize,
  yzp: i32, qmin: i32, qmax: i32, out: usize, ldout: i32, outSigned: i32,
): void {
  const lo = <f32>(qmin - yzp);
  const hi = <f32>(qmax - yzp);
  for (let m = 0; m < M; m++) {
    const row = acc + ((<usize>m * ldacc) << 2);
    const rs = load<i32>(rowSums + (<usize>m << 2));
    const dst = out + <usize>m * ldout;
    let n = 0;
    if (ASC_FEATURE_SIMD) {
      const rsv = i32x4.splat(rs);
      const lov = f32x4.splat(lo);
      const hiv = f32x4.splat(hi);
      const magic = f32x4.splat(MAGIC);
      const bias = i32x4.splat(MAGIC_BITS - yzp);
      for (; n + 16 <= N; n += 16) {
        const o = <usize>n << 2;
        const a = rq4(row, colTerm, wzp, mult, o, rsv, lov, hiv, magic, bias);
        const b = rq4(row, colTerm, wzp, mult, o + 16, rsv, lov, hiv, magic, bias);
        const c = rq4(row, colTerm, wzp, mult, o + 32, rsv, lov, hiv, magic, bias);
        const d = rq4(row, colTerm, wzp, mult, o + 48, rsv, lov, hiv, magic, bias);
        const ab = i16x8.narrow_i32x4_s(a, b);
        const cd = i16x8.narrow_i32x4_s(c, d);
        v128.store(dst + n, outSigned ? i8x16.narrow_i16x8_s(ab, cd) : i8x16.narrow_i16x8_u(ab, cd));
      }
      for (; n + 4 <= N; n += 4) {
        const a = rq4(row, colTerm, wzp, mult, <usize>n << 2, rsv, lov, hiv, magic, bias);
        const h = i16x8.narrow_i32x4_s(a, a);
        v128.store32_lane(dst + n, outSigned ? i8x16.narrow_i16x8_s(h, h) : i8x16.narrow_i16x8_u(h, h), 0);
      }
    }
    for (; n < N; n++) {
      let v = load<i32>(row + (<usize>n << 2)) + load<i32>(colTerm + (<usize>n << 2));
      if (wzp) v -= load<i32>(wzp + (<usize>n << 2)) * rs;
      let f = nearest<f32>(<f32>v * load<f32>(mult + (<usize>n << 2)));
      f = min<f32>(max<f32>(f, lo), hi);
      const q = <i32>f + yzp;
      if (outSigned) store<i8>(dst + n, <i8>q);
      else store<u8>(dst + n, <u8>q);
    }
  }
}
