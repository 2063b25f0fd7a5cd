/**
 * macflow: quantised and sparse CNN kernels in WebAssembly, with accelerator cost models.
 * @packageDocumentation
 */
export * from './api.js';
export { init } from './runtime/packaged.js';
