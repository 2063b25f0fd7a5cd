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
export { relu, clamp, type ReluOptions, type ClampOptions } from './ops/activation.js';
export { maxPool2d, avgPool2d, globalAvgPool, type Pool2dOptions, type MaxPool2dOptions, type AvgPool2dOptions, type GlobalAvgPoolOptions } from './ops/pool.js';
export { softmax, type SoftmaxOptions, type SoftmaxOutput } from './ops/softmax.js';
export { flatten, reshape } from './ops/shape.js';
