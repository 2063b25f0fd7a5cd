/**
 * Systolic weight-, output- and input-stationary dataflows with SCALE-Sim v2 conventions
 * (Samajdar et al., "SCALE-Sim", arXiv:1811.02883; scale-sim-v2). Pure arithmetic: no per-cycle
 * matrices, so a whole network costs microseconds.
 *
 * Each conv layer is a GEMM over P = N*E*F output pixels, window K = R*S*C/groups and M/groups
 * filters, run once per group (groups one after another; a depthwise layer is C GEMMs of window
 * R*S, as SCALE-Sim's `DP` layers). For an R_a x C_a array:
 *
 * | dataflow | rows hold | cols hold | streamed (T) | cycles per fold |
 * |---|---|---|---|---|
 * | ws | window K | filters M/g | pixels P | 2*R_a + C_a + T - 2 |
 * | is | window K | pixels P | filters M/g | 2*R_a + C_a + T - 2 |
 * | os | pixels P | filters M/g | window K | R_a + C_a + T - 2 |
 *
 * folds = groups * ceil(rows/R_a) * ceil(cols/C_a); cycles = folds * perFold - 1 (SCALE-Sim's count).
 * @module
 */
import type { AccelLayer, ActionCounts, ArchSpec, Dataflow, Densities, LevelCounts, OperandCounts } from './types.js';
import { dramInterfaceWords, operandBits, sramOperands } from './precision.js';

/** The three systolic dataflows. */
export type SystolicKind = 'ws' | 'os' | 'is';

const zero = (): OperandCounts => ({ ifmap: 0, filter: 0, ofmap: 0 });
const level = (): LevelCounts => ({ reads: zero(), writes: zero() });

/** Sum over the folds of one dimension (n split into tiles of a) of f(used size). */
function foldSum(n: number, a: number, f: (used: number) => number): number {
  const folds = Math.ceil(n / a);
  return (folds - 1) * f(a) + f(n - (folds - 1) * a);
}
const tri = (u: number): number => (u * (u - 1)) / 2;

/** Shared assumptions of the three systolic models (printed in every report). */
export const SYSTOLIC_ASSUMPTIONS: readonly string[] = Object.freeze([
  'SCALE-Sim v2 conventions: layer lowered to a GEMM (im2col), folds run one after another, outputs of a fold drain before the next fold starts; cycles = folds x cycles per fold - 1.',
  'Groups (and depthwise layers) run as independent GEMMs one after another, like SCALE-Sim\'s DP layers split per channel.',
  'Dense array: no MAC is skipped; with arch.gating, MACs with a zero operand are clock-gated (energy saved, cycle kept), counted statistically as MACs x (1 - inputDensity x weightDensity) assuming independent zeros.',
  'SRAM (global buffer) reads at the array edge follow SCALE-Sim: the stationary operand is read once per fold, the streamed operands once per use; partial sums of a fold are written to the ofmap SRAM and read back for accumulation when the window spans several row folds (SCALE-Sim counts only the writes).',
  'DRAM: each SRAM is double-buffered and its working half holds one working set; compulsory traffic = ifmap (unpadded, N*H*W*C), filters, ofmap once; an operand re-swept by the outer fold loop (column folds outer, row folds inner, as SCALE-Sim) is re-fetched each sweep when it does not fit in half its SRAM; partial sums spill to DRAM when one column fold\'s outputs do not fit in half the ofmap SRAM. Halo overlap between pixel folds is not re-fetched.',
  'Stalls: none with dram.interface = "calc" (as SCALE-Sim CALC); with "user", stall = max(0, ceil(DRAM words / bandwidth) - compute cycles) (double buffering overlaps the rest). No SRAM bank conflicts.',
  'Inter-PE: one transfer per word per hop: streamed operands cross the used columns (rows), partial sums go down the used rows, stationary values shift into place (or outputs drain out, OS) through the PEs above them.',
  'Register file: each MAC reads the PE\'s stationary value (WS: weight, IS: input) or reads and writes its accumulator (OS); loading a stationary value is one write.',
]);

/** Per-dataflow extra assumptions. */
const KIND_NOTES: Record<SystolicKind, string> = {
  ws: 'Weight stationary: rows hold the window R*S*C/g, columns the filters, pixels stream in from the left edge; weights preload in R_a cycles per fold (cycles per fold 2*R_a + C_a + T - 2).',
  is: 'Input stationary: rows hold the window R*S*C/g, columns the output pixels, filters stream in from the left edge; inputs preload in R_a cycles per fold (cycles per fold 2*R_a + C_a + T - 2).',
  os: 'Output stationary: rows hold output pixels, columns the filters, the window streams in (inputs from the left, weights from the top); outputs drain after each fold (cycles per fold R_a + C_a + T - 2).',
};

/**
 * Action counts of one layer on a systolic array (see the module comment for the mapping).
 * Pure; all counts in words, cycles and PE-cycles.
 */
export function systolicCounts(kind: SystolicKind, layer: AccelLayer, arch: ArchSpec, d: Densities): ActionCounts {
  const Ra = arch.array.rows;
  const Ca = arch.array.cols;
  const pe = Ra * Ca;
  const g = layer.groups;
  const P = layer.N * layer.E * layer.F;
  const K = layer.K;
  const Mg = layer.Mg;
  const [rows, cols, T] = kind === 'ws' ? [K, Mg, P] : kind === 'is' ? [K, P, Mg] : [P, Mg, K];
  const rowFolds = Math.ceil(rows / Ra);
  const colFolds = Math.ceil(cols / Ca);
  const foldsG = rowFolds * colFolds;
  const folds = g * foldsG;
  const perFold = (kind === 'os' ? Ra : 2 * Ra) + Ca + T - 2;
  const overheadPerFold = perFold - T;
  // SCALE-Sim reports one cycle less than folds * perFold; a 1x1 OS array has no fill/drain to take it from.
  const computeCycles = folds * perFold - (folds * overheadPerFold >= 1 ? 1 : 0);
  const macs = g * rows * cols * T;

  // Global buffer (SRAM) traffic at the array edge, per group.
  const leftStream = T * rows * colFolds; // operand entering at the left edge, once per use
  const topStream = T * cols * rowFolds; // OS: weights from the top; WS/IS: psums leaving at the bottom
  const stationary = rows * cols; // preloaded once per fold position
  const psumReadBack = kind === 'os' ? 0 : T * cols * (rowFolds - 1);

  // DRAM (per group), see SYSTOLIC_ASSUMPTIONS.
  // Operands (of their own bit width, see precision.ts) in half of each double-buffered SRAM.
  const ob = operandBits(arch);
  const half = { ifmap: Math.floor(sramOperands(arch.sramKB.ifmap, ob.ifmap) / 2), filter: Math.floor(sramOperands(arch.sramKB.filter, ob.filter) / 2), ofmap: Math.floor(sramOperands(arch.sramKB.ofmap, ob.ofmap) / 2) };
  const IF = layer.N * layer.H * layer.W * layer.Cg;
  const FL = Mg * K;
  const OF = P * Mg;
  let dIf: number;
  let dFl: number;
  let ofSpill: boolean;
  if (kind === 'ws') {
    dIf = IF <= half.ifmap ? IF : IF * colFolds;
    dFl = FL;
    ofSpill = rowFolds > 1 && T * Math.min(Ca, cols) > half.ofmap;
  } else if (kind === 'is') {
    dIf = IF;
    dFl = FL <= half.filter ? FL : FL * colFolds;
    ofSpill = rowFolds > 1 && T * Math.min(Ca, cols) > half.ofmap;
  } else {
    dIf = IF <= half.ifmap ? IF : IF * colFolds;
    dFl = rowFolds === 1 || K * Math.min(Ca, cols) <= half.filter ? FL : FL * rowFolds;
    ofSpill = false;
  }
  const dOfW = ofSpill ? OF * rowFolds : OF;
  const dOfR = ofSpill ? OF * (rowFolds - 1) : 0;

  const levels = { dram: level(), globalBuffer: level(), interPE: level(), registerFile: level() };
  levels.dram.reads = { ifmap: g * dIf, filter: g * dFl, ofmap: g * dOfR };
  levels.dram.writes = { ifmap: 0, filter: 0, ofmap: g * dOfW };

  const gb = levels.globalBuffer;
  const hops = {
    left: T * (rows * cols - rows * colFolds),
    down: T * (rows * cols - cols * rowFolds),
    shift: cols * foldSum(rows, Ra, tri),
  };
  if (kind === 'ws') {
    gb.reads = { ifmap: leftStream, filter: stationary, ofmap: psumReadBack };
    gb.writes = { ifmap: 0, filter: 0, ofmap: topStream };
    levels.interPE.reads = { ifmap: hops.left, filter: hops.shift, ofmap: hops.down };
    levels.registerFile.reads = { ifmap: 0, filter: rows * cols * T, ofmap: 0 };
    levels.registerFile.writes = { ifmap: 0, filter: stationary, ofmap: 0 };
  } else if (kind === 'is') {
    gb.reads = { ifmap: stationary, filter: leftStream, ofmap: psumReadBack };
    gb.writes = { ifmap: 0, filter: 0, ofmap: topStream };
    levels.interPE.reads = { ifmap: hops.shift, filter: hops.left, ofmap: hops.down };
    levels.registerFile.reads = { ifmap: rows * cols * T, filter: 0, ofmap: 0 };
    levels.registerFile.writes = { ifmap: stationary, filter: 0, ofmap: 0 };
  } else {
    gb.reads = { ifmap: leftStream, filter: topStream, ofmap: 0 };
    gb.writes = { ifmap: 0, filter: 0, ofmap: stationary };
    levels.interPE.reads = { ifmap: hops.left, filter: hops.down, ofmap: hops.shift };
    levels.registerFile.reads = { ifmap: 0, filter: 0, ofmap: rows * cols * T };
    levels.registerFile.writes = { ifmap: 0, filter: 0, ofmap: rows * cols * T };
  }
  // Per group -> whole layer; then the DRAM <-> SRAM side of the global buffer (fills and drains).
  for (const lv of [gb, levels.interPE, levels.registerFile]) {
    for (const side of [lv.reads, lv.writes]) for (const k of ['ifmap', 'filter', 'ofmap'] as const) side[k] *= g;
  }
  gb.writes.ifmap += levels.dram.reads.ifmap;
  gb.writes.filter += levels.dram.reads.filter;
  gb.writes.ofmap += levels.dram.reads.ofmap;
  gb.reads.ofmap += levels.dram.writes.ofmap;

  let stallCycles = 0;
  if (arch.dram.interface === 'user') {
    const dramWords = dramInterfaceWords(arch, levels.dram.reads, levels.dram.writes);
    stallCycles = Math.max(0, Math.ceil(dramWords / arch.dram.bandwidth) - computeCycles);
  }
  const cycles = computeCycles + stallCycles;

  const gated = arch.gating ? Math.round(macs * (1 - d.input * d.weight)) : 0;
  const edges = g * (foldsG * pe - rows * cols) * T;
  const idle = stallCycles * pe;
  const busy = macs;
  const folding = pe * cycles - busy - edges - idle;

  return {
    cycles,
    stallCycles,
    peCount: pe,
    macs: { total: macs, executed: macs - gated, gated, skipped: 0 },
    peCycles: { busy, edges, folding, idle },
    mappingEfficiency: (rows * cols) / (foldsG * pe),
    // SCALE-Sim's per-fold compute-util denominator: WS/IS count C_a - 1 more drain cycles than the fold takes.
    computeUtilization: (rows * cols * T) / (foldsG * pe * (kind === 'os' ? perFold : perFold + Ca - 1)),
    levels,
    mapping: { groups: g, rows, cols, streamed: T, rowFolds, colFolds, folds, cyclesPerFold: perFold, computeCycles },
  };
}

function sum(c: OperandCounts): number {
  return c.ifmap + c.filter + c.ofmap;
}

const noParams = { type: 'object', additionalProperties: false, properties: {}, description: 'The systolic dataflows take no extra parameters.' } as const;

function systolic(kind: SystolicKind, title: string): Dataflow {
  return Object.freeze({
    name: kind,
    title,
    assumptions: Object.freeze([KIND_NOTES[kind], ...SYSTOLIC_ASSUMPTIONS]),
    paramsSchema: noParams,
    count: (layer: AccelLayer, arch: ArchSpec, d: Densities) => systolicCounts(kind, layer, arch, d),
  });
}

/** Systolic weight stationary (SCALE-Sim `ws`). */
export const SYSTOLIC_WS: Dataflow = systolic('ws', 'Systolic array, weight stationary (SCALE-Sim ws)');
/** Systolic output stationary (SCALE-Sim `os`). */
export const SYSTOLIC_OS: Dataflow = systolic('os', 'Systolic array, output stationary (SCALE-Sim os)');
/** Systolic input stationary (SCALE-Sim `is`). */
export const SYSTOLIC_IS: Dataflow = systolic('is', 'Systolic array, input stationary (SCALE-Sim is)');
