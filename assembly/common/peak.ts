// Register-only probes of this machine's Wasm MAC peak, the denominator of every kernel's
// "fraction of peak" in the benchmarks. Twelve independent accumulators hide the dot latency;
// the result is returned so that nothing is optimised away.

/** MACs per iteration of {@link peak_dot_i16}: 12 dots x 8 MACs (scalar build: 12 MACs). */
export function peak_dot_i16_macs_per_iter(): i32 {
  if (ASC_FEATURE_SIMD) return 12 * 8;
  return 12;
}

/** Runs `iters` iterations of 12 independent i32x4.dot_i16x8_s (scalar build: 12 i32 MACs). */
export function peak_dot_i16(iters: i32, seed: i32): i32 {
  if (ASC_FEATURE_SIMD) {
    // One cheap add per iteration changes the operands so the dots cannot be hoisted out of
    // the loop; the twelve dots are independent of each other.
    let a = i16x8.splat(<i16>seed);
    const b0 = i16x8.splat(<i16>(seed + 1)), b1 = i16x8.splat(<i16>(seed + 2)), b2 = i16x8.splat(<i16>(seed + 3));
    const one = i16x8.splat(1);
    let c0 = i32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    let c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
    for (let i = 0; i < iters; i++) {
      const a1 = i16x8.add(a, b0), a2 = i16x8.add(a, b1), a3 = i16x8.add(a, b2);
      c0 = i32x4.add(c0, i32x4.dot_i16x8_s(a, b0));
      c1 = i32x4.add(c1, i32x4.dot_i16x8_s(a, b1));
      c2 = i32x4.add(c2, i32x4.dot_i16x8_s(a, b2));
      c3 = i32x4.add(c3, i32x4.dot_i16x8_s(a1, b0));
      c4 = i32x4.add(c4, i32x4.dot_i16x8_s(a1, b1));
      c5 = i32x4.add(c5, i32x4.dot_i16x8_s(a1, b2));
      c6 = i32x4.add(c6, i32x4.dot_i16x8_s(a2, b0));
      c7 = i32x4.add(c7, i32x4.dot_i16x8_s(a2, b1));
      c8 = i32x4.add(c8, i32x4.dot_i16x8_s(a2, b2));
      c9 = i32x4.add(c9, i32x4.dot_i16x8_s(a3, b0));
      c10 = i32x4.add(c10, i32x4.dot_i16x8_s(a3, b1));
      c11 = i32x4.add(c11, i32x4.dot_i16x8_s(a3, b2));
      a = i16x8.add(a, one);
    }
    const s = i32x4.add(i32x4.add(i32x4.add(c0, c1), i32x4.add(c2, c3)), i32x4.add(i32x4.add(c4, c5), i32x4.add(c6, c7)));
    const t = i32x4.add(s, i32x4.add(i32x4.add(c8, c9), i32x4.add(c10, c11)));
    return i32x4.extract_lane(t, 0) + i32x4.extract_lane(t, 3);
  }
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0, s8 = 0, s9 = 0, s10 = 0, s11 = 0;
  let a = seed;
  const b0 = seed + 1, b1 = seed + 2, b2 = seed + 3;
  for (let i = 0; i < iters; i++) {
    const a1 = a + b0, a2 = a + b1, a3 = a + b2;
    s0 += a * b0; s1 += a * b1; s2 += a * b2; s3 += a1 * b0; s4 += a1 * b1; s5 += a1 * b2;
    s6 += a2 * b0; s7 += a2 * b1; s8 += a2 * b2; s9 += a3 * b0; s10 += a3 * b1; s11 += a3 * b2;
    a++;
  }
  return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8 + s9 + s10 + s11;
}

/** MACs per iteration of {@link peak_dot_relaxed}: 12 dots x 16 MACs (0 without relaxed SIMD). */
export function peak_dot_relaxed_macs_per_iter(): i32 {
  if (ASC_FEATURE_RELAXED_SIMD) return 12 * 16;
  return 0;
}

/** Runs `iters` iterations of 12 independent i32x4.relaxed_dot_i8x16_i7x16_add_s. */
export function peak_dot_relaxed(iters: i32, seed: i32): i32 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    let a = i8x16.splat(<i8>seed);
    const b0 = i8x16.splat(<i8>((seed + 1) & 127)), b1 = i8x16.splat(<i8>((seed + 2) & 127)), b2 = i8x16.splat(<i8>((seed + 3) & 127));
    const one = i8x16.splat(1);
    let c0 = i32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    let c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
    for (let i = 0; i < iters; i++) {
      const a1 = i8x16.add(a, b0), a2 = i8x16.add(a, b1), a3 = i8x16.add(a, b2);
      c0 = i32x4.relaxed_dot_i8x16_i7x16_add_s(a, b0, c0);
      c1 = i32x4.relaxed_dot_i8x16_i7x16_add_s(a, b1, c1);
      c2 = i32x4.relaxed_dot_i8x16_i7x16_add_s(a, b2, c2);
      c3 = i32x4.relaxed_dot_i8x16_i7x16_add_s(a1, b0, c3);
      c4 = i32x4.relaxed_dot_i8x16_i7x16_add_s(a1, b1, c4);
      c5 = i32x4.relaxed_dot_i8x16_i7x16_add_s(a1, b2, c5);
      c6 = i32x4.relaxed_dot_i8x16_i7x16_add_s(a2, b0, c6);
      c7 = i32x4.relaxed_dot_i8x16_i7x16_add_s(a2, b1, c7);
      c8 = i32x4.relaxed_dot_i8x16_i7x16_add_s(a2, b2, c8);
      c9 = i32x4.relaxed_dot_i8x16_i7x16_add_s(a3, b0, c9);
      c10 = i32x4.relaxed_dot_i8x16_i7x16_add_s(a3, b1, c10);
      c11 = i32x4.relaxed_dot_i8x16_i7x16_add_s(a3, b2, c11);
      a = i8x16.add(a, one);
    }
    const s = i32x4.add(i32x4.add(i32x4.add(c0, c1), i32x4.add(c2, c3)), i32x4.add(i32x4.add(c4, c5), i32x4.add(c6, c7)));
    const t = i32x4.add(s, i32x4.add(i32x4.add(c8, c9), i32x4.add(c10, c11)));
    return i32x4.extract_lane(t, 0) + i32x4.extract_lane(t, 3);
  }
  return 0;
}
