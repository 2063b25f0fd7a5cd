// The Wasm entry: every kernel family re-exports its kernels here. Memory is owned by the
// TypeScript side (src/runtime/memory.ts): kernels never allocate, they take raw pointers.
export * from './common/info';
export * from './ops/activation';
export * from './common/requant';
export * from './gemm/u8s8';
export * from './common/convert';
