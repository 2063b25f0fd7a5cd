/**
 * `init` with the binaries shipped in the package's wasm/ folder. Kept apart from the engine so
 * that the inlined entry (macflow/inline) does not pull these asset URLs into a bundle.
 * @module
 */
import type { Isa } from './detect.js';
import { initEngine, type Engine, type InitOptions } from './engine.js';

// Literal URLs so that bundlers (Vite, webpack, Rollup) see and copy the assets. The path is
// relative to src/runtime/ and dist/runtime/ alike: both sit two levels below the package root.
function packagedUrl(isa: Isa): URL {
  switch (isa) {
    case 'scalar':
      return new URL('../../wasm/macflow-scalar.wasm', import.meta.url);
    case 'simd':
      return new URL('../../wasm/macflow-simd.wasm', import.meta.url);
    case 'relaxed':
      return new URL('../../wasm/macflow-relaxed.wasm', import.meta.url);
  }
}

/**
 * Loads and instantiates the best kernel build this runtime validates (relaxed SIMD, then SIMD,
 * then scalar), or the one forced with `options.isa`; `options.wasm` overrides the packaged
 * binary (URL, bytes or compiled module, or one per build).
 *
 * @example
 * ```ts
 * import { init } from 'macflow';
 * const mf = await init();              // best build
 * console.log(mf.capabilities().reason);
 * const scalar = await init({ isa: 'scalar' });
 * ```
 */
export function init(options: InitOptions = {}): Promise<Engine> {
  return initEngine(options, packagedUrl);
}
