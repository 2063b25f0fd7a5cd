// Counting scans over int8 / uint8 buffers: the density measurement of the automatic kernel
// choice (conv2dAuto, denseAuto) and runNetwork's per-layer zero statistics, which in plain JS
// ran at ~1.6 GB/s and cost a few per cent of a layer's time.

/**
 * Number of bytes in [src, src + n) that differ from the byte `zp & 0xff` (a zero point in int8
 * or uint8: both are compared as bytes). SIMD builds compare 16 bytes at a time and count equal
 * bytes in u8 lanes, widened every 255 vectors so no lane wraps.
 */
export function q8_count_ne(src: usize, n: i32, zp: i32): i32 {
  const z = zp & 0xff;
  let i: i32 = 0;
  let equal: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    const zv = i8x16.splat(<i8>z);
    const vectors = n >> 4;
    let v: i32 = 0;
    while (v < vectors) {
      const end = min(vectors, v + 255);
      let acc = i8x16.splat(0);
      for (; v < end; v++) acc = i8x16.sub(acc, i8x16.eq(v128.load(src + (<usize>v << 4)), zv));
      const s = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(acc));
      equal += i32x4.extract_lane(s, 0) + i32x4.extract_lane(s, 1) + i32x4.extract_lane(s, 2) + i32x4.extract_lane(s, 3);
    }
    i = vectors << 4;
  }
  for (; i < n; i++) if (<i32>load<u8>(src + <usize>i) == z) equal++;
  return n - equal;
}
