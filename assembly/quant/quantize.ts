// Quantise float32 -> int8/uint8 and dequantise back, ONNX QuantizeLinear/DequantizeLinear in
// float32 (spec: src/reference/quant.ts):
//   q = clamp(nearest(x / scale) + zeroPoint, qmin, qmax)      (nearest = round half to even)
//   y = f32(q - zeroPoint) * scale
// A tensor is seen as [outer, C, inner] around its channel axis; scales (f32) and zero points
// (i32) hold C values (C = 1, inner = size for per-tensor). Inputs are finite (checked on the
// host); x / scale may still overflow to +-Infinity, which the float clamp saturates.
// The clamp is done in float before the conversion, so the conversion is always exact; adding the
// zero point in float is exact whenever the result can land inside [qmin, qmax] (|v| < 2^24).

// ---- quantise ----

// @ts-ignore: decorator
@inline function q4(xv: v128, sv: v128, zv: v128, lo: v128, hi: v128): v128 {
  const f = f32x4.add(f32x4.nearest(f32x4.div(xv, sv)), zv);
  // pmin/pmax are single instructions; there is no NaN here, so they equal min/max.
  return i32x4.trunc_sat_f32x4_s(f32x4.pmin(f32x4.pmax(f, lo), hi));
}

// @ts-ignore: decorator
@inline function pack16(a: v128, b: v128, c: v128, d: v128, signed: i32): v128 {
  const ab = i16x8.narrow_i32x4_s(a, b);
  const cd = i16x8.narrow_i32x4_s(c, d);
  return signed ? i8x16.narrow_i16x8_s(ab, cd) : i8x16.narrow_i16x8_u(ab, cd);
}

// @ts-ignore: decorator
@inline function q1(x: f32, s: f32, z: f32, lo: f32, hi: f32): i32 {
  return <i32>min<f32>(max<f32>(nearest<f32>(x / s) + z, lo), hi);
}

/** n values with one scale and zero point. */
// @ts-ignore: decorator
@inline function quantRun(x: usize, y: usize, n: i32, s: f32, z: f32, lo: f32, hi: f32, signed: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const sv = f32x4.splat(s);
    const zv = f32x4.splat(z);
    const lov = f32x4.splat(lo);
    const hiv = f32x4.splat(hi);
    for (; i + 16 <= n; i += 16) {
      const p = x + (<usize>i << 2);
      const a = q4(v128.load(p), sv, zv, lov, hiv);
      const b = q4(v128.load(p, 16), sv, zv, lov, hiv);
      const c = q4(v128.load(p, 32), sv, zv, lov, hiv);
      const d = q4(v128.load(p, 48), sv, zv, lov, hiv);
      v128.store(y + i, pack16(a, b, c, d, signed));
    }
  }
  for (; i < n; i++) store<u8>(y + i, <u8>q1(load<f32>(x + (<usize>i << 2)), s, z, lo, hi));
}

/** n values, value i with scale s[i] and zero point z[i] (channels innermost, e.g. NHWC). */
// @ts-ignore: decorator
@inline function quantRow(x: usize, y: usize, n: i32, scales: usize, zps: usize, lo: f32, hi: f32, signed: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const lov = f32x4.splat(lo);
    const hiv = f32x4.splat(hi);
    for (; i + 16 <= n; i += 16) {
      const o = <usize>i << 2;
      const a = q4(v128.load(x + o), v128.load(scales + o), f32x4.convert_i32x4_s(v128.load(zps + o)), lov, hiv);
      const b = q4(v128.load(x + o, 16), v128.load(scales + o, 16), f32x4.convert_i32x4_s(v128.load(zps + o, 16)), lov, hiv);
      const c = q4(v128.load(x + o, 32), v128.load(scales + o, 32), f32x4.convert_i32x4_s(v128.load(zps + o, 32)), lov, hiv);
      const d = q4(v128.load(x + o, 48), v128.load(scales + o, 48), f32x4.convert_i32x4_s(v128.load(zps + o, 48)), lov, hiv);
      v128.store(y + i, pack16(a, b, c, d, signed));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<u8>(y + i, <u8>q1(load<f32>(x + o), load<f32>(scales + o), <f32>load<i32>(zps + o), lo, hi));
  }
}

/**
 * Quantises float32 x (viewed as [outer, C, inner]) to int8 (signed = 1) or uint8 y with
 * per-channel scales[C] (f32) and zps[C] (i32), clamped to [qmin, qmax].
 */
export function f32q8_quantize(x: usize, y: usize, outer: i32, C: i32, inner: i32, scales: usize, zps: usize, qmin: i32, qmax: i32, signed: i32): void {
  const lo = <f32>qmin;
  const hi = <f32>qmax;
  if (inner == 1 && C > 1) {
    for (let o = 0; o < outer; o++) {
      const base = <usize>o * C;
      quantRow(x + (base << 2), y + base, C, scales, zps, lo, hi, signed);
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < C; c++) {
      const base = (<usize>o * C + c) * inner;
      const s = load<f32>(scales + (<usize>c << 2));
      const z = <f32>load<i32>(zps + (<usize>c << 2));
      quantRun(x + (base << 2), y + base, inner, s, z, lo, hi, signed);
    }
  }
}

// ---- dequantise ----

// @ts-ignore: decorator
@inline function d4(qv: v128, zv: v128, sv: v128): v128 {
  return f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(qv, zv)), sv);
}

/** One quarter (part 0..3: elements 4*part .. 4*part+3) of 16 int8 or uint8 values, widened to i32x4. */
// @ts-ignore: decorator
@inline function widen16(v: v128, signed: i32, part: i32): v128 {
  const h = signed
    ? (part < 2 ? i16x8.extend_low_i8x16_s(v) : i16x8.extend_high_i8x16_s(v))
    : (part < 2 ? i16x8.extend_low_i8x16_u(v) : i16x8.extend_high_i8x16_u(v));
  // i16 values are in [-128, 255]: the signed widening is exact for both containers.
  return (part & 1) ? i32x4.extend_high_i16x8_s(h) : i32x4.extend_low_i16x8_s(h);
}

// @ts-ignore: decorator
@inline function loadQ(q: usize, signed: i32): i32 {
  return signed ? <i32>load<i8>(q) : <i32>load<u8>(q);
}

/** n values with one scale and zero point. */
// @ts-ignore: decorator
@inline function dequantRun(q: usize, y: usize, n: i32, s: f32, z: i32, signed: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const sv = f32x4.splat(s);
    const zv = i32x4.splat(z);
    for (; i + 16 <= n; i += 16) {
      const v = v128.load(q + i);
      const p = y + (<usize>i << 2);
      v128.store(p, d4(widen16(v, signed, 0), zv, sv));
      v128.store(p, d4(widen16(v, signed, 1), zv, sv), 16);
      v128.store(p, d4(widen16(v, signed, 2), zv, sv), 32);
      v128.store(p, d4(widen16(v, signed, 3), zv, sv), 48);
    }
  }
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), <f32>(loadQ(q + i, signed) - z) * s);
}

/** n values, value i with scale s[i] and zero point z[i]. */
// @ts-ignore: decorator
@inline function dequantRow(q: usize, y: usize, n: i32, scales: usize, zps: usize, signed: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 16 <= n; i += 16) {
      const v = v128.load(q + i);
      const o = <usize>i << 2;
      const p = y + o;
      v128.store(p, d4(widen16(v, signed, 0), v128.load(zps + o), v128.load(scales + o)));
      v128.store(p, d4(widen16(v, signed, 1), v128.load(zps + o, 16), v128.load(scales + o, 16)), 16);
      v128.store(p, d4(widen16(v, signed, 2), v128.load(zps + o, 32), v128.load(scales + o, 32)), 32);
      v128.store(p, d4(widen16(v, signed, 3), v128.load(zps + o, 48), v128.load(scales + o, 48)), 48);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, <f32>(loadQ(q + i, signed) - load<i32>(zps + o)) * load<f32>(scales + o));
  }
}

/**
 * Dequantises int8 (signed = 1) or uint8 q (viewed as [outer, C, inner]) to float32 y with
 * per-channel scales[C] (f32) and zps[C] (i32): y = f32(q - zp) * scale.
 */
export function q8f32_dequantize(q: usize, y: usize, outer: i32, C: i32, inner: i32, scales: usize, zps: usize, signed: i32): void {
  if (inner == 1 && C > 1) {
    for (let o = 0; o < outer; o++) {
      const base = <usize>o * C;
      dequantRow(q + base, y + (base << 2), C, scales, zps, signed);
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < C; c++) {
      const base = (<usize>o * C + c) * inner;
      dequantRun(q + base, y + (base << 2), inner, load<f32>(scales + (<usize>c << 2)), load<i32>(zps + (<usize>c << 2)), signed);
    }
  }
}
