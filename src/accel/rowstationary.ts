/**
 * Eyeriss row stationary (RS) dataflow: Y.-H. Chen, J. Emer, V. Sze, "Eyeriss: A Spatial
 * Architecture for Energy-Efficient Dataflow for Convolutional Neural Networks", ISCA 2016, and
 * Y.-H. Chen, T. Krishna, J. Emer, V. Sze, "Eyeriss: An Energy-Efficient Reconfigurable
 * Accelerator for Deep Convolutional Neural Networks", JSSC 52(1), 2017.
 *
 * Each PE runs a 1-D convolution: one filter row (S weights, kept in the filter spad) slides over
 * one ifmap row and produces one row of F partial sums. A logical PE set of R x E PEs (filter rows x
 * output rows) computes one 2-D convolution: filter rows are reused horizontally, ifmap rows
 * diagonally, partial sums accumulate vertically. The set is placed on the physical array as in
 * the papers: it fits as is (and is replicated), or it is folded into column segments stacked
 * vertically (AlexNet CONV2: 5 x 27 on 10 x 14), or its output rows are strip-mined (CONV1:
 * 11 x 55 as 11 x 7 strips, two sets side by side). Analytical counts only, no per-cycle state.
 * @module
 */
import { UnsupportedError } from '../errors.js';
import type { AccelLayer, ActionCounts, ArchSpec, Dataflow, Densities, LevelCounts, OperandCounts, SchemaNode } from './types.js';
import { dramInterfaceWords, operandBits, sramOperands } from './precision.js';

const zero = (): OperandCounts => ({ ifmap: 0, filter: 0, ofmap: 0 });
const level = (): LevelCounts => ({ reads: zero(), writes: zero() });
const sum = (c: OperandCounts): number => c.ifmap + c.filter + c.ofmap;

/** PE scratchpad sizes in words (Eyeriss: filter 224, ifmap 12, psum 24 words of 16 bits). */
export interface RsParams {
  filterSpadWords: number;
  ifmapSpadWords: number;
  psumSpadWords: number;
}

/** How a layer is placed on the array (see {@link rsMapping}). */
export interface RsMapping {
  /** `'fit'`: the R x E set fits; `'fold'`: E split into column segments stacked vertically; `'strip'`: E strip-mined into strips of `setCols` output rows. */
  mode: 'fit' | 'fold' | 'strip';
  /** The logical PE set: filter rows x output rows (R x E). */
  logical: [number, number];
  /** The physical PE set: rows (filter rows per chunk) x columns (output rows handled at once). */
  set: [number, number];
  /** Filter rows split into chunks when R exceeds the array rows (1 otherwise). */
  rowChunks: number;
  /** Column segments of a folded set (1 unless mode is 'fold'). */
  segments: number;
  /** Strips of output rows (1 unless mode is 'strip'). */
  strips: number;
  /** Copies of the set placed on the array at once. */
  sets: number;
  /** PEs doing work when every set is busy: sets x set rows x set columns. */
  activePEs: number;
  /** Filters (p) and channels (q) interleaved in one PE, bounded by the spads. */
  filtersPerPE: number;
  channelsPerPE: number;
}

/** Defaults of {@link RsParams}: the Eyeriss chip's spads (JSSC 2017). */
export const RS_DEFAULT_PARAMS: Readonly<RsParams> = Object.freeze({ filterSpadWords: 224, ifmapSpadWords: 12, psumSpadWords: 24 });

const RS_PARAMS: SchemaNode = {
  type: 'object',
  additionalProperties: false,
  description: 'Row-stationary PE scratchpads, in words (arch.wordBytes each).',
  properties: {
    filterSpadWords: { type: 'integer', minimum: 1, default: RS_DEFAULT_PARAMS.filterSpadWords, unit: 'words', description: 'Filter spad per PE (Eyeriss: 224 x 16 b).' },
    ifmapSpadWords: { type: 'integer', minimum: 1, default: RS_DEFAULT_PARAMS.ifmapSpadWords, unit: 'words', description: 'Ifmap spad per PE (Eyeriss: 12 x 16 b).' },
    psumSpadWords: { type: 'integer', minimum: 1, default: RS_DEFAULT_PARAMS.psumSpadWords, unit: 'words', description: 'Psum spad per PE (Eyeriss: 24 x 16 b).' },
  },
};

/** The assumptions of the RS model (printed in every report). */
export const RS_ASSUMPTIONS: readonly string[] = Object.freeze([
  'Eyeriss row stationary (Chen et al., ISCA 2016 and JSSC 2017): a PE does one 1-D row convolution (one filter row, one ifmap row, F psums) at one MAC per cycle; a logical PE set of R x E PEs (filter rows x output rows) does one 2-D convolution; filter rows are reused horizontally, ifmap rows diagonally, psums accumulate vertically.',
  'Placement (our rule, chosen to reproduce the published AlexNet mapping 11x7 x2, 5x27, 3x13 x4): if E <= array columns the R x E set fits; else if ceil(E / columns) segments of R rows stacked vertically fit in the array rows, the set is folded (CONV2: 5 x 27 on 10 x 14); else E is strip-mined into ceil(E / floor(columns / 2)) balanced strips (CONV1: 55 -> 8 strips of <= 7) so that at least two sets sit side by side. The set is then replicated floor(rows / set rows) x floor(columns / set columns) times. Filter heights above the array rows are split into row chunks whose psums add in the global buffer.',
  'Replicated sets run independent 2-D convolutions (any image, filter, channel, strip or row chunk) in lock step: cycles = ceil(N x M x C/groups x strips x row chunks / sets) x F x S. No NoC, configuration or DRAM-latency cycles are modelled; PEs outside the placed sets count as "edges", sets without work in the last round as "idle".',
  'Spads: a PE interleaves q = min(C/groups, floor(ifmapSpad / S)) channels and p = min(M/groups, psumSpad, floor(filterSpad / (q x S))) filters (at least 1 each). Each MAC reads one filter, one ifmap and one psum spad word and writes one psum word. Gating (arch.gating) gates MACs statistically, MACs x (1 - inputDensity x weightDensity), as Eyeriss gates zero ifmaps; it saves MAC energy only.',
  'Ifmap: each ifmap row a PE needs is loaded into its spad once per group of p filters (register-file writes); the global buffer is read once per distinct row of a set (rows shared along the diagonal are multicast; the extra deliveries are inter-PE). Row width = F x S - (F - 1) x max(0, S - stride), padding included.',
  'Filters: each filter row is read from the global buffer once per 2-D convolution unit and multicast to the set\'s columns (deliveries beyond the first are inter-PE); no filter reuse across images is assumed.',
  'Psums: a PE accumulates its q channels locally; a psum moves up the set one hop per filter row (inter-PE) and leaves the top into the global buffer, which accumulates channel groups and row chunks (one read and one write per later contribution).',
  'DRAM: compulsory ifmap N*H*W*C, filters and ofmap once. Filter groups (p filters) are the outer loop: a group\'s whole-batch ifmap (N*H*W*C/groups) is re-read for every filter group when it does not fit in sramKB.ifmap; filters are re-read for every image when p filters (p x R x S x C/groups) do not fit in sramKB.filter; psums spill to DRAM when p output planes (p x E x F) do not fit in sramKB.ofmap. The buffer partitions are not double-buffered. Dilation is not supported (Eyeriss has none).',
  'Stalls: none with dram.interface "calc"; with "user", stall = max(0, ceil(DRAM words / bandwidth) - compute cycles).',
]);

/**
 * The placement of a layer on an RS array of `rows` x `cols` PEs (see RS_ASSUMPTIONS). Pure; used
 * by the model and by tests (AlexNet CONV1-5 on 12 x 14: 11x7 x2, 5x27, 3x13 x4).
 */
export function rsMapping(layer: AccelLayer, rows: number, cols: number, params: RsParams = RS_DEFAULT_PARAMS): RsMapping {
  const { R, S, E, Cg, Mg } = layer;
  const rowChunks = Math.ceil(R / rows);
  const Rs = Math.ceil(R / rowChunks);
  let mode: RsMapping['mode'];
  let setCols: number;
  let segments = 1;
  let strips = 1;
  let sets: number;
  if (E <= cols) {
    mode = 'fit';
    setCols = E;
    sets = Math.floor(rows / Rs) * Math.floor(cols / E);
  } else if (Math.ceil(E / cols) * Rs <= rows) {
    mode = 'fold';
    setCols = E;
    segments = Math.ceil(E / cols);
    sets = Math.floor(rows / (segments * Rs));
  } else {
    mode = 'strip';
    setCols = Math.ceil(E / Math.ceil(E / Math.max(1, Math.floor(cols / 2))));
    strips = Math.ceil(E / setCols);
    sets = Math.floor(rows / Rs) * Math.floor(cols / setCols);
  }
  const q = Math.max(1, Math.min(Cg, Math.floor(params.ifmapSpadWords / S)));
  const p = Math.max(1, Math.min(Mg, params.psumSpadWords, Math.floor(params.filterSpadWords / (q * S))));
  return { mode, logical: [R, E], set: [Rs, setCols], rowChunks, segments, strips, sets, activePEs: sets * Rs * setCols, filtersPerPE: p, channelsPerPE: q };
}

/** Action counts of one layer on the RS array. Pure. */
export function rowStationaryCounts(layer: AccelLayer, arch: ArchSpec, d: Densities): ActionCounts {
  if (layer.dilations[0] !== 1 || layer.dilations[1] !== 1) {
    throw new UnsupportedError('simulate', `layer ${JSON.stringify(layer.name)} is dilated ${JSON.stringify(layer.dilations)}; the row-stationary model has no dilation (Eyeriss has none).`, 'simulate it with another dataflow, or an equivalent undilated layer.');
  }
  const params = { ...RS_DEFAULT_PARAMS, ...(arch.params as Partial<RsParams>) };
  const { rows, cols } = arch.array;
  const pe = rows * cols;
  const m = rsMapping(layer, rows, cols, params);
  const { N, M, R, S, E, F, Cg, Mg, groups, K } = layer;
  const [U, Uw] = layer.strides;
  const [Rs, eSet] = m.set;
  const p = m.filtersPerPE;
  const q = m.channelsPerPE;

  const units = N * M * Cg * m.strips * m.rowChunks;
  const perUnit = F * S;
  const rounds = Math.ceil(units / m.sets);
  const compute = rounds * perUnit;
  const macs = layer.macs;

  // Strip widths and row-chunk heights: distinct ifmap rows a set reads per unit, summed.
  const stripW = (i: number): number => (i < m.strips - 1 ? eSet : E - (m.strips - 1) * eSet);
  const chunkH = (j: number): number => (j < m.rowChunks - 1 ? Rs : R - (m.rowChunks - 1) * Rs);
  let distinctRows = 0;
  for (let i = 0; i < m.strips; i++) for (let j = 0; j < m.rowChunks; j++) {
    const e = stripW(i);
    const r = chunkH(j);
    distinctRows += e * r - (e - 1) * Math.max(0, r - U);
  }
  const rowWidth = F * S - (F - 1) * Math.max(0, S - Uw);
  const ifmapPasses = N * groups * Cg * Math.ceil(Mg / p);
  const gbIfmap = ifmapPasses * distinctRows * rowWidth;
  const rfIfmapW = ifmapPasses * R * E * rowWidth;
  const gbFilter = N * M * Cg * m.strips * R * S;
  const rfFilterW = N * M * Cg * R * S * E;
  const OF = N * M * E * F;
  const chanGroups = Math.ceil(Cg / q);
  const psumOut = OF * chanGroups * m.rowChunks;
  const psumHops = OF * chanGroups * (R - m.rowChunks);

  const ob = operandBits(arch); // operands of their own bit width fit the buffers (precision.ts)
  const IFg = N * layer.H * layer.W * Cg;
  const dIf = groups * (IFg <= sramOperands(arch.sramKB.ifmap, ob.ifmap) ? IFg : IFg * Math.ceil(Mg / p));
  const FL = M * K;
  const dFl = Math.min(p, Mg) * K <= sramOperands(arch.sramKB.filter, ob.filter) ? FL : FL * N;
  const spill = Math.min(p, Mg) * E * F > sramOperands(arch.sramKB.ofmap, ob.ofmap);

  const levels = { dram: level(), globalBuffer: level(), interPE: level(), registerFile: level() };
  levels.dram.reads = { ifmap: dIf, filter: dFl, ofmap: spill ? psumOut - OF : 0 };
  levels.dram.writes = { ifmap: 0, filter: 0, ofmap: spill ? psumOut : OF };
  const gb = levels.globalBuffer;
  gb.reads = { ifmap: gbIfmap, filter: gbFilter, ofmap: psumOut - OF + levels.dram.writes.ofmap };
  gb.writes = { ifmap: dIf, filter: dFl, ofmap: psumOut + levels.dram.reads.ofmap };
  levels.interPE.reads = { ifmap: rfIfmapW - gbIfmap, filter: rfFilterW - gbFilter, ofmap: psumHops };
  levels.registerFile.reads = { ifmap: macs, filter: macs, ofmap: macs };
  levels.registerFile.writes = { ifmap: rfIfmapW, filter: rfFilterW, ofmap: macs };

  let stall = 0;
  if (arch.dram.interface === 'user') stall = Math.max(0, Math.ceil(dramInterfaceWords(arch, levels.dram.reads, levels.dram.writes) / arch.dram.bandwidth) - compute);
  const cycles = compute + stall;
  const setPEs = Rs * eSet;
  const edges = (pe - m.activePEs) * compute + (units * setPEs * perUnit - macs);
  const idle = (rounds * m.sets - units) * setPEs * perUnit + stall * pe;
  const gated = arch.gating ? Math.round(macs * (1 - d.input * d.weight)) : 0;
  return {
    cycles,
    stallCycles: stall,
    peCount: pe,
    macs: { total: macs, executed: macs - gated, gated, skipped: 0 },
    peCycles: { busy: macs, edges, folding: pe * cycles - macs - edges - idle, idle },
    mappingEfficiency: m.activePEs / pe,
    computeUtilization: macs / (pe * compute),
    levels,
    mapping: {
      setRows: Rs, setCols: eSet, logicalRows: R, logicalCols: E, rowChunks: m.rowChunks, segments: m.segments, strips: m.strips,
      sets: m.sets, activePEs: m.activePEs, filtersPerPE: p, channelsPerPE: q, units, rounds, cyclesPerRound: perUnit,
    },
  };
}

/** Eyeriss row stationary (`rs`). */
export const ROW_STATIONARY: Dataflow = Object.freeze({
  name: 'rs',
  title: 'Eyeriss row stationary (Chen et al., ISCA 2016 / JSSC 2017): PE sets of R x E, strip-mined and replicated',
  assumptions: RS_ASSUMPTIONS,
  paramsSchema: RS_PARAMS,
  count: (layer: AccelLayer, arch: ArchSpec, d: Densities) => rowStationaryCounts(layer, arch, d),
});
