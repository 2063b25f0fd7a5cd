// Elementwise activations on quantised tensors.

/**
 * ReLU in the quantised domain: y = max(x, zeroPoint), for int8 (signed = 1) or uint8 data.
 * In-place use (x == y) is allowed.
 */
export function q8_relu(x: usize, y: usize, n: i32, zeroPoint: i32, signed: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const z = i8x16.splat(<i8>zeroPoint);
    if (signed) {
      for (; i + 16 <= n; i += 16) v128.store(y + i, i8x16.max_s(v128.load(x + i), z));
    } else {
      for (; i + 16 <= n; i += 16) v128.store(y + i, i8x16.max_u(v128.load(x + i), z));
    }
  }
  if (signed) {
    for (; i < n; i++) {
      const v = <i32>load<i8>(x + i);
      store<i8>(y + i, <i8>(v > zeroPoint ? v : zeroPoint));
    }
  } else {
    for (; i < n; i++) {
      const v = <i32>load<u8>(x + i);
      store<u8>(y + i, <u8>(v > zeroPoint ? v : zeroPoint));
    }
  }
}

/**
 * Clamp in the quantised domain: y = min(max(x, qmin), qmax), int8 (signed = 1) or uint8.
 * Covers ReLU6 and other bounded activations once their bounds are quantised. In-place allowed.
 */
export function q8_clamp(x: usize, y: usize, n: i32, qmin: i32, qmax: i32, signed: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const lo = i8x16.splat(<i8>qmin);
    const hi = i8x16.splat(<i8>qmax);
    if (signed) {
      for (; i + 16 <= n; i += 16) v128.store(y + i, i8x16.min_s(i8x16.max_s(v128.load(x + i), lo), hi));
    } else {
      for (; i + 16 <= n; i += 16) v128.store(y + i, i8x16.min_u(i8x16.max_u(v128.load(x + i), lo), hi));
    }
  }
  for (; i < n; i++) {
    let v = signed ? <i32>load<i8>(x + i) : <i32>load<u8>(x + i);
    if (v < qmin) v = qmin;
    if (v > qmax) v = qmax;
    store<u8>(y + i, <u8>v);
  }
}
