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
export { add, type AddOptions, type AddOperandQuant } from './ops/add.js';
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
  binarize,
  ternarize,
  type BinaryQuantOptions,
  type TernaryQuantOptions,
  type BinaryWeights,
} from './quant/index.js';
export { conv2dInfo, convWeightInfo, type Conv2DInfo, type Conv2DOptions, type ConvWeightInfo, type AutoPad, type ActivationLayout, type WeightLayout } from './descriptors/conv.js';
export type { QuantParams, Requantize } from './descriptors/output-stage.js';
export {
  conv2d, packConvWeights, planConv2dTiles, PackedConvWeights, IM2COL_TILE_BYTES, ACC_TILE_BYTES,
  type Conv2DParams, type Conv2DAlgorithm, type PackConvWeightsOptions, type Conv2DTilePlan,
} from './ops/conv2d.js';
export { packWeights, PackedWeights, PackedConvBlock, type ConvWeightGeometry, type PackOptions, type MatrixLayout } from './ops/packed.js';
export { matmul, ROW_TILE, type MatmulParams } from './ops/matmul.js';
export { dense, type DenseParams } from './ops/dense.js';
export type { AcceleratorParams, WithReport } from './ops/with-report.js';
export {
  resolveTargets, opReport, formatComparison,
  type AcceleratorOption, type AcceleratorTarget, type ArchPresetName, type OpAcceleratorReport, type AcceleratorComparisonRow,
} from './accel/op-report.js';
export * as accel from './accel/index.js';
export {
  simulate, simulateNetwork, networkTotals, convLayer, fcLayer, gemmLayer, resolveArch, DATAFLOWS, ARCH_SCHEMA, ARCH_PRESETS, REPORT_GLOSSARY, EYERISS_ENERGY_TABLE,
  parseTopology, toTopologyCsv, parseScaleSimConfig, computeReportCsv, bandwidthReportCsv, SchemaError, TopologyError,
  type AccelLayer, type ArchSpec, type ArchInput, type Dataflow, type ActionCounts, type Densities, type SimulationData, type EnergyTable, type LayerReport, type NetworkReport,
} from './accel/index.js';
export {
  conv2dZeroSkip, FEIE_ACC_BYTES, BLOCKSPARSE_MIN_MG, BLOCKSPARSE_TILE_BYTES, blockSparseTileRows,
  type Conv2DZeroSkipParams, type Conv2DZeroSkipResult, type ZeroSkipCounts, type ZeroSkipKernel,
} from './ops/conv2d-zeroskip.js';
export { packZeroSkipWeights, PackedZeroSkipWeights, type PackZeroSkipWeightsOptions } from './ops/conv2d-zeroskip.js';
export {
  conv2dAuto, activationDensity, ZERO_SKIP_CROSSOVER, zeroSkipCrossoverFor,
  type Conv2DAutoParams, type Conv2DAutoResult, type Conv2DChoice,
} from './ops/conv2d-auto.js';
export {
  feieLayer, feieSchedule, FEIE_DEFAULT_TILES, FEIE_SCHEDULE_MAX_CYCLES,
  type FeieArch, type FeieActivity, type FeieCost, type FeieReport,
  type FeieScheduleOptions, type FeieSchedule, type FeieScheduleCycle,
} from './accel/feie.js';
export { scheduleTable, formatFeieSchedule, feieScheduleSvg, type ScheduleTable, type ScheduleViewOptions } from './accel/schedule-view.js';
export { CsrMatrix, csrFromArrays, denseToCsr, csrToDense, type CsrArrays, type CsrDType, type DenseToCsrOptions } from './sparse/csr.js';
export {
  packCsrWeights, denseCsr, conv2dCsr, PackedCsrWeights, CSR_LANES, CSR_MAX_COLS, CSR_PANEL_COLS,
  type SparseCounts, type SparseResult, type SparseOptions, type DenseCsrParams, type Conv2DCsrParams,
} from './ops/sparse.js';
export {
  pruneMagnitude, pruneGlobal, pruneFilters, pruneNM, storageCost,
  type PrunableArray, type PruneResult, type MagnitudePruneOptions, type PruneLayer, type GlobalPruneResult,
  type FilterPruneOptions, type FilterPruneResult, type StorageCostOptions, type StorageCost,
} from './prune/index.js';
export {
  SEED_FP8_FP16_CHIP, BIT_WIDTHS, PRODUCT_PRECISION_SCALING, operandBits, macCost, type BitWidth, type PrecisionSpec, type PrecisionScaling,
} from './accel/index.js';
export {
  FEIE_ZASCAD, FEIE_ZASCAS, feieActivityOf, feieMapping, ROW_STATIONARY, RS_DEFAULT_PARAMS, rsMapping, type RsMapping, type RsParams,
} from './accel/index.js';
export {
  TOPOLOGIES, resolveTopology, topologyLayers, topologyData, topologyCsv, networkSummary, formatSummary, shortCount, groupedCount, SUMMARY_BYTES_PER_VALUE,
  type Topology, type TopologyLayer, type TopologyConv, type TopologyFc, type TopologyPool, type TopologyAdd, type TopologyPads, type ResolvedTopologyLayer,
  type NetworkSummary, type SummaryRow,
} from './nets/index.js';

export {
  packBits, packTernary, binaryGemm, binaryConv2d, PackedBits,
  type PackBitsOptions, type PackTernaryOptions, type BinaryOutputParams, type BinaryGemmParams, type BinaryConv2DParams,
} from './ops/binary.js';
export { WORD_BITS, OVERREAD_BYTES, wordsFor, wordsPerRow, type BitKind, type BinaryOutput } from './binary/conventions.js';
export {
  inferGraph, graphFromTopology, lenet5Graph, resnetBlocksGraph, GRAPH_OPS, SOFTMAX_QUANT, RESNET_BLOCKS_TOPOLOGY,
  runNetwork, calibrateGraph, prepareNetwork, PreparedNetwork,
  type Graph, type GraphNode, type GraphNodeBase, type GraphQuant, type GraphActivation, type ConvNode, type DenseNode, type PoolNode, type GlobalAvgPoolNode,
  type ReluNode, type ClampNode, type AddNode, type FlattenNode, type SoftmaxNode, type NodeInfo, type GraphInfo, type GraphFromTopologyOptions,
  type RunNetworkOptions, type NetworkRun, type LayerRun, type NetworkAcceleratorReport, type CalibrateGraphOptions,
  type PrepareNetworkOptions, type PreparedRunOptions, type PreparedLayerWeights,
} from './nets/index.js';
export {
  chooseKernel, CSR_CROSSOVER, FC_ZERO_SKIP_CROSSOVER,
  type KernelChoice, type KernelUse, type KernelSelection,
} from './ops/select.js';
export { AutoWeights, packAutoWeights, type PackAutoWeightsOptions } from './ops/auto-weights.js';
export { denseAuto, type DenseAutoParams, type DenseAutoResult } from './ops/dense-auto.js';
