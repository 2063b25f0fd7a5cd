// Dtype conversions between the int8/uint8 domains of the API and the u8 x s8 domains of the GEMM kernels.

/**
 * dst[i] = src[i] ^ 0x80 for n bytes: flips the sign bit, so int8 x becomes uint8 x + 128 and
 * uint8 x becomes int8 x - 128 (it is its own inverse). The GEMM kernels take u8 activations and
 * s8 weights: int8 activations and uint8 weights are flipped, and their zero point moves by 128
 * with the data, so (x - zp) is unchanged. In-place use (src == dst) is allowed.
 */
export function q8_flip_sign(src: usize, dst: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const bias = i8x16.splat(-128);
    for (; i + 16 <= n; i += 16) v128.store(dst + i, v128.xor(v128.load(src + i), bias));
  }
  for (; i < n; i++) store<u8>(dst + i, load<u8>(src + i) ^ 0x80);
}
