// The binary output stage (conventions.ts): int32 dots -> float32, int8 or bits for the next
// binary layer. v = acc + colTerm[n] (wrapping), y = f32(f32(v) * scale[n]) + bias[n].
// The vector path gives the same bits lane by lane (f32x4 mul / add / nearest are IEEE f32).

/**
 * kind 0: float32 out = min(max(y, lo), hi). kind 1: int8 out = clamp(roundHalfEven(y), lo, hi)
 * + zp with lo = qmin - zp, hi = qmax - zp. kind 2: bits, bit = y < 0, packed per row into
 * `groups` segments of ceil((N / groups) / 64) words (ldout in words; elements otherwise).
 * kind 3: int32 out = v (acc + colTerm; may be in place, out = acc). colTerm and bias may be
 * 0 (absent).
 */
export function b1_output(
  acc: usize, M: i32, N: i32, ldacc: i32, colTerm: usize, scale: usize, bias: usize,
  kind: i32, lo: f32, hi: f32, zp: i32, groups: i32, out: usize, ldout: i32,
): void {
  const Ng = N / groups;
  const WG = (Ng + 63) >> 6;
  for (let m = 0; m < M; m++) {
    const row = acc + ((<usize>m * ldacc) << 2);
    let n = 0;
    if (kind == 3) {
      const orow = out + ((<usize>m * ldout) << 2);
      for (; n < N; n++) store<i32>(orow + (<usize>n << 2), load<i32>(row + (<usize>n << 2)) + (colTerm ? load<i32>(colTerm + (<usize>n << 2)) : 0));
      continue;
    }
    if (kind == 2) {
      const orow = out + ((<usize>m * ldout) << 3);
      for (let g = 0; g < groups; g++) {
        for (let w = 0; w < WG; w++) {
          let bits: u64 = 0;
          const j0 = w << 6, nn = min(64, Ng - j0);
          for (let j = 0; j < nn; j++) {
            const i = g * Ng + j0 + j;
            if (value(row, i, colTerm, scale, bias) < 0) bits |= (<u64>1) << j;
          }
          store<u64>(orow + ((<usize>(g * WG + w)) << 3), bits);
        }
      }
      continue;
    }
    if (ASC_FEATURE_SIMD) {
      const lov = f32x4.splat(lo), hiv = f32x4.splat(hi), zpv = i32x4.splat(zp);
      for (; n + 4 <= N; n += 4) {
        const o = <usize>n << 2;
        let v = v128.load(row + o);
        if (colTerm) v = i32x4.add(v, v128.load(colTerm + o));
        let y = f32x4.mul(f32x4.convert_i32x4_s(v), v128.load(scale + o));
        if (bias) y = f32x4.add(y, v128.load(bias + o));
        if (kind == 0) {
          v128.store(out + ((<usize>m * ldout + n) << 2), f32x4.min(f32x4.max(y, lov), hiv));
        } else {
          const q = i32x4.add(i32x4.trunc_sat_f32x4_s(f32x4.min(f32x4.max(f32x4.nearest(y), lov), hiv)), zpv);
          const b = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(q, q), i16x8.splat(0));
          v128.store32_lane(out + <usize>m * ldout + n, b, 0);
        }
      }
    }
    for (; n < N; n++) {
      const y = value(row, n, colTerm, scale, bias);
      if (kind == 0) store<f32>(out + ((<usize>m * ldout + n) << 2), min(max(y, lo), hi));
      else store<i8>(out + <usize>m * ldout + n, <i8>(<i32>min(max(nearest<f32>(y), lo), hi) + zp));
    }
  }
}

// @ts-ignore: decorator
@inline function value(row: usize, n: i32, colTerm: usize, scale: usize, bias: usize): f32 {
  const o = <usize>n << 2;
  let v = load<i32>(row + o);
  if (colTerm) v += load<i32>(colTerm + o);
  let y = <f32>v * load<f32>(scale + o);
  if (bias) y += load<f32>(bias + o);
  return y;
}
