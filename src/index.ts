/**
 * macflow: quantised and sparse CNN kernels in WebAssembly, with accelerator cost models.
 * @packageDocumentation
 */
export * from './errors.js';
export { init, Engine, type InitOptions, type Capabilities, type HostTensor, type TensorLike } from './runtime/engine.js';
export { detectIsas, ISAS, type Isa } from './runtime/detect.js';
export type { WasmSource, WasmOrigin } from './runtime/load.js';
export { Tensor, DTYPE_BYTES, type DType, type TypedArrayOf } from './runtime/tensor.js';
export { KERNELS, kernelName, type KernelInfo } from './kernels/registry.js';
export { relu, type ReluOptions } from './ops/activation.js';
export { packWeights, PackedWeights, type PackOptions, type WeightLayout } from './ops/packed.js';
export { matmul, ROW_TILE, type MatmulParams } from './ops/matmul.js';
export { dense, type DenseParams } from './ops/dense.js';
export type { QuantParams, Requantize } from './descriptors/output-stage.js';
