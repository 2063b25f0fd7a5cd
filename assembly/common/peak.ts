// Probes of this machine's Wasm MAC peak, the denominator of every kernel's "fraction of peak"
// in the benchmarks. Each iteration is a 3 x 3 block of independent dots whose operands come
// from a 64-byte scratch block in L1 (three broadcast loads, three vector loads), i.e. the
// inner loop of an ideal GEMM micro-kernel without its packing and edges. A pure register loop
// is not a ceiling under V8: it runs slower (operand copies and spills in V8's xmm0-15 code)
// than our GEMM does. The result is returned so that nothing is optimised away.

/** Bytes of scratch the probes read (host-allocated; kernels never allocate). */
export function peak_scratch_bytes(): i32 {
  return 64;
}

/** MACs per iteration of {@link peak_dot_i16}: 9 dots x 8 MACs (scalar build: 9 i32 MACs). */
export function peak_dot_i16_macs_per_iter(): i32 {
  if (ASC_FEATURE_SIMD) return 9 * 8;
  return 9;
}

/** `iters` iterations of a 3 x 3 block of i32x4.dot_i16x8_s (scalar build: 3 x 3 i32 MACs). */
export function peak_dot_i16(iters: i32, seed: i32, p: usize): i32 {
  for (let i = 0; i < 16; i++) store<i32>(p + (<usize>i << 2), seed + i);
  if (ASC_FEATURE_SIMD) {
    let c0 = i32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0;
    for (let i = 0; i < iters; i++) {
      const a0 = v128.load32_splat(p), a1 = v128.load32_splat(p, 4), a2 = v128.load32_splat(p, 8);
      const b0 = v128.load(p, 16), b1 = v128.load(p, 32), b2 = v128.load(p, 48);
      c0 = i32x4.add(c0, i32x4.dot_i16x8_s(a0, b0));
      c1 = i32x4.add(c1, i32x4.dot_i16x8_s(a0, b1));
      c2 = i32x4.add(c2, i32x4.dot_i16x8_s(a0, b2));
      c3 = i32x4.add(c3, i32x4.dot_i16x8_s(a1, b0));
      c4 = i32x4.add(c4, i32x4.dot_i16x8_s(a1, b1));
      c5 = i32x4.add(c5, i32x4.dot_i16x8_s(a1, b2));
      c6 = i32x4.add(c6, i32x4.dot_i16x8_s(a2, b0));
      c7 = i32x4.add(c7, i32x4.dot_i16x8_s(a2, b1));
      c8 = i32x4.add(c8, i32x4.dot_i16x8_s(a2, b2));
    }
    const t = i32x4.add(i32x4.add(i32x4.add(c0, c1), i32x4.add(c2, c3)), i32x4.add(i32x4.add(c4, c5), i32x4.add(c6, c7)));
    return i32x4.extract_lane(i32x4.add(t, c8), 0);
  }
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0, s8 = 0;
  for (let i = 0; i < iters; i++) {
    const a0 = load<i32>(p), a1 = load<i32>(p, 4), a2 = load<i32>(p, 8);
    const b0 = load<i32>(p, 16), b1 = load<i32>(p, 32), b2 = load<i32>(p, 48);
    s0 += a0 * b0; s1 += a0 * b1; s2 += a0 * b2;
    s3 += a1 * b0; s4 += a1 * b1; s5 += a1 * b2;
    s6 += a2 * b0; s7 += a2 * b1; s8 += a2 * b2;
  }
  return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8;
}

/** MACs per iteration of {@link peak_dot_relaxed}: 9 dots x 16 MACs (0 without relaxed SIMD). */
export function peak_dot_relaxed_macs_per_iter(): i32 {
  if (ASC_FEATURE_RELAXED_SIMD) return 9 * 16;
  return 0;
}

/**
 * `iters` iterations of a 3 x 3 block of relaxed i8 x i7 dots accumulated in i32, in the unfused
 * form the GEMM uses (the fused i32x4.relaxed_dot_i8x16_i7x16_add_s is miscomputed by Node 20's
 * baseline tier, see assembly/gemm/u8s8.ts). 0 without relaxed SIMD.
 */
export function peak_dot_relaxed(iters: i32, seed: i32, p: usize): i32 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    for (let i = 0; i < 64; i++) store<u8>(p + i, (seed + i) & 127);
    let c0 = i32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0;
    for (let i = 0; i < iters; i++) {
      const a0 = v128.load32_splat(p), a1 = v128.load32_splat(p, 4), a2 = v128.load32_splat(p, 8);
      const b0 = v128.load(p, 16), b1 = v128.load(p, 32), b2 = v128.load(p, 48);
      c0 = i32x4.add(c0, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b0, a0)));
      c1 = i32x4.add(c1, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b1, a0)));
      c2 = i32x4.add(c2, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b2, a0)));
      c3 = i32x4.add(c3, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b0, a1)));
      c4 = i32x4.add(c4, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b1, a1)));
      c5 = i32x4.add(c5, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b2, a1)));
      c6 = i32x4.add(c6, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b0, a2)));
      c7 = i32x4.add(c7, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b1, a2)));
      c8 = i32x4.add(c8, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b2, a2)));
    }
    const t = i32x4.add(i32x4.add(i32x4.add(c0, c1), i32x4.add(c2, c3)), i32x4.add(i32x4.add(c4, c5), i32x4.add(c6, c7)));
    return i32x4.extract_lane(i32x4.add(t, c8), 0);
  }
  return 0;
}
