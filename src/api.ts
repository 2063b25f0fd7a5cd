/**
 * Everything macflow exports except `init`, which src/index.ts adds with the packaged binaries
 * and dist/inline.js with the inlined ones.
 * @module
 */
export * from './errors.js';
export { Engine, type InitOptions, type Capabilities, type HostTensor, type TensorLike } from './runtime/engine.js';
export { detectIsas, ISAS, type Isa } from './runtime/detect.js';
export type { WasmSource, WasmOrigin } from './runtime/load.js';
export { Tensor, DTYPE_BYTES, type DType, type TypedArrayOf } from './runtime/tensor.js';
export { KERNELS, kernelName, type KernelInfo } from './kernels/registry.js';
export { relu, clamp, type ReluOptions, type ClampOptions } from './ops/activation.js';
export { maxPool2d, avgPool2d, globalAvgPool, type Pool2dOptions, type MaxPool2dOptions, type AvgPool2dOptions, type GlobalAvgPoolOptions } from './ops/pool.js';
export { softmax, type SoftmaxOptions, type SoftmaxOutput } from './ops/softmax.js';
export { flatten, reshape } from './ops/shape.js';
export * as quant from './quant/index.js';
export {
  quantParams,
  quantize,
  dequantize,
  calibrate,
  quantizeWeights,
  quantizeBias,
  type QuantScheme,
  type TensorQuant,
  type ChannelQuant,
  type QuantParamsOptions,
  type CalibrateOptions,
  type QuantizeWeightsOptions,
  type QuantizedWeights,
} from './quant/index.js';
export { conv2dInfo, convWeightInfo, type Conv2DInfo, type Conv2DOptions, type ConvWeightInfo, type AutoPad, type ActivationLayout, type WeightLayout } from './descriptors/conv.js';
export type { QuantParams, Requantize } from './descriptors/output-stage.js';
export {
  conv2d, packConvWeights, planConv2dTiles, PackedConvWeights, IM2COL_TILE_BYTES, ACC_TILE_BYTES,
  type Conv2DParams, type Conv2DAlgorithm, type PackConvWeightsOptions, type Conv2DTilePlan,
} from './ops/conv2d.js';
export { packWeights, PackedWeights, type PackOptions, type MatrixLayout } from './ops/packed.js';
export { matmul, ROW_TILE, type MatmulParams } from './ops/matmul.js';
export { dense, type DenseParams } from './ops/dense.js';
export * as accel from './accel/index.js';
export {
  simulate, simulateNetwork, convLayer, fcLayer, gemmLayer, resolveArch, DATAFLOWS, ARCH_SCHEMA, ARCH_PRESETS, REPORT_GLOSSARY, EYERISS_ENERGY_TABLE,
  parseTopology, toTopologyCsv, parseScaleSimConfig, computeReportCsv, bandwidthReportCsv, SchemaError, TopologyError,
  type AccelLayer, type ArchSpec, type ArchInput, type Dataflow, type ActionCounts, type Densities, type SimulationData, type EnergyTable, type LayerReport, type NetworkReport,
} from './accel/index.js';
export {
  conv2dZeroSkip, FEIE_ACC_BYTES, BLOCKSPARSE_MIN_MG, BLOCKSPARSE_TILE_BYTES, blockSparseTileRows,
  type Conv2DZeroSkipParams, type Conv2DZeroSkipResult, type ZeroSkipCounts, type ZeroSkipKernel,
} from './ops/conv2d-zeroskip.js';
export {
  conv2dAuto, activationDensity, ZERO_SKIP_CROSSOVER,
  type Conv2DAutoParams, type Conv2DAutoResult, type Conv2DChoice,
} from './ops/conv2d-auto.js';
export {
  feieLayer, feieSchedule, FEIE_DEFAULT_TILES, FEIE_SCHEDULE_MAX_CYCLES,
  type FeieArch, type FeieActivity, type FeieCost, type FeieReport,
  type FeieScheduleOptions, type FeieSchedule, type FeieScheduleCycle,
} from './accel/feie.js';
