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
  /**
   * Register tile per build when the builds differ (MR x NR plus the k-step variant), e.g.
   * `3x12c2`; it becomes part of the contract name: `u8s8_gemm_3x12c2__simd`.
   */
  tiles?: Readonly<Record<Isa, string>>;
}

export const KERNELS: readonly KernelInfo[] = [
  { name: 'q8_relu', family: 'ops', export: 'q8_relu', summary: 'y = max(x, zero point) on int8/uint8', vectorised: ['simd', 'relaxed'] },
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
