// The Wasm entry: every kernel family re-exports its kernels here. Memory is owned by the
// TypeScript side (src/runtime/memory.ts): kernels never allocate, they take raw pointers.
export * from './common/info';
export * from './ops/activation';
export * from './common/requant';
export * from './gemm/u8s8';
export * from './common/peak';
export * from './quant/quantize';
export * from './conv/im2col';
export * from './conv/depthwise';
export * from './ops/pool';
export * from './ops/softmax';
export * from './common/convert';
export * from './feie/conv';
export * from './sparse/csr';
export * from './binary/conventions';
export * from './binary/pack';
export * from './binary/gemm';
export * from './binary/conv';
export * from './binary/output';
export * from './binary/peak';
export * from './ops/add';
export * from './feie/zsgemm';
export * from './common/scan';
