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
  q8_clamp(x: number, y: number, n: number, qmin: number, qmax: number, signed: number): void;

  // assembly/ops/add.ts
  q8_add(a: number, aSigned: number, za: number, ra: number, b: number, bSigned: number, zb: number, rb: number, y: number, ySigned: number, yzp: number, qmin: number, qmax: number, n: number): void;

  // assembly/ops/pool.ts
  q8_maxpool2d(x: number, N: number, H: number, W: number, C: number, y: number, OH: number, OW: number, kh: number, kw: number, sh: number, sw: number, pt: number, pl: number, dh: number, dw: number, signed: number): void;
  q8_avgpool2d(x: number, N: number, H: number, W: number, C: number, y: number, OH: number, OW: number, kh: number, kw: number, sh: number, sw: number, pt: number, pl: number, pb: number, pr: number, countIncludePad: number, zp: number, signed: number): void;

  // assembly/ops/softmax.ts
  q8_softmax(x: number, rows: number, len: number, table: number, signed: number, out: number, outKind: number): void;

  // assembly/common/requant.ts
  s32_correct(acc: number, M: number, N: number, ldacc: number, colTerm: number, rowSums: number, wzp: number): void;
  q8_requantize(acc: number, M: number, N: number, ldacc: number, colTerm: number, rowSums: number, wzp: number, mult: number, yzp: number, qmin: number, qmax: number, out: number, ldout: number, outSigned: number): void;

  // assembly/common/convert.ts
  q8_flip_sign(src: number, dst: number, n: number): void;

  // assembly/gemm/u8s8.ts
  u8s8_gemm_packed_b_bytes(N: number, K: number): number;
  u8s8_gemm_pack_b(bt: number, ldb: number, N: number, K: number, packed: number, colSums: number): void;
  u8s8_gemm_packed_a_bytes(M: number, K: number): number;
  u8s8_gemm_pack_a(a: number, lda: number, M: number, K: number, packed: number, rowSums: number): number;
  /** aMax (pack_a's result) is ignored since the fast kernels: packed A carries per-panel flags. */
  u8s8_gemm(M: number, N: number, K: number, packedA: number, packedB: number, c: number, ldc: number, aMax: number): void;

  // assembly/feie/conv.ts
  q8_conv_feie_list_bytes(C: number, groups: number, R: number, S: number): number;
  q8_conv_feie(
    x: number, H: number, W: number, C: number, R: number, S: number,
    sh: number, sw: number, dh: number, dw: number, pt: number, pl: number, F: number,
    groups: number, Mg: number, w16: number, xzp: number, signed: number, skip: number,
    e0: number, e1: number, ihLo: number, ihHi: number, countLo: number, countHi: number,
    acc: number, ldacc: number, list: number, rowNnz: number, counts: number,
  ): void;

  // assembly/feie/zsgemm.ts
  q8_conv_zs_packed_b_bytes(Mg: number, R: number, S: number, Cg: number): number;
  q8_conv_zs_work_bytes(rows: number, R: number, S: number, Cg: number): number;
  q8_conv_zs_pack_b(w: number, signed: number, wzp: number, Mg: number, R: number, S: number, Cg: number, out: number): void;
  q8_conv_zs_gemm(
    x: number, H: number, W: number, C: number, R: number, S: number,
    sh: number, sw: number, dh: number, dw: number, pt: number, pl: number, F: number,
    p0: number, rows: number, c0: number, Cg: number, xzp: number, signed: number, skip: number,
    pb: number, Mg: number, acc: number, ldacc: number, work: number,
  ): number;
  q8_conv_zs_count(
    x: number, H: number, W: number, C: number, R: number, S: number,
    sh: number, sw: number, dh: number, dw: number, pt: number, pl: number, E: number, F: number,
    xzp: number, signed: number, rowNnz: number, counts: number,
  ): void;

  // assembly/common/scan.ts
  q8_count_ne(src: number, n: number, zp: number): number;

  // assembly/common/peak.ts
  peak_scratch_bytes(): number;
  peak_dot_i16(iters: number, seed: number, scratch: number): number;
  peak_dot_i16_macs_per_iter(): number;
  peak_dot_relaxed(iters: number, seed: number, scratch: number): number;
  peak_dot_relaxed_macs_per_iter(): number;
  // assembly/quant/quantize.ts
  f32q8_quantize(x: number, y: number, outer: number, C: number, inner: number, scales: number, zps: number, qmin: number, qmax: number, signed: number): void;
  q8f32_dequantize(q: number, y: number, outer: number, C: number, inner: number, scales: number, zps: number, signed: number): void;
  // assembly/conv/im2col.ts
  u8_im2col(x: number, H: number, W: number, C: number, R: number, S: number, sh: number, sw: number, dh: number, dw: number, pt: number, pl: number, F: number, p0: number, rows: number, c0: number, Cg: number, zp: number, signed: number, dst: number): void;

  // assembly/conv/depthwise.ts
  q8_dwconv_direct(x: number, H: number, W: number, C: number, R: number, S: number, sh: number, sw: number, dh: number, dw: number, pt: number, pl: number, F: number, p0: number, rows: number, w16: number, xzp: number, signed: number, acc: number, ldacc: number): void;

  // assembly/sparse/csr.ts
  s16_csr_spmm(rowPtr: number, panels: number, colIdx: number, vals: number, rows: number, xT: number, ldx: number, P: number, accT: number, ldl: number, skipZeros: number): void;
  s32_csr_untranspose(accT: number, rows: number, ldl: number, P: number, dst: number, ldd: number): void;
  q8_csr_transpose_x(x: number, B: number, K: number, xzp: number, signed: number, xT: number, ldx: number): void;
  q8_csr_im2col_t(x: number, H: number, W: number, C: number, R: number, S: number, sh: number, sw: number, dh: number, dw: number, pt: number, pl: number, F: number, p0: number, P: number, c0: number, Cg: number, xzp: number, signed: number, xT: number, ldx: number): void;
  csr_zero_macs(xT: number, K: number, ldx: number, P: number, colCount: number): number;
  s16_csr_spmm_direct(rowPtr: number, offs: number, vals: number, rows: number, xBase: number, P: number, accT: number, ldl: number, skipZeros: number, accumulate: number): void;
  q8_csr_rows_t(x: number, H: number, W: number, C: number, pt: number, pl: number, Hp: number, Wp: number, xzp: number, signed: number, xc: number): void;
  csr_zero_macs_direct(xBase: number, offK: number, K: number, P: number, colCount: number): number;
  // assembly/sparse/csr.ts (batch 1, row-contiguous int8 form)
  s8_csr_spmv(rowPtr: number, colIdx: number, vals8: number, rows: number, x: number, acc: number): void;
  // assembly/binary/conventions.ts
  b1_conventions(which: number): number;
  // assembly/binary/pack.ts
  b1_pack_f32(x: number, rows: number, C: number, groups: number, thr: number, dst: number): void;
  b1_pack_q8(x: number, rows: number, C: number, groups: number, thr: number, signed: number, dst: number): void;
  t2_pack_f32(x: number, rows: number, C: number, groups: number, delta: number, dst: number): void;
  t2_pack_q8(x: number, rows: number, C: number, groups: number, zp: number, delta: number, signed: number, dst: number): void;
  b1_popcounts(src: number, count: number, stride: number, words: number, out: number): void;
  // assembly/binary/gemm.ts
  b1_panel_bytes(rows: number, Kw: number): number;
  b1_pack_panels(src: number, rows: number, ld: number, Kw: number, dst: number): void;
  b1b1_gemm_panel(M: number, N: number, Kw: number, Kbits: number, pa: number, pb: number, c: number, ldc: number): void;
  b1b1_gemm_panel_u64(M: number, N: number, Kw: number, Kbits: number, pa: number, pb: number, c: number, ldc: number): void;
  t2t2_gemm_panel(M: number, N: number, K2: number, pa: number, pb: number, c: number, ldc: number): void;
  b1u8_gemm(M: number, N: number, T: number, Cs: number, a: number, lda: number, b: number, ldb: number, wps: number, c: number, ldc: number): void;
  t2u8_gemm(M: number, N: number, T: number, Cs: number, a: number, lda: number, b: number, ldb: number, wps: number, c: number, ldc: number): void;
  // assembly/binary/conv.ts
  b1_im2col_panels(x: number, H: number, W: number, wpp: number, R: number, S: number, sh: number, sw: number, dh: number, dw: number, pt: number, pl: number, F: number, p0: number, rows: number, w0: number, wg: number, dst: number): void;
  b1_pad_correct(acc: number, ldacc: number, H: number, W: number, R: number, S: number, sh: number, sw: number, dh: number, dw: number, pt: number, pl: number, F: number, p0: number, rows: number, Cg: number, Mg: number, tapPop: number, cache: number): void;
  b1_pad_scratch_bytes(Mg: number): number;
  // assembly/binary/output.ts
  b1_output(acc: number, M: number, N: number, ldacc: number, colTerm: number, scale: number, bias: number, kind: number, lo: number, hi: number, zp: number, groups: number, out: number, ldout: number): void;
  // assembly/binary/peak.ts
  peak_xnor_u64(iters: number, seed: number, scratch: number): number;
  peak_xnor_u64_macs_per_iter(): number;
  peak_xnor_v128(iters: number, seed: number, scratch: number): number;
  peak_xnor_v128_macs_per_iter(): number;
  peak_xnor_mixed(iters: number, seed: number, scratch: number): number;
  peak_xnor_mixed_macs_per_iter(): number;
}
