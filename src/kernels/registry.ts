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
  family: 'common' | 'gemm' | 'conv' | 'ops' | 'quant';
  /** The Wasm export that implements it. */
  export: Exclude<keyof WasmKernels, 'memory' | 'heapBase' | 'buildIsa'>;
  /** One line: what it computes. */
  summary: string;
  /** Builds that carry a distinct implementation (others run the scalar code path). */
  vectorised: readonly Isa[];
}

export const KERNELS: readonly KernelInfo[] = [
  { name: 'q8_relu', family: 'ops', export: 'q8_relu', summary: 'y = max(x, zero point) on int8/uint8', vectorised: ['simd', 'relaxed'] },
  { name: 's8_to_u8', family: 'common', export: 's8_to_u8', summary: 'int8 -> uint8 by x ^ 0x80 (zero point + 128), so GEMM kernels see u8 activations', vectorised: ['simd', 'relaxed'] },
  { name: 'u8s8_gemm_pack_b', family: 'gemm', export: 'u8s8_gemm_pack_b', summary: 'pack N x K int8 weights for u8s8_gemm; writes per-column sums', vectorised: [] },
  { name: 'u8s8_gemm_pack_a', family: 'gemm', export: 'u8s8_gemm_pack_a', summary: 'pack M x K uint8 activations for u8s8_gemm; writes row sums, returns max', vectorised: [] },
  { name: 'u8s8_gemm', family: 'gemm', export: 'u8s8_gemm', summary: 'C = A x B^T, u8 x s8 -> raw int32 sums (wrapping)', vectorised: [] },
  { name: 's32_correct', family: 'common', export: 's32_correct', summary: 'int32 sums + bias - zero-point corrections (ONNX MatMulInteger/ConvInteger + bias)', vectorised: [] },
  { name: 'q8_requantize', family: 'common', export: 'q8_requantize', summary: 'corrected int32 -> int8/uint8, float32 multiplier per tensor or channel, round half to even, clamp', vectorised: [] },
];

/** The contract name of a kernel in a build, e.g. `q8_relu__simd`. */
export function kernelName(k: KernelInfo, isa: Isa): string {
  return `${k.name}__${isa}`;
}

/** Looks a kernel up by its base name. */
export function kernel(name: string): KernelInfo {
  const k = KERNELS.find((x) => x.name === name);
  if (!k) throw new Error(`no kernel named ${name}`);
  return k;
}
