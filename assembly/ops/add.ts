// Quantised elementwise add (ONNX QLinearAdd, as onnxruntime's MLAS computes it in float32).

/**
 * y = clamp(nearest(f32(ra * f32(a - za)) + f32(rb * f32(b - zb))) + yzp, qmin, qmax), with
 * ra = aScale / yScale and rb = bScale / yScale computed by the caller in float32; round half to
 * even. a, b and y are int8 (flag 1) or uint8 (flag 0) each; same length n. No fused multiply-add
 * (relaxed madd would round once and differ from the scalar path). In-place (y == a or b) allowed.
 */
export function q8_add(a: usize, aSigned: i32, za: i32, ra: f32, b: usize, bSigned: i32, zb: i32, rb: f32, y: usize, ySigned: i32, yzp: i32, qmin: i32, qmax: i32, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vza = i32x4.splat(za);
    const vzb = i32x4.splat(zb);
    const vra = f32x4.splat(ra);
    const vrb = f32x4.splat(rb);
    const vyz = i32x4.splat(yzp);
    const lo = i32x4.splat(qmin);
    const hi = i32x4.splat(qmax);
    for (; i + 16 <= n; i += 16) {
      const va = v128.load(a + i);
      const vb = v128.load(b + i);
      // widen to 4 x i32x4 per operand
      const a16l = aSigned ? i16x8.extend_low_i8x16_s(va) : i16x8.extend_low_i8x16_u(va);
      const a16h = aSigned ? i16x8.extend_high_i8x16_s(va) : i16x8.extend_high_i8x16_u(va);
      const b16l = bSigned ? i16x8.extend_low_i8x16_s(vb) : i16x8.extend_low_i8x16_u(vb);
      const b16h = bSigned ? i16x8.extend_high_i8x16_s(vb) : i16x8.extend_high_i8x16_u(vb);
      const q0 = lane(i32x4.extend_low_i16x8_s(a16l), i32x4.extend_low_i16x8_s(b16l), vza, vzb, vra, vrb, vyz, lo, hi);
      const q1 = lane(i32x4.extend_high_i16x8_s(a16l), i32x4.extend_high_i16x8_s(b16l), vza, vzb, vra, vrb, vyz, lo, hi);
      const q2 = lane(i32x4.extend_low_i16x8_s(a16h), i32x4.extend_low_i16x8_s(b16h), vza, vzb, vra, vrb, vyz, lo, hi);
      const q3 = lane(i32x4.extend_high_i16x8_s(a16h), i32x4.extend_high_i16x8_s(b16h), vza, vzb, vra, vrb, vyz, lo, hi);
      // values are clamped to the output range already, so the saturating narrows are exact
      const s0 = i16x8.narrow_i32x4_s(q0, q1);
      const s1 = i16x8.narrow_i32x4_s(q2, q3);
      v128.store(y + i, ySigned ? i8x16.narrow_i16x8_s(s0, s1) : i8x16.narrow_i16x8_u(s0, s1));
    }
  }
  for (; i < n; i++) {
    const av = aSigned ? <i32>load<i8>(a + i) : <i32>load<u8>(a + i);
    const bv = bSigned ? <i32>load<i8>(b + i) : <i32>load<u8>(b + i);
    const f = ra * <f32>(av - za) + rb * <f32>(bv - zb);
    let q = <i32>nearest<f32>(f) + yzp;
    if (q < qmin) q = qmin;
    if (q > qmax) q = qmax;
    store<u8>(y + i, <u8>q);
  }
}

// @ts-ignore: decorator
@inline
function lane(a: v128, b: v128, za: v128, zb: v128, ra: v128, rb: v128, yz: v128, lo: v128, hi: v128): v128 {
  const fa = f32x4.mul(ra, f32x4.convert_i32x4_s(i32x4.sub(a, za)));
  const fb = f32x4.mul(rb, f32x4.convert_i32x4_s(i32x4.sub(b, zb)));
  const q = i32x4.add(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.add(fa, fb))), yz);
  return i32x4.min_s(i32x4.max_s(q, lo), hi);
}
