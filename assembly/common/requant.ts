// The output stage (gemmlowp's split: pack -> int32 accumulate -> output stage).
// Zero-point correction of a raw u8 x s8 sum over K terms with activation zero point za and
// per-column weight zero points zb[n]:
//   sum (a - za)(b - zb) = acc - za*colSum[n] - zb[n]*rowSum[m] + K*za*zb[n]
// The caller folds every per-column constant into colTerm[n] = bias[n] - za*colSum[n] + K*za*zb[n].
// All integer arithmetic wraps mod 2^32 (the reference does the same).
//
// Requantisation follows ONNX QLinearConv as onnxruntime computes it, in float32:
//   y = saturate(roundHalfEven(f32(v) * multiplier[n]) + yZeroPoint), multiplier = xs*ws[n]/ys
// with the clamp [qmin, qmax] (fused ReLU / clamp) applied in the same step.

/** v[m,n] = acc[m,n] + colTerm[n] - zb[n]*rowSums[m], in place (int32 output). wzp may be 0 (all zero). */
export function s32_correct(acc: usize, M: i32, N: i32, ldacc: i32, colTerm: usize, rowSums: usize, wzp: usize): void {
  for (let m = 0; m < M; m++) {
    const row = acc + ((<usize>m * ldacc) << 2);
    const rs = load<i32>(rowSums + (<usize>m << 2));
    for (let n = 0; n < N; n++) {
      const p = row + (<usize>n << 2);
      let v = load<i32>(p) + load<i32>(colTerm + (<usize>n << 2));
      if (wzp) v -= load<i32>(wzp + (<usize>n << 2)) * rs;
      store<i32>(p, v);
    }
  }
}

/**
 * Requantises int32 accumulators to uint8 (outSigned = 0) or int8 (outSigned = 1):
 * out[m,n] = clamp(roundHalfEven(f32(acc[m,n] + colTerm[n] - zb[n]*rowSums[m]) * mult[n]) + yzp, qmin, qmax).
 * wzp may be 0 when every weight zero point is 0. ldacc and ldout are in elements.
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
    for (let n = 0; n < N; n++) {
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
