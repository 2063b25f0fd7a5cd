/**
 * The one list of kernels. Tests and benchmarks iterate it; nothing else enumerates kernels.
 * A kernel's full name carries its contract: `<dtypes>_<op>[_<tile>]__<isa>`, e.g.
 * `u8s8_gemm_4x8c2__simd` (XNNPACK's convention).
 * @module
 */
import type { Isa } from '../runtime/detect.js';
import type { WasmKernels } from './exports.js';

export interface KernelInfo {
  /** Contract name without the build suffix, e.g. `q8_relu`. */
  name: string;
  /** Kernel family (folder under assembly/). */
  family: 'common' | 'gemm' | 'conv' | 'ops' | 'quant' | 'feie' | 'sparse' | 'binary';
  /** The Wasm export that implements it. */
  export: Exclude<keyof WasmKernels, 'memory' | 'heapBase' | 'buildIsa'>;
  /** One line: what it computes. */
  summary: string;
  /** Builds that carry a distinct implementation (others run the scalar code path). */
  vectorised: readonly Isa[];
  /**
   * Register tile per build when the builds differ (MR x NR plus the k-step variant), e.g.
   * `3x12c2`; it becomes part of the contract name: `u8s8_gemm_3x12c2__simd`.
   */
  tiles?: Readonly<Record<Isa, string>>;
}

export const KERNELS: readonly KernelInfo[] = [
  { name: 'q8_relu', family: 'ops', export: 'q8_relu', summary: 'y = max(x, zero point) on int8/uint8', vectorised: ['simd', 'relaxed'] },
  { name: 'f32q8_quantize', family: 'quant', export: 'f32q8_quantize', summary: 'q = clamp(roundHalfEven(f32(x / scale)) + zero point, qmin, qmax), float32 -> int8/uint8, per tensor or per channel', vectorised: ['simd', 'relaxed'] },
  { name: 'q8f32_dequantize', family: 'quant', export: 'q8f32_dequantize', summary: 'y = f32(q - zero point) * scale, int8/uint8 -> float32, per tensor or per channel', vectorised: ['simd', 'relaxed'] },
  { name: 'u8_im2col', family: 'conv', export: 'u8_im2col', summary: 'tiled im2col of NHWC int8/uint8 to uint8 rows (r, s, c), padding = zero point', vectorised: ['simd', 'relaxed'] },
  { name: 'q8_dwconv_direct', family: 'conv', export: 'q8_dwconv_direct', summary: 'direct depthwise conv (multiplier 1) on NHWC int8/uint8, int32 sums, zero points subtracted', vectorised: ['simd', 'relaxed'] },
  { name: 'q8_clamp', family: 'ops', export: 'q8_clamp', summary: 'y = min(max(x, qmin), qmax) on int8/uint8 (ReLU6 when quantised)', vectorised: ['simd', 'relaxed'] },
  { name: 'q8_add', family: 'ops', export: 'q8_add', summary: 'ONNX QLinearAdd: y = clamp(nearest(f32(aScale/yScale) * (a - za) + f32(bScale/yScale) * (b - zb)) + yzp), float32, int8/uint8 each', vectorised: ['simd', 'relaxed'] },
  { name: 's32_correct', family: 'common', export: 's32_correct', summary: 'v = acc + colTerm[n] - zb[n] * rowSum[m], int32 wrapping, in place', vectorised: ['simd', 'relaxed'] },
  { name: 'q8_count_ne', family: 'common', export: 'q8_count_ne', summary: 'number of bytes that differ from a zero point (int8/uint8): the density scan of the automatic choice and of runNetwork', vectorised: ['simd', 'relaxed'] },
  { name: 'q8_requantize', family: 'common', export: 'q8_requantize', summary: 'zero-point correction + f32 multiplier, round half to even, clamp, narrow to int8/uint8', vectorised: ['simd', 'relaxed'] },
  { name: 'q8_maxpool2d_nhwc', family: 'ops', export: 'q8_maxpool2d', summary: 'max pooling NHWC int8/uint8, pads, strides, dilations', vectorised: ['simd', 'relaxed'] },
  { name: 'q8_avgpool2d_nhwc', family: 'ops', export: 'q8_avgpool2d', summary: 'average pooling NHWC int8/uint8, exact round half to even (also global average pooling)', vectorised: ['simd', 'relaxed'] },
  { name: 'q8_softmax', family: 'ops', export: 'q8_softmax', summary: 'softmax over the last axis from a host exp table, float64 sequential sums (only the row max is vectorised), uint8/int8 (scale 1/256) or float32 out', vectorised: ['simd', 'relaxed'] },
  { name: 'u8s8_gemm_pack_b', family: 'gemm', export: 'u8s8_gemm_pack_b', summary: 'pack N x K int8 weights for u8s8_gemm (both layouts in the relaxed build); writes per-column sums', vectorised: [] },
  { name: 'u8s8_gemm_pack_a', family: 'gemm', export: 'u8s8_gemm_pack_a', summary: 'pack M x K uint8 activations for u8s8_gemm; writes row sums and per-panel flags, returns max', vectorised: ['simd', 'relaxed'] },
  {
    name: 'u8s8_gemm',
    family: 'gemm',
    export: 'u8s8_gemm',
    summary: 'C (int32, wrapping) = A (u8, packed per call) x B^T (s8, packed once); raw sums, zero points in the output stage',
    vectorised: ['simd', 'relaxed'],
    // scalar 4x4; simd 3x12, k-pairs as i16 with i32x4.dot_i16x8_s; relaxed 3x12 choosing per
    // 3-row panel of A between k-quads with the relaxed i8 dot (all a <= 127) and the simd path.
    tiles: { scalar: '4x4', simd: '3x12c2', relaxed: '3x12c4hyb' },
  },
  { name: 'q8_conv_feie', family: 'feie', export: 'q8_conv_feie', summary: 'FEIE/ZASCAS zero-skipping conv: non-zero inputs streamed pixel by pixel and scattered into int32 NHWC outputs, vectorised over output channels (i16 pairs, dot); exact counts from the same pass', vectorised: ['simd', 'relaxed'] },
  // binary / ternary (assembly/binary/, conventions in src/binary/conventions.ts). The popcount
  // is chosen per build from measurement (bench/binary-tiles.mjs): see assembly/binary/gemm.ts.
  { name: 'b1_pack_f32', family: 'binary', export: 'b1_pack_f32', summary: 'float32 -> bits (bit 1 = -1 where x < threshold), channels-last, any C, word-aligned groups', vectorised: ['simd', 'relaxed'] },
  { name: 'b1_pack_q8', family: 'binary', export: 'b1_pack_q8', summary: 'int8/uint8 -> bits (x < threshold, e.g. the zero point), channels-last, any C', vectorised: ['simd', 'relaxed'] },
  { name: 't2_pack_f32', family: 'binary', export: 't2_pack_f32', summary: 'float32 -> ternary bit-planes (nz = |x| > delta, neg = x < -delta), interleaved per word', vectorised: ['simd', 'relaxed'] },
  { name: 't2_pack_q8', family: 'binary', export: 't2_pack_q8', summary: 'int8/uint8 -> ternary bit-planes around the zero point', vectorised: ['simd', 'relaxed'] },
  { name: 'b1_popcounts', family: 'binary', export: 'b1_popcounts', summary: 'popcount per segment of packed words (per-tap weight counts for the pad correction)', vectorised: [] },
  { name: 'b1u8_gemm', family: 'binary', export: 'b1u8_gemm', summary: 'C (int32) = sum(a) - 2 * sum of a over w = -1: binary weights x uint8 activations (BinaryConnect)', vectorised: ['simd', 'relaxed'] },
  { name: 't2u8_gemm', family: 'binary', export: 't2u8_gemm', summary: 'C (int32) = sum of a over w = +1 - sum over w = -1: ternary weights x uint8 activations', vectorised: ['simd', 'relaxed'] },
  { name: 'b1b1_gemm_panel_4x4', family: 'binary', export: 'b1b1_gemm_panel', summary: 'C (int32) = K - 2 * popcount(A XOR B) on 4-row panel-packed A and B (b1_pack_panels / b1_im2col_panels, 2-word chunks), 4 x 4 tile: SIMD build 3 popcnt<u64> columns + 1 v128 XOR + i8x16.popcnt column (scalar and vector units at once), relaxed build 2 popcnt<u64> + 2 v128 columns with a relaxed_swizzle table popcount, scalar build popcnt<u64>: the XNOR path of binaryGemm and binaryConv2d', vectorised: ['simd', 'relaxed'], tiles: { scalar: '4x4', simd: '4x(3+1v)', relaxed: '4x(2+2v)' } },
  { name: 't2t2_gemm_panel_4x4', family: 'binary', export: 't2t2_gemm_panel', summary: 'ternary x ternary on 4-row panels of (nz, neg) word pairs (b1_pack_panels / b1_im2col_panels), 4 x 4 popcnt<u64> tile: the ternary path of binaryGemm and binaryConv2d', vectorised: [], tiles: { scalar: '4x4', simd: '4x4', relaxed: '4x4' } },
  { name: 'b1b1_gemm_panel_u64_4x4', family: 'binary', export: 'b1b1_gemm_panel_u64', summary: 'the popcnt<u64>-only tile of b1b1_gemm_panel in every build, kept to re-measure the mixed u64 + v128 choice', vectorised: [], tiles: { scalar: '4x4', simd: '4x4', relaxed: '4x4' } },
  { name: 'b1_pack_panels', family: 'binary', export: 'b1_pack_panels', summary: 'rows of packed words -> 4-row panels of 2-word chunks (missing rows and an odd last word 0): the operand layout of b1b1_gemm_panel', vectorised: [] },
  { name: 'b1_im2col_panels', family: 'binary', export: 'b1_im2col_panels', summary: 'im2col of packed NHWC bits (whole words per tap, padded taps = 0 words) written straight into the 4-row panel layout of b1b1_gemm_panel', vectorised: [] },
  { name: 'b1_pad_correct', family: 'binary', export: 'b1_pad_correct', summary: 'exact zero-padding correction of a binary conv: + sum over padded taps of (2 * popcount(w tap) - Cg)', vectorised: [] },
  { name: 'b1_output', family: 'binary', export: 'b1_output', summary: 'binary output stage: int32 + colTerm, * scale + bias (f32) -> int32, float32 (clamp), int8 (round half to even, clamp) or bits (y < 0)', vectorised: ['simd', 'relaxed'] },
  { name: 'q8_conv_zsgemm_2x16c2', family: 'feie', export: 'q8_conv_zs_gemm', summary: 'zero-skipping conv as a block-sparse GEMM (SIMD builds): 2 output pixels x 16 channels, k-pairs = one channel at two adjacent taps (channel pairs on an odd R*S last tap), pairs zero in both pixels skipped; i16 zero-point-free operands, i32x4.dot_i16x8_s', vectorised: ['simd', 'relaxed'] },
  { name: 'q8_conv_zs_pack_b', family: 'feie', export: 'q8_conv_zs_pack_b', summary: 'pack OHWI int8/uint8 weights (w - wzp, i16) in the tap-pair c2 layout of q8_conv_zsgemm_2x16c2', vectorised: [] },
  { name: 'q8_conv_zs_count', family: 'feie', export: 'q8_conv_zs_count', summary: 'one pass over NHWC activations: non-zeros per (row, channel), MACs with a non-zero / real input, total non-zeros (FEIE counts and the density scan of conv2dAuto)', vectorised: ['simd', 'relaxed'] },
  { name: 'q8_flip_sign', family: 'common', export: 'q8_flip_sign', summary: 'x ^ 0x80: int8 <-> uint8 with the zero point moved by 128, so GEMM kernels see u8 activations and s8 weights', vectorised: ['simd', 'relaxed'] },
  {
    name: 's16_csr_spmm',
    family: 'sparse',
    export: 's16_csr_spmm',
    summary: 'int32 accT[row, p] (+)= sum over CSR entries (u16 column, i16 w - wzp) of xT[col, p] (i16 x - xzp), P lanes per call (batch rows or output pixels); batch 1: 8-entry lane gather',
    vectorised: ['simd', 'relaxed'],
    // simd/relaxed: entry pairs x 32 or 16 lanes with i16x8 interleave + i32x4.dot_i16x8_s; scalar: one lane at a time.
    tiles: { scalar: '1x1', simd: 'p2x32', relaxed: 'p2x32' },
  },
  {
    name: 's16_csr_spmm_direct',
    family: 'sparse',
    export: 's16_csr_spmm_direct',
    summary: 'as s16_csr_spmm with per-entry u32 byte offsets into a lane-contiguous input (direct sparse conv, no lowering)',
    vectorised: ['simd', 'relaxed'],
    tiles: { scalar: '1x1', simd: 'p2x32', relaxed: 'p2x32' },
  },
  {
    name: 's8_csr_spmv',
    family: 'sparse',
    export: 's8_csr_spmv',
    summary: 'batch 1: int32 acc[row] = sum over the row-contiguous int8 form (u16 column, i8 w - wzp, rows padded to 8 with zero fillers) of x[col] (i16 x - xzp); 8-entry lane gather + i32x4.dot_i16x8_s',
    vectorised: ['simd', 'relaxed'],
    tiles: { scalar: '1x2', simd: 'g16', relaxed: 'g16' },
  },
  { name: 's32_csr_untranspose', family: 'sparse', export: 's32_csr_untranspose', summary: 'int32 [row, lane] -> [lane, row] for the shared output stage', vectorised: ['simd', 'relaxed'] },
  { name: 'q8_csr_rows_t', family: 'sparse', export: 'q8_csr_rows_t', summary: 'NHWC int8/uint8 image -> padded channel-major rows [Hp, C, Wp] of x - xzp (i16) for the direct CSR conv', vectorised: [] },
  { name: 'csr_zero_macs_direct', family: 'sparse', export: 'csr_zero_macs_direct', summary: 'csr_zero_macs over the direct layout (per-column byte offsets)', vectorised: ['simd', 'relaxed'] },
  { name: 'q8_csr_transpose_x', family: 'sparse', export: 'q8_csr_transpose_x', summary: 'x [B, K] int8/uint8 -> xT [K, ldx] i16 (x - xzp), lanes padded with 0', vectorised: [] },
  { name: 'q8_csr_im2col_t', family: 'sparse', export: 'q8_csr_im2col_t', summary: 'transposed im2col tile of NHWC int8/uint8: xT[(r, s, c), p] = x - xzp (i16), padding 0', vectorised: [] },
  { name: 'csr_zero_macs', family: 'sparse', export: 'csr_zero_macs', summary: 'exact count of MACs with a zero activation: sum_k colCount[k] * zero lanes of xT[k]', vectorised: ['simd', 'relaxed'] },
];

/** The contract name of a kernel in a build, e.g. `q8_relu__simd`, `u8s8_gemm_3x12c2__simd`. */
export function kernelName(k: KernelInfo, isa: Isa): string {
  return k.tiles ? `${k.name}_${k.tiles[isa]}__${isa}` : `${k.name}__${isa}`;
}

/** Looks a kernel up by its base name. */
export function kernel(name: string): KernelInfo {
  const k = KERNELS.find((x) => x.name === name);
  if (!k) throw new Error(`no kernel named ${name}`);
  return k;
}
