/**
 * The plain-TypeScript arithmetic spec of every kernel: naive loops, no tiling. Every Wasm kernel
 * and build is tested bit-exact against these.
 * @module
 */
export * from './activation.js';
export * from './gemm.js';
export * from './quant.js';
export * from './conv.js';
export * from './pool.js';
export * from './softmax.js';
export * from './feie.js';
export * from './sparse.js';
export * from './binary.js';
export * from './add.js';
export * from './graph.js';
