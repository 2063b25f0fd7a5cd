// u8 x s8 -> s32 GEMM: C[M x N] = A[M x K] (uint8 activations) x B^T where B is given as
// N x K int8 (each output column's weights contiguous). Raw sums, wrapping mod 2^32; zero-point
// corrections happen in the output stage (common/requant.ts) from the row sums of A and the
// column sums of B that packing returns. Signed int8 activations are passed as uint8 by the
// caller (x ^ 0x80, zero point + 128).
//
// Contract (stable; the packed layouts behind it are private to this file):
//   u8s8_gemm_packed_b_bytes(N, K) / u8s8_gemm_pack_b(bt, ldb, N, K, packed, colSums)
//   u8s8_gemm_packed_a_bytes(M, K) / u8s8_gemm_pack_a(a, lda, M, K, packed, rowSums) -> max(A)
//   u8s8_gemm(M, N, K, packedA, packedB, c, ldc, aMax)
// Packed buffers may be read up to GEMM_READ_PAST bytes past their end: the *_bytes functions
// include that slack.

export const GEMM_READ_PAST: i32 = 64;

/** Bytes of the packed form of an N x K weight matrix. */
export function u8s8_gemm_packed_b_bytes(N: i32, K: i32): i32 {
  return N * K + GEMM_READ_PAST;
}

/** Packs B^T (N x K int8, row stride ldb bytes); writes sum_k B[n,k] to colSums[n] (i32). */
export function u8s8_gemm_pack_b(bt: usize, ldb: i32, N: i32, K: i32, packed: usize, colSums: usize): void {
  for (let n = 0; n < N; n++) {
    let s: i32 = 0;
    const src = bt + <usize>n * ldb;
    const dst = packed + <usize>n * K;
    for (let k = 0; k < K; k++) {
      const v = load<i8>(src + k);
      store<i8>(dst + k, v);
      s += v;
    }
    store<i32>(colSums + (<usize>n << 2), s);
  }
}

/** Bytes of the packed form of an M x K activation matrix. */
export function u8s8_gemm_packed_a_bytes(M: i32, K: i32): i32 {
  return M * K + GEMM_READ_PAST;
}

/** Packs A (M x K uint8, row stride lda bytes); writes row sums (i32); returns max element. */
export function u8s8_gemm_pack_a(a: usize, lda: i32, M: i32, K: i32, packed: usize, rowSums: usize): i32 {
  let mx: i32 = 0;
  for (let m = 0; m < M; m++) {
    let s: i32 = 0;
    const src = a + <usize>m * lda;
    const dst = packed + <usize>m * K;
    for (let k = 0; k < K; k++) {
      const v = <i32>load<u8>(src + k);
      store<u8>(dst + k, <u8>v);
      s += v;
      if (v > mx) mx = v;
    }
    store<i32>(rowSums + (<usize>m << 2), s);
  }
  return mx;
}

/** C[m, n] = sum_k A[m, k] * B[n, k] (int32, wrapping); ldc in elements. */
export function u8s8_gemm(M: i32, N: i32, K: i32, packedA: usize, packedB: usize, c: usize, ldc: i32, aMax: i32): void {
  for (let m = 0; m < M; m++) {
    const pa = packedA + <usize>m * K;
    for (let n = 0; n < N; n++) {
      const pb = packedB + <usize>n * K;
      let acc: i32 = 0;
      for (let k = 0; k < K; k++) acc += <i32>load<u8>(pa + k) * <i32>load<i8>(pb + k);
      store<i32>(c + ((<usize>m * ldc + n) << 2), acc);
    }
  }
}
