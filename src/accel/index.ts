/**
 * Accelerator models: `simulate(layer, arch, data?)` and `simulateNetwork`, the dataflow list,
 * the arch schema and glossary, energy tables, presets and SCALE-Sim I/O.
 * @module
 */
export type { AccelLayer, ArchSpec, ArchInput, DramSpec, SramSpec, Densities, SimulationData, OperandCounts, LevelCounts, ActionCounts, Dataflow, SchemaNode } from './types.js';
export { ARCH_SCHEMA, ARCH_SCHEMA_VERSION, SchemaError, resolveArch, validate, editDistance, nearest } from './schema.js';
export { DATAFLOWS } from './dataflows.js';
export { systolicCounts, SYSTOLIC_WS, SYSTOLIC_OS, SYSTOLIC_IS, SYSTOLIC_ASSUMPTIONS, type SystolicKind } from './systolic.js';
export { EYERISS_ENERGY_TABLE, type EnergyTable, type EnergyCosts } from './energy.js';
export { ARCH_PRESETS, SEED_FP8_FP16_CHIP } from './presets.js';
export {
  BIT_WIDTHS, PRODUCT_PRECISION_SCALING, operandBits, sramOperands, bitsOf, dramInterfaceWords, macCost,
  type BitWidth, type PrecisionSpec, type PrecisionScaling,
} from './precision.js';
export { FEIE_ZASCAD, FEIE_ZASCAS, FEIE_ASSUMPTIONS, feieCounts, feieMapping, feieActivityOf } from './feie-dataflow.js';
export { ROW_STATIONARY, RS_ASSUMPTIONS, RS_DEFAULT_PARAMS, rsMapping, rowStationaryCounts, type RsMapping, type RsParams } from './rowstationary.js';
export { REPORT_GLOSSARY, type GlossaryEntry } from './glossary.js';
export {
  simulate, simulateNetwork, networkTotals, convLayer, fcLayer, gemmLayer, resolveDensities, REPORT_SCHEMA_VERSION, OPS_PER_MAC,
  type LayerReport, type NetworkReport, type LevelReport, type EnergyBreakdown, type UtilizationReport, type RooflineReport, type SimulateOptions,
} from './simulate.js';
export {
  parseTopology, toTopologyCsv, parseScaleSimConfig, computeReportCsv, bandwidthReportCsv, TopologyError,
  CONV_TOPOLOGY_COLUMNS, GEMM_TOPOLOGY_COLUMNS, COMPUTE_REPORT_HEADER, BANDWIDTH_REPORT_HEADER, type ParseTopologyOptions,
} from './scalesim.js';
export {
  resolveTargets, opReport, formatComparison,
  type AcceleratorOption, type AcceleratorTarget, type ArchPresetName, type OpAcceleratorReport, type AcceleratorComparisonRow,
} from './op-report.js';
export { scheduleTable, formatFeieSchedule, feieScheduleSvg, type ScheduleTable, type ScheduleViewOptions } from './schedule-view.js';
