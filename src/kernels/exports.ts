/**
 * The raw exports of the kernel module (assembly/index.ts). Pointers are byte addresses in Wasm
 * memory; sizes are element counts. Each kernel family adds its functions here.
 * @module
 */
export interface WasmKernels {
  memory: WebAssembly.Memory;
  heapBase(): number;
  buildIsa(): number;

  // assembly/ops/activation.ts
  q8_relu(x: number, y: number, n: number, zeroPoint: number, signed: number): void;

  // assembly/common/requant.ts
  s32_correct(acc: number, M: number, N: number, ldacc: number, colTerm: number, rowSums: number, wzp: number): void;
  q8_requantize(acc: number, M: number, N: number, ldacc: number, colTerm: number, rowSums: number, wzp: number, mult: number, yzp: number, qmin: number, qmax: number, out: number, ldout: number, outSigned: number): void;

  // assembly/gemm/u8s8.ts
  u8s8_gemm_packed_b_bytes(N: number, K: number): number;
  u8s8_gemm_pack_b(bt: number, ldb: number, N: number, K: number, packed: number, colSums: number): void;
  u8s8_gemm_packed_a_bytes(M: number, K: number): number;
  u8s8_gemm_pack_a(a: number, lda: number, M: number, K: number, packed: number, rowSums: number): number;
  /** aMax (pack_a's result) is ignored since the fast kernels: packed A carries per-panel flags. */
  u8s8_gemm(M: number, N: number, K: number, packedA: number, packedB: number, c: number, ldc: number, aMax: number): void;

  // assembly/common/peak.ts
  peak_dot_i16(iters: number, seed: number): number;
  peak_dot_i16_macs_per_iter(): number;
  peak_dot_relaxed(iters: number, seed: number): number;
  peak_dot_relaxed_macs_per_iter(): number;
}
