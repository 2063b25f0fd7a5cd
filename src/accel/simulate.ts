/**
 * `simulate(layer, arch, data?)`: a PURE function from a layer, an architecture (data) and optional
 * data/densities to a report: the dataflow's action counts, then time, utilisation, energy (counts x
 * a versioned table) and the roofline point. `simulateNetwork` sums layers.
 * @module
 */
import { conv2dInfo, type Conv2DOptions } from '../descriptors/conv.js';
import { ValueError, fmt } from '../errors.js';
import { DATAFLOWS } from './dataflows.js';
import { EYERISS_ENERGY_TABLE, type EnergyCosts, type EnergyTable } from './energy.js';
import { bitsOf, macCost, operandBits, precisionRuleOf, type PrecisionSpec } from './precision.js';
import { resolveArch, SchemaError } from './schema.js';
import type { AccelLayer, ActionCounts, ArchInput, ArchSpec, Densities, LevelCounts, OperandCounts, SimulationData } from './types.js';

/** Version of the report format (bumped when a field changes meaning). */
export const REPORT_SCHEMA_VERSION = 1;
/** Operations per MAC in the roofline (one multiply + one add). */
export const OPS_PER_MAC = 2;

/** Reads and writes of one level, in words and bytes, with the per-operand split. */
export interface LevelReport {
  reads: number;
  writes: number;
  readBytes: number;
  writeBytes: number;
  byOperand: LevelCounts;
  /**
   * Only when the arch sets `precision`: bits read / written (operands x their bit width); the
   * bytes above are then these packed, ceil(bits / 8).
   */
  bits?: { reads: number; writes: number };
}

/** Energy split by action class (one entry per cost in the energy table), in the table's unit. */
export type EnergyBreakdown = { [K in keyof EnergyCosts]: number };

/** Where the PE-cycles went, as fractions of peCount x cycles (they sum to 1 with `overall`). */
export interface UtilizationReport {
  /** MACs the PEs spend a cycle on (executed + gated; skipped MACs take none) / (cycles x PEs): the SCALE-Sim "Overall Util" (no dataflow of SCALE-Sim skips). At most 1. */
  overall: number;
  /** Dense-equivalent MACs (executed + gated + skipped) / (cycles x PEs): above 1 when zero skipping beats the dense peak. Equals `overall` when nothing is skipped. */
  effective: number;
  /** Mapped PEs / PEs, averaged over folds (SCALE-Sim "Mapping Efficiency"). Layer reports only; network: cycle-weighted mean. */
  mappingEfficiency: number;
  /** MAC slots used / PE-cycles of the folds, averaged over folds, no stalls (SCALE-Sim "Compute Util"). Network: cycle-weighted mean. */
  computeUtilization: number;
  /** Fractions of PE-cycles lost: edges (unmapped PEs in partial folds), folding (fill/drain per fold), idle (stalls, idle tiles); busy + lost = 1. */
  lost: { edges: number; folding: number; idle: number };
  /** Fraction of PE-cycles that ran or gated a MAC (equals `overall` unless MACs are skipped). */
  busy: number;
}

/** Roofline point of a layer or network. */
export interface RooflineReport {
  opsPerMac: number;
  /** Peak ops/s = 2 x PEs x clock. */
  peakOpsPerSecond: number;
  /** Off-chip bytes (DRAM reads + writes). */
  dramBytes: number;
  /** ops per off-chip byte = 2 x MACs / dramBytes. */
  arithmeticIntensity: number;
  /** DRAM bandwidth in bytes/s = words/cycle x wordBytes x clock. */
  bandwidthBytesPerSecond: number;
  /** min(peak, intensity x bandwidth). */
  attainableOpsPerSecond: number;
  /** 2 x MACs (dense-equivalent) / latency. */
  achievedOpsPerSecond: number;
  /** `'memory'` when intensity x bandwidth < peak, else `'compute'`. */
  bound: 'compute' | 'memory';
}

/** The report of one layer. Every field is described in `REPORT_GLOSSARY`. */
export interface LayerReport {
  schemaVersion: number;
  layer: { name: string; N: number; H: number; W: number; C: number; M: number; R: number; S: number; E: number; F: number; strides: [number, number]; groups: number; macs: number };
  /** `precision` only when the arch sets it. */
  arch: { name: string; dataflow: string; rows: number; cols: number; peCount: number; clockMHz: number; wordBytes: number; precision?: PrecisionSpec };
  dataflow: { name: string; title: string; assumptions: string[] };
  densities: Densities;
  cycles: { total: number; stall: number; compute: number };
  latencySeconds: number;
  framesPerSecond: number;
  utilization: UtilizationReport;
  macs: { total: number; executed: number; gated: number; skipped: number };
  accesses: { dram: LevelReport; globalBuffer: LevelReport; interPE: LevelReport; registerFile: LevelReport };
  energy: {
    table: { name: string; version: string; unit: string };
    /** Only when the arch sets `precision`: the table's precision scaling rule that was applied. */
    precisionRule?: { name: string; version: string };
    total: number;
    breakdown: EnergyBreakdown;
  };
  roofline: RooflineReport;
  mapping: Record<string, number>;
  /** PE-cycles by activity (busy + edges + folding + idle = peCount x cycles). */
  peCycles: { busy: number; edges: number; folding: number; idle: number };
}

/** The report of a network: the layers and their totals. */
export interface NetworkReport {
  schemaVersion: number;
  name: string;
  arch: LayerReport['arch'];
  dataflow: LayerReport['dataflow'];
  layers: LayerReport[];
  totals: Omit<LayerReport, 'schemaVersion' | 'layer' | 'arch' | 'dataflow' | 'densities' | 'mapping'>;
}

/** Options of `simulate` / `simulateNetwork`. */
export interface SimulateOptions {
  /** Energy-per-action table. Default `EYERISS_ENERGY_TABLE`. */
  energy?: EnergyTable;
}

const OP = 'simulate';
const LEVELS = ['dram', 'globalBuffer', 'interPE', 'registerFile'] as const;
const OPERANDS = ['ifmap', 'filter', 'ofmap'] as const;

/** Builds a conv layer for the models (same validation as the kernels' `conv2dInfo`). */
export function convLayer(name: string, xShape: readonly number[], wShape: readonly number[], options: Conv2DOptions = {}): AccelLayer {
  return { ...conv2dInfo(xShape, wShape, options, OP), name };
}

/** A fully connected layer: `inFeatures` -> `outFeatures` for `batch` rows (a 1x1 conv on a 1x1 input). */
export function fcLayer(name: string, inFeatures: number, outFeatures: number, batch = 1): AccelLayer {
  return convLayer(name, [batch, 1, 1, inFeatures], [outFeatures, 1, 1, inFeatures]);
}

/** A GEMM (M x K) x (K x N) (SCALE-Sim's `Layer, M, N, K`): a 1x1 conv with E*F = M pixels, C = K, N filters. */
export function gemmLayer(name: string, M: number, N: number, K: number): AccelLayer {
  return convLayer(name, [1, M, 1, K], [N, 1, 1, K]);
}

function checkDensity(v: unknown, path: string): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new SchemaError(OP, path, `${path} = ${fmt(v)} must be a number in [0, 1] (fraction of non-zero values).`, 'pass e.g. 0.4 for 60 % zeros.');
  return v;
}

function measure(x: ArrayLike<number>, zp: number): number {
  if (x.length === 0) return 1;
  let nz = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== zp) nz++;
  return nz / x.length;
}

/** Resolves the densities from `data`: measured tensors first, then given densities, else dense. */
export function resolveDensities(layer: AccelLayer, data?: SimulationData): Densities {
  if (data === undefined) return { input: 1, weight: 1, source: 'default' };
  if (data === null || typeof data !== 'object') throw new ValueError(OP, `data = ${fmt(data)} must be an object.`, 'pass { inputDensity, weightDensity } or { input, weights } or omit it.');
  let source: Densities['source'] = 'default';
  let input = 1;
  let weight = 1;
  if (data.inputDensity !== undefined) (input = checkDensity(data.inputDensity, 'data.inputDensity')), (source = 'assumed');
  if (data.weightDensity !== undefined) (weight = checkDensity(data.weightDensity, 'data.weightDensity')), (source = 'assumed');
  if (data.input !== undefined) {
    const n = layer.N * layer.H * layer.W * layer.C;
    if (data.input.length !== n) throw new SchemaError(OP, 'data.input', `data.input has ${fmt(data.input.length)} values but layer ${JSON.stringify(layer.name)} needs N*H*W*C = ${fmt(n)}.`, 'pass the layer\'s whole input.');
    input = measure(data.input, data.inputZeroPoint ?? 0);
    source = 'measured';
  }
  if (data.activity !== undefined) {
    const nnz = data.activity.rowNnz;
    const rows = layer.N * layer.H * layer.C;
    if (!(nnz instanceof Int32Array) || nnz.length !== rows) throw new SchemaError(OP, 'data.activity.rowNnz', `data.activity.rowNnz must be an Int32Array of N*H*C = ${fmt(rows)} counts for layer ${JSON.stringify(layer.name)}.`, 'pass result.counts.rowNnz of conv2dZeroSkip on this layer.');
    if (typeof data.activity.macsExecuted !== 'number' || !(data.activity.macsExecuted >= 0 && data.activity.macsExecuted <= layer.macs)) throw new SchemaError(OP, 'data.activity.macsExecuted', `data.activity.macsExecuted = ${fmt(data.activity.macsExecuted)} must be a number in [0, ${fmt(layer.macs)}].`, 'pass result.feie.zeroSkip.macs of conv2dZeroSkip on this layer.');
    if (data.input === undefined) {
      let nz = 0;
      for (let i = 0; i < nnz.length; i++) nz += nnz[i];
      input = nz / (layer.N * layer.H * layer.W * layer.C);
      source = 'measured';
    }
  }
  if (data.weights !== undefined) {
    const n = layer.M * layer.K;
    if (data.weights.length !== n) throw new SchemaError(OP, 'data.weights', `data.weights has ${fmt(data.weights.length)} values but layer ${JSON.stringify(layer.name)} needs M*R*S*C/groups = ${fmt(n)}.`, 'pass the layer\'s whole weight tensor.');
    weight = measure(data.weights, data.weightZeroPoint ?? 0);
    source = 'measured';
  }
  return { input, weight, source };
}

const total = (c: OperandCounts): number => c.ifmap + c.filter + c.ofmap;
const copyCounts = (c: OperandCounts): OperandCounts => ({ ifmap: c.ifmap, filter: c.filter, ofmap: c.ofmap });

function levelReport(lv: LevelCounts, arch: ArchSpec): LevelReport {
  const reads = total(lv.reads);
  const writes = total(lv.writes);
  const byOperand = { reads: copyCounts(lv.reads), writes: copyCounts(lv.writes) };
  if (arch.precision === undefined) {
    const wb = arch.wordBytes;
    return { reads, writes, readBytes: reads * wb, writeBytes: writes * wb, byOperand };
  }
  // Traffic in bits, reported packed: ceil per level and direction.
  const ob = operandBits(arch);
  const bits = { reads: bitsOf(lv.reads, ob), writes: bitsOf(lv.writes, ob) };
  return { reads, writes, readBytes: Math.ceil(bits.reads / 8), writeBytes: Math.ceil(bits.writes / 8), byOperand, bits };
}

function levelsReport(lv: Record<(typeof LEVELS)[number], LevelCounts>, arch: ArchSpec): LayerReport['accesses'] {
  return { dram: levelReport(lv.dram, arch), globalBuffer: levelReport(lv.globalBuffer, arch), interPE: levelReport(lv.interPE, arch), registerFile: levelReport(lv.registerFile, arch) };
}

/** Storage energy of one level with precision: each operand's accesses x cost x bits / referenceBits. */
function scaledLevel(lv: LevelReport, ob: OperandCounts, cost: number, ref: number): number {
  const r = lv.byOperand.reads;
  const w = lv.byOperand.writes;
  let e = 0;
  for (const k of OPERANDS) e += ((r[k] + w[k]) * cost * ob[k]) / ref;
  return e;
}

function energyOf(macs: ActionCounts['macs'], acc: LayerReport['accesses'], table: EnergyTable, arch: ArchSpec): LayerReport['energy'] {
  const c = table.costs;
  if (arch.precision !== undefined) {
    const rule = precisionRuleOf(table, OP);
    const ob = operandBits(arch);
    const ref = rule.referenceBits;
    const mac = macCost(table, rule, ob.filter, ob.ifmap);
    const gatedScale = c.mac > 0 ? mac / c.mac : 0;
    const breakdown: EnergyBreakdown = {
      mac: macs.executed * mac,
      gatedMac: macs.gated * c.gatedMac * gatedScale,
      registerFile: scaledLevel(acc.registerFile, ob, c.registerFile, ref),
      interPE: scaledLevel(acc.interPE, ob, c.interPE, ref),
      globalBuffer: scaledLevel(acc.globalBuffer, ob, c.globalBuffer, ref),
      dram: scaledLevel(acc.dram, ob, c.dram, ref),
    };
    const sum = breakdown.mac + breakdown.gatedMac + breakdown.registerFile + breakdown.interPE + breakdown.globalBuffer + breakdown.dram;
    return { table: { name: table.name, version: table.version, unit: table.unit }, precisionRule: { name: rule.name, version: rule.version }, total: sum, breakdown };
  }
  const breakdown: EnergyBreakdown = {
    mac: macs.executed * c.mac,
    gatedMac: macs.gated * c.gatedMac,
    registerFile: (acc.registerFile.reads + acc.registerFile.writes) * c.registerFile,
    interPE: (acc.interPE.reads + acc.interPE.writes) * c.interPE,
    globalBuffer: (acc.globalBuffer.reads + acc.globalBuffer.writes) * c.globalBuffer,
    dram: (acc.dram.reads + acc.dram.writes) * c.dram,
  };
  const sum = breakdown.mac + breakdown.gatedMac + breakdown.registerFile + breakdown.interPE + breakdown.globalBuffer + breakdown.dram;
  return { table: { name: table.name, version: table.version, unit: table.unit }, total: sum, breakdown };
}

function roofline(macs: number, cycles: number, dramBytes: number, arch: ArchSpec, peCount: number): RooflineReport {
  const hz = arch.clockMHz * 1e6;
  const peak = OPS_PER_MAC * peCount * hz;
  const bw = arch.dram.bandwidth * arch.wordBytes * hz;
  const ai = dramBytes > 0 ? (OPS_PER_MAC * macs) / dramBytes : Infinity;
  const memLimit = ai * bw;
  return {
    opsPerMac: OPS_PER_MAC,
    peakOpsPerSecond: peak,
    dramBytes,
    arithmeticIntensity: ai,
    bandwidthBytesPerSecond: bw,
    attainableOpsPerSecond: Math.min(peak, memLimit),
    achievedOpsPerSecond: cycles > 0 ? (OPS_PER_MAC * macs) / (cycles / hz) : 0,
    bound: memLimit < peak ? 'memory' : 'compute',
  };
}

function utilization(macs: ActionCounts['macs'], pc: ActionCounts['peCycles'], all: number, mappingEfficiency: number, computeUtilization: number): UtilizationReport {
  return {
    overall: all > 0 ? (macs.total - macs.skipped) / all : 0,
    effective: all > 0 ? macs.total / all : 0,
    mappingEfficiency,
    computeUtilization,
    lost: { edges: pc.edges / all, folding: pc.folding / all, idle: pc.idle / all },
    busy: pc.busy / all,
  };
}

function archSummary(arch: ArchSpec, peCount: number): LayerReport['arch'] {
  const s: LayerReport['arch'] = { name: arch.name, dataflow: arch.dataflow, rows: arch.array.rows, cols: arch.array.cols, peCount, clockMHz: arch.clockMHz, wordBytes: arch.wordBytes };
  if (arch.precision !== undefined) s.precision = { ...arch.precision };
  return s;
}

function checkLayer(layer: AccelLayer): void {
  if (layer === null || typeof layer !== 'object' || typeof layer.macs !== 'number' || typeof layer.K !== 'number') {
    throw new ValueError(OP, `layer = ${fmt(layer)} is not a conv descriptor.`, 'build it with convLayer(name, xShape, wShape, options), fcLayer, gemmLayer or conv2dInfo(...) plus a name.');
  }
}

function report(layer: AccelLayer, arch: ArchSpec, data: SimulationData | undefined, table: EnergyTable): LayerReport {
  checkLayer(layer);
  const df = DATAFLOWS[arch.dataflow];
  const densities = resolveDensities(layer, data);
  const c = df.count(layer, arch, densities, data);
  const accesses = levelsReport(c.levels, arch);
  const latencySeconds = c.cycles / (arch.clockMHz * 1e6);
  const all = c.peCount * c.cycles;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    layer: { name: String(layer.name ?? ''), N: layer.N, H: layer.H, W: layer.W, C: layer.C, M: layer.M, R: layer.R, S: layer.S, E: layer.E, F: layer.F, strides: [layer.strides[0], layer.strides[1]], groups: layer.groups, macs: layer.macs },
    arch: archSummary(arch, c.peCount),
    dataflow: { name: df.name, title: df.title, assumptions: [...df.assumptions] },
    densities,
    cycles: { total: c.cycles, stall: c.stallCycles, compute: c.cycles - c.stallCycles },
    latencySeconds,
    framesPerSecond: latencySeconds > 0 ? layer.N / latencySeconds : Infinity,
    utilization: utilization(c.macs, c.peCycles, all, c.mappingEfficiency, c.computeUtilization),
    macs: { ...c.macs },
    accesses,
    energy: energyOf(c.macs, accesses, table, arch),
    roofline: roofline(c.macs.total, c.cycles, accesses.dram.readBytes + accesses.dram.writeBytes, arch, c.peCount),
    mapping: { ...c.mapping },
    peCycles: { ...c.peCycles },
  };
}

/**
 * Models one layer on one architecture. PURE: the same inputs give a deep-equal report and no
 * argument is mutated.
 *
 * @param layer a conv descriptor with a name (`convLayer`, `fcLayer`, `gemmLayer`, or `conv2dInfo(...)` + name).
 * @param arch the architecture as data (validated by `resolveArch`; see `ARCH_SCHEMA`, `ARCH_PRESETS`).
 * @param data optional densities or actual tensors (for gating / zero-skipping counts). Without it the layer is dense and the report says `densities.source: 'default'`.
 * @param options `energy`: the energy table (default `EYERISS_ENERGY_TABLE`).
 *
 * @example
 * ```ts
 * const r = simulate(convLayer('conv1', [1, 56, 56, 64], [64, 3, 3, 64], { pads: 1 }), ARCH_PRESETS.scale);
 * r.cycles.total; r.utilization.overall; r.energy.total;
 * ```
 */
export function simulate(layer: AccelLayer, arch: ArchInput | ArchSpec, data?: SimulationData, options: SimulateOptions = {}): LayerReport {
  return report(layer, resolveArch(arch, OP), data, options.energy ?? EYERISS_ENERGY_TABLE);
}

function addLevel(a: LevelCounts, b: LevelCounts): void {
  for (const side of ['reads', 'writes'] as const) for (const k of OPERANDS) a[side][k] += b[side][k];
}

/**
 * Models a network (layers run one after another) and totals it: cycles, MACs, accesses and
 * energy are sums over layers; utilisation, roofline and frames/s are recomputed from the sums.
 *
 * @param layers the layers in execution order.
 * @param data optional per-layer data, same order (`undefined` entries = dense).
 */
export function simulateNetwork(name: string, layers: readonly AccelLayer[], arch: ArchInput | ArchSpec, data?: readonly (SimulationData | undefined)[], options: SimulateOptions = {}): NetworkReport {
  const a = resolveArch(arch, OP);
  const table = options.energy ?? EYERISS_ENERGY_TABLE;
  if (!Array.isArray(layers) || layers.length === 0) throw new ValueError(OP, `layers must be a non-empty array (got ${fmt(layers)}).`, 'pass the network\'s layers in execution order.');
  if (data !== undefined && (!Array.isArray(data) || data.length !== layers.length)) throw new ValueError(OP, `data must have one entry per layer (${layers.length}).`, 'pass undefined for layers without data.');
  return networkTotals(name, layers.map((l, i) => report(l, a, data?.[i], table)), a);
}

/**
 * Totals of layer reports already made with `simulate` on one architecture (same result as
 * `simulateNetwork` on the same layers): lets a caller stream layer reports as they finish and
 * total them without simulating twice.
 *
 * @param reports the layer reports in execution order (non-empty, all from `arch`).
 */
export function networkTotals(name: string, reports: readonly LayerReport[], arch: ArchInput | ArchSpec): NetworkReport {
  const a = resolveArch(arch, OP);
  if (!Array.isArray(reports) || reports.length === 0) throw new ValueError(OP, `reports must be a non-empty array (got ${fmt(reports)}).`, 'pass the layer reports of simulate() in execution order.');
  const table = reports[0].energy.table;
  const df = DATAFLOWS[a.dataflow];
  const peCount = reports[0].arch.peCount;
  const cycles = { total: 0, stall: 0, compute: 0 };
  const macs = { total: 0, executed: 0, gated: 0, skipped: 0 };
  const pc = { busy: 0, edges: 0, folding: 0, idle: 0 };
  const lv = Object.fromEntries(LEVELS.map((k) => [k, { reads: { ifmap: 0, filter: 0, ofmap: 0 }, writes: { ifmap: 0, filter: 0, ofmap: 0 } }])) as Record<(typeof LEVELS)[number], LevelCounts>;
  let mapW = 0;
  let compW = 0;
  let frames = Infinity;
  for (const r of reports) {
    for (const k of ['total', 'stall', 'compute'] as const) cycles[k] += r.cycles[k];
    for (const k of ['total', 'executed', 'gated', 'skipped'] as const) macs[k] += r.macs[k];
    for (const k of ['busy', 'edges', 'folding', 'idle'] as const) pc[k] += r.peCycles[k];
    for (const k of LEVELS) addLevel(lv[k], r.accesses[k].byOperand);
    mapW += r.utilization.mappingEfficiency * r.cycles.total;
    compW += r.utilization.computeUtilization * r.cycles.total;
    frames = Math.min(frames, r.layer.N);
  }
  const accesses = levelsReport(lv, a);
  const energy: LayerReport['energy'] = { table: { ...table }, total: 0, breakdown: { mac: 0, gatedMac: 0, registerFile: 0, interPE: 0, globalBuffer: 0, dram: 0 } as EnergyBreakdown };
  if (reports[0].energy.precisionRule !== undefined) energy.precisionRule = { ...reports[0].energy.precisionRule };
  for (const r of reports) {
    for (const k of Object.keys(energy.breakdown) as (keyof EnergyBreakdown)[]) energy.breakdown[k] += r.energy.breakdown[k];
    energy.total += r.energy.total;
  }
  const latencySeconds = cycles.total / (a.clockMHz * 1e6);
  const all = peCount * cycles.total;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    name,
    arch: archSummary(a, peCount),
    dataflow: { name: df.name, title: df.title, assumptions: [...df.assumptions] },
    layers: [...reports],
    totals: {
      cycles,
      latencySeconds,
      framesPerSecond: latencySeconds > 0 ? frames / latencySeconds : Infinity,
      utilization: utilization(macs, pc, all, cycles.total > 0 ? mapW / cycles.total : 0, cycles.total > 0 ? compW / cycles.total : 0),
      macs,
      accesses,
      energy,
      roofline: roofline(macs.total, cycles.total, accesses.dram.readBytes + accesses.dram.writeBytes, a, peCount),
      peCycles: pc,
    },
  };
}
