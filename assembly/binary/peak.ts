// Probes of this machine's binary XOR + popcount peak (the denominator of the binary kernels'
// "fraction of peak", like common/peak.ts for the dots): a 3 x 3 block of independent XOR +
// popcount + add per iteration on operands in a 64-byte L1 scratch block, first with popcnt<u64>
// (every build), then with v128 XOR + i8x16.popcnt (SIMD builds) to choose the faster per build,
// and both at once (peak_xnor_mixed): the scalar and vector units run in parallel, and on x86 V8
// this mixed probe is the highest (about 1.1x popcnt<u64>), so it is the true binary peak here.

/** 1-bit MACs per iteration of {@link peak_xnor_u64}: 9 x 64. */
export function peak_xnor_u64_macs_per_iter(): i32 {
  return 9 * 64;
}

/** `iters` iterations of 9 u64 XOR + popcount + i64 add (3 "activation" x 3 "weight" words). */
export function peak_xnor_u64(iters: i32, seed: i32, p: usize): i32 {
  for (let i = 0; i < 16; i++) store<i32>(p + (<usize>i << 2), seed * (i + 1) + i);
  let s0: u64 = 0, s1: u64 = 0, s2: u64 = 0, s3: u64 = 0, s4: u64 = 0, s5: u64 = 0, s6: u64 = 0, s7: u64 = 0, s8: u64 = 0;
  for (let i = 0; i < iters; i++) {
    const a0 = load<u64>(p), a1 = load<u64>(p, 8), a2 = load<u64>(p, 16);
    const b0 = load<u64>(p, 24), b1 = load<u64>(p, 32), b2 = load<u64>(p, 40);
    s0 += popcnt<u64>(a0 ^ b0); s1 += popcnt<u64>(a0 ^ b1); s2 += popcnt<u64>(a0 ^ b2);
    s3 += popcnt<u64>(a1 ^ b0); s4 += popcnt<u64>(a1 ^ b1); s5 += popcnt<u64>(a1 ^ b2);
    s6 += popcnt<u64>(a2 ^ b0); s7 += popcnt<u64>(a2 ^ b1); s8 += popcnt<u64>(a2 ^ b2);
  }
  return <i32>(s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8);
}

/** 1-bit MACs per iteration of {@link peak_xnor_v128}: 9 x 128 (0 without SIMD). */
export function peak_xnor_v128_macs_per_iter(): i32 {
  if (ASC_FEATURE_SIMD) return 9 * 128;
  return 0;
}

/**
 * `iters` iterations of 9 v128 XOR + i8x16.popcnt + i8x16.add (byte counters, widened every
 * 16 iterations so they cannot overflow). 0 without SIMD.
 */
export function peak_xnor_v128(iters: i32, seed: i32, p: usize): i32 {
  if (ASC_FEATURE_SIMD) {
    for (let i = 0; i < 24; i++) store<i32>(p + (<usize>i << 2), seed * (i + 1) + i);
    let t = i32x4.splat(0);
    for (let i = 0; i < iters; i += 16) {
      let c0 = i8x16.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0;
      for (let j = 0; j < 16; j++) {
        const a0 = v128.load(p), a1 = v128.load(p, 16), a2 = v128.load(p, 32);
        const b0 = v128.load(p, 48), b1 = v128.load(p, 64), b2 = v128.load(p, 80);
        c0 = i8x16.add(c0, i8x16.popcnt(v128.xor(a0, b0))); c1 = i8x16.add(c1, i8x16.popcnt(v128.xor(a0, b1)));
        c2 = i8x16.add(c2, i8x16.popcnt(v128.xor(a0, b2))); c3 = i8x16.add(c3, i8x16.popcnt(v128.xor(a1, b0)));
        c4 = i8x16.add(c4, i8x16.popcnt(v128.xor(a1, b1))); c5 = i8x16.add(c5, i8x16.popcnt(v128.xor(a1, b2)));
        c6 = i8x16.add(c6, i8x16.popcnt(v128.xor(a2, b0))); c7 = i8x16.add(c7, i8x16.popcnt(v128.xor(a2, b1)));
        c8 = i8x16.add(c8, i8x16.popcnt(v128.xor(a2, b2)));
      }
      const u = i8x16.add(i8x16.add(i8x16.add(c0, c1), i8x16.add(c2, c3)), i8x16.add(i8x16.add(c4, c5), i8x16.add(i8x16.add(c6, c7), c8)));
      t = i32x4.add(t, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(u)));
    }
    return i32x4.extract_lane(t, 0);
  }
  return 0;
}

/** 1-bit MACs per iteration of {@link peak_xnor_mixed}: 6 x 64 + 4 x 128 (0 without SIMD). */
export function peak_xnor_mixed_macs_per_iter(): i32 {
  if (ASC_FEATURE_SIMD) return 6 * 64 + 4 * 128;
  return 0;
}

/**
 * Is there a peak above popcnt<u64>'s? Scalar and vector popcounts run on different units, so
 * this probe issues both per iteration: 2 x 3 u64 XOR + popcnt + add and 2 x 2 v128 XOR +
 * i8x16.popcnt + i8x16.add (byte counters widened every 16 iterations). Measured about equal to
 * peak_xnor_u64 under heavy load and about 1.1x it on a quieter machine (bench/binary.mjs); the
 * SIMD builds' XNOR panel tile mixes the two likewise. 0 without SIMD.
 */
export function peak_xnor_mixed(iters: i32, seed: i32, p: usize): i32 {
  if (ASC_FEATURE_SIMD) {
    for (let i = 0; i < 28; i++) store<i32>(p + (<usize>i << 2), seed * (i + 1) + i);
    let s0: u64 = 0, s1: u64 = 0, s2: u64 = 0, s3: u64 = 0, s4: u64 = 0, s5: u64 = 0;
    let t = i32x4.splat(0);
    for (let i = 0; i < iters; i += 16) {
      let c0 = i8x16.splat(0), c1 = c0, c2 = c0, c3 = c0;
      for (let j = 0; j < 16; j++) {
        const a0 = load<u64>(p), a1 = load<u64>(p, 8);
        const b0 = load<u64>(p, 16), b1 = load<u64>(p, 24), b2 = load<u64>(p, 32);
        s0 += popcnt<u64>(a0 ^ b0); s1 += popcnt<u64>(a0 ^ b1); s2 += popcnt<u64>(a0 ^ b2);
        s3 += popcnt<u64>(a1 ^ b0); s4 += popcnt<u64>(a1 ^ b1); s5 += popcnt<u64>(a1 ^ b2);
        const x0 = v128.load(p, 48), x1 = v128.load(p, 64), y0 = v128.load(p, 80), y1 = v128.load(p, 96);
        c0 = i8x16.add(c0, i8x16.popcnt(v128.xor(x0, y0))); c1 = i8x16.add(c1, i8x16.popcnt(v128.xor(x0, y1)));
        c2 = i8x16.add(c2, i8x16.popcnt(v128.xor(x1, y0))); c3 = i8x16.add(c3, i8x16.popcnt(v128.xor(x1, y1)));
      }
      const u = i8x16.add(i8x16.add(c0, c1), i8x16.add(c2, c3));
      t = i32x4.add(t, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(u)));
    }
    return <i32>(s0 + s1 + s2 + s3 + s4 + s5) + i32x4.extract_lane(t, 0);
  }
  return 0;
}
