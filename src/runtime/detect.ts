/**
 * Synchronous feature detection with tiny validation-only modules (no instantiation).
 * @module
 */

/** The three builds of the kernels: one AssemblyScript source, three feature sets. */
export type Isa = 'scalar' | 'simd' | 'relaxed';

/** All builds, slowest first. */
export const ISAS: readonly Isa[] = ['scalar', 'simd', 'relaxed'];

// A function returning v128.const 0 (SIMD) and one using i32x4.relaxed_dot_i8x16_i7x16_add_s.
const SIMD_PROBE: Uint8Array<ArrayBuffer> = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15,
  253, 98, 11,
]);
const RELAXED_PROBE: Uint8Array<ArrayBuffer> = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 19, 1, 17, 0, 65, 0, 253, 15,
  65, 0, 253, 15, 65, 0, 253, 17, 253, 147, 2, 11,
]);

function validates(bytes: Uint8Array<ArrayBuffer>): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

/** Which builds this runtime can run. */
export function detectIsas(): Record<Isa, boolean> {
  const simd = validates(SIMD_PROBE);
  return { scalar: typeof WebAssembly === 'object', simd, relaxed: simd && validates(RELAXED_PROBE) };
}

/** True when running under Node.js (detected by `process.versions.node`, not by `fetch`). */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** A sentence explaining why a build is missing, with the fix. */
export function whyUnavailable(isa: Isa): string {
  if (isa === 'relaxed') {
    return isNode()
      ? 'this Node.js does not enable relaxed SIMD by default; run node with --experimental-wasm-relaxed-simd (Node 20/22), or use a browser that ships it (Chromium >= 114)'
      : 'this browser does not support WebAssembly relaxed SIMD (Chromium >= 114 and Firefox >= 120 do)';
  }
  if (isa === 'simd') return 'this runtime does not support WebAssembly SIMD (fixed-width simd128)';
  return 'this runtime has no WebAssembly';
}
