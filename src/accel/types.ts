/**
 * Types of the accelerator models (Timeloop / Accelergy style): the workload (`AccelLayer`), the
 * architecture (`ArchSpec`, plain JSON data) and a dataflow (a documented set of assumptions that
 * turns them into ACTION COUNTS). Costs (energy per action) are applied afterwards, from a
 * separate versioned table, so counts and costs never mix.
 * @module
 */
import type { Conv2DInfo } from '../descriptors/conv.js';
import type { FeieActivity } from './feie.js';
import type { PrecisionSpec } from './precision.js';

/**
 * One layer of a workload: the conv descriptor the kernels use plus a name. A fully connected
 * layer is a 1x1 conv on a 1x1 input; a GEMM (M, N, K) is a 1x1 conv over an M x 1 image with K
 * channels and N filters (see `fcLayer`, `gemmLayer`).
 */
export type AccelLayer = Conv2DInfo & {
  /** Layer name, used in reports and CSV output. */
  readonly name: string;
};

/** Off-chip memory interface of an architecture. */
export interface DramSpec {
  /** Sustained DRAM bandwidth in words per cycle (SCALE-Sim `Bandwidth`). */
  bandwidth: number;
  /**
   * `'calc'` (SCALE-Sim `InterfaceBandwidth: CALC`): the interface is assumed fast enough, no stall
   * cycles; `'user'`: the bandwidth is a hard limit and stalls appear when DRAM traffic needs more
   * cycles than compute (double buffering overlaps the rest).
   */
  interface: 'calc' | 'user';
}

/** On-chip SRAM (global buffer) sizes in kB (1 kB = 1024 bytes), one buffer per operand, as SCALE-Sim. */
export interface SramSpec {
  ifmap: number;
  filter: number;
  ofmap: number;
}

/**
 * An accelerator architecture, as DATA (plain JSON). Validated by `resolveArch` against
 * `ARCH_SCHEMA`; missing optional fields take the defaults documented in the schema.
 */
export interface ArchSpec {
  /** Version of this schema; currently 1. */
  schemaVersion: 1;
  /** Free-form name, echoed in reports. Default `'custom'`. */
  name: string;
  /** Key of the dataflow in `DATAFLOWS` (e.g. `'ws'`, `'os'`, `'is'`). */
  dataflow: string;
  /** PE array: rows (SCALE-Sim ArrayHeight) x cols (ArrayWidth). */
  array: { rows: number; cols: number };
  /** On-chip buffer sizes in kB per operand. */
  sramKB: SramSpec;
  /** Bytes per word (operand precision). Default 1 (SCALE-Sim's word size). */
  wordBytes: number;
  /**
   * Operand precision in bits (1, 2, 4, 8 or 16 per operand). Optional, no default: absent, every
   * operand is one word of `wordBytes` (the behaviour without precision). Present, traffic is
   * counted in bits, SRAMs hold operands of that width, and energy scales by the table's rule;
   * `wordBytes` stays the width of the off-chip interface word (`dram.bandwidth` unit).
   */
  precision?: PrecisionSpec;
  /** Clock in MHz, for latency and frames/s. Default 200. */
  clockMHz: number;
  /** Off-chip interface. Default `{ bandwidth: 10, interface: 'calc' }`. */
  dram: DramSpec;
  /** Zero-operand clock gating: MACs with a zero operand are gated (energy saved, cycle kept). Default false. */
  gating: boolean;
  /** Dataflow-specific parameters, validated by the dataflow's own `paramsSchema`. Default `{}`. */
  params: Record<string, unknown>;
}

/** An architecture as users write it: everything optional except what the schema requires. */
export type ArchInput = {
  schemaVersion: number;
  dataflow: string;
  array: { rows: number; cols: number };
  sramKB: SramSpec;
  name?: string;
  wordBytes?: number;
  precision?: PrecisionSpec;
  clockMHz?: number;
  dram?: Partial<DramSpec>;
  gating?: boolean;
  params?: Record<string, unknown>;
};

/** Fractions of NON-zero values, and where they came from. */
export interface Densities {
  /** Non-zero fraction of the input activations, 0..1. */
  input: number;
  /** Non-zero fraction of the weights, 0..1. */
  weight: number;
  /** `'default'`: dense (1.0) assumed; `'assumed'`: given by the caller; `'measured'`: counted from `data`. */
  source: 'default' | 'assumed' | 'measured';
}

/**
 * Optional data for `simulate`: densities, or the actual tensors (counted for their non-zeros).
 * Dataflows that skip zeros exactly (FEIE) read `input` with the layer geometry.
 */
export interface SimulationData {
  /** Non-zero fraction of the input activations (0..1), when the tensor is not given. */
  inputDensity?: number;
  /** Non-zero fraction of the weights (0..1), when the tensor is not given. */
  weightDensity?: number;
  /** The actual input, in the layer's activation layout (N*H*W*C values). */
  input?: ArrayLike<number>;
  /** Value that encodes real zero in `input` (quantised zero point). Default 0. */
  inputZeroPoint?: number;
  /** The actual weights (M*R*S*C/groups values). */
  weights?: ArrayLike<number>;
  /** Value that encodes real zero in `weights`. Default 0. */
  weightZeroPoint?: number;
  /**
   * Exact zero-skip counts already made by the kernel pass (conv2dZeroSkip): `{ rowNnz:
   * result.counts.rowNnz, macsExecuted: result.feie.zeroSkip.macs }`. Used by the FEIE dataflows
   * instead of re-counting `input`; the input density becomes `'measured'`.
   */
  activity?: FeieActivity;
}

/** Words per operand. `ofmap` includes partial sums. */
export interface OperandCounts {
  ifmap: number;
  filter: number;
  ofmap: number;
}

/** Reads and writes of one storage level, in words, per operand. */
export interface LevelCounts {
  reads: OperandCounts;
  writes: OperandCounts;
}

/**
 * What a dataflow returns: ACTION COUNTS only (no costs). All counts are for the whole layer
 * (all groups, the whole batch).
 */
export interface ActionCounts {
  /** Cycles including stalls. */
  cycles: number;
  /** Cycles the array waited for DRAM (0 unless the interface is bandwidth-limited). */
  stallCycles: number;
  /** Number of PEs (MAC units) of the array. */
  peCount: number;
  /** MACs: total = executed + gated + skipped. */
  macs: { total: number; executed: number; gated: number; skipped: number };
  /**
   * PE-cycles (peCount x cycles) split by what they did: `busy` (a MAC ran or was gated in it),
   * `edges` (PE unmapped because a fold only partly fills the array), `folding` (pipeline fill and
   * drain repeated per fold), `idle` (stalls, idle tiles). busy + edges + folding + idle = peCount x cycles.
   */
  peCycles: { busy: number; edges: number; folding: number; idle: number };
  /** Mapping efficiency (0..1): mapped PEs / PEs, averaged over folds. */
  mappingEfficiency: number;
  /** Compute utilisation (0..1): MAC slots used / PE-cycles of the folds, averaged over folds (no stalls), as the dataflow's reference tool defines it (SCALE-Sim for systolic). */
  computeUtilization: number;
  /** Per-level access counts. Inter-PE transfers (one word over one hop) are counted as `reads`; their `writes` are 0. */
  levels: { dram: LevelCounts; globalBuffer: LevelCounts; interPE: LevelCounts; registerFile: LevelCounts };
  /** Dataflow-specific mapping numbers (rows, cols, streamed, folds, ...). */
  mapping: Record<string, number>;
}

/**
 * A dataflow: a documented set of assumptions, i.e. a function from (layer, arch, densities) to
 * action counts. Every model (systolic, FEIE, Eyeriss RS, ...) implements this one interface and
 * is listed once in `DATAFLOWS`.
 */
export interface Dataflow {
  /** Key used in `ArchSpec.dataflow`. */
  readonly name: string;
  /** One line: what it is. */
  readonly title: string;
  /** The assumptions, as sentences (shown in every report). */
  readonly assumptions: readonly string[];
  /** JSON-schema-like description of `ArchSpec.params` for this dataflow (validated by `resolveArch`). */
  readonly paramsSchema: SchemaNode;
  /** Counts for one layer. Must be pure and must not mutate its arguments. */
  count(layer: AccelLayer, arch: ArchSpec, densities: Densities, data?: SimulationData): ActionCounts;
}

/** A JSON-schema-like node (the subset `validate` understands). */
export interface SchemaNode {
  type: 'object' | 'integer' | 'number' | 'string' | 'boolean';
  description?: string;
  /** Allowed values (strings). */
  enum?: readonly string[];
  /** Allowed values (numbers); a value outside gets the nearest allowed ones suggested. */
  values?: readonly number[];
  /** For numbers: inclusive minimum / exclusive minimum / inclusive maximum. */
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  /** A `const` value (e.g. schemaVersion). */
  const?: number | string;
  /** Default applied by the resolver when the field is absent. */
  default?: unknown;
  /** For objects: properties, required keys and whether unknown keys are refused. */
  properties?: Readonly<Record<string, SchemaNode>>;
  required?: readonly string[];
  additionalProperties?: boolean;
  /** Unit, shown in the generated documentation. */
  unit?: string;
}
