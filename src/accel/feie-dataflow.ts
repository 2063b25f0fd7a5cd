/**
 * FEIE / ZASCA as dataflows of `simulate`: `zascad` (dense) and `zascas` (zero-skipping). The
 * cycle, MAC and buffer counts come from {@link feieLayer} (the layer-level model of
 * notes/domain.md section 1); this file only maps the array onto it, supplies the activity (from
 * the actual data, from conv2dZeroSkip's counts, or from assumed densities) and adds the levels
 * feieLayer does not count (register file, inter-PE, DRAM).
 *
 * OUR GENERALISATION of the seed's 1-D dataflow, not the paper's tables (Ardakani, Condo, Gross,
 * IEEE Trans. Computers 2020): the array is `arch.array.rows` tiles of `arch.array.cols` PEs, all
 * configurable.
 * @module
 */
import type { Conv2DInfo } from '../descriptors/conv.js';
import { UnsupportedError, fmt } from '../errors.js';
import { feieLayer, type FeieActivity, type FeieCost } from './feie.js';
import type { AccelLayer, ActionCounts, ArchSpec, Dataflow, Densities, LevelCounts, OperandCounts, SchemaNode, SimulationData } from './types.js';
import { dramInterfaceWords, operandBits, sramOperands } from './precision.js';

const zero = (): OperandCounts => ({ ifmap: 0, filter: 0, ofmap: 0 });
const level = (): LevelCounts => ({ reads: zero(), writes: zero() });
const sum = (c: OperandCounts): number => c.ifmap + c.filter + c.ofmap;

/** Assumptions shared by `zascad` and `zascas` (printed in every report). */
export const FEIE_ASSUMPTIONS: readonly string[] = Object.freeze([
  'FEIE / ZASCA (Ardakani, Condo, Gross, IEEE Trans. Computers 2020; the seed tutorial\'s FEIE slides): OUR layer-level generalisation of the seed\'s 1-D time-multiplexed dataflow (notes/domain.md section 1), not the paper\'s tables; every architectural number is configurable.',
  'The array is arch.array.rows physical tiles of arch.array.cols PEs. A layer needs P = ceil(((S - 1) x dilation + 1) / stride) PEs per filter; a physical tile hosts floor(cols / P) logical tiles (when P <= cols), or a logical tile spans ceil(P / cols) physical tiles (when P > cols); G = logical tiles work on G filters in parallel, all sharing the broadcast pixel (mapping.logicalTiles). PEs outside logical tiles count as "edges".',
  'Cycles, MACs, input, weight and partial-sum buffer traffic are feieLayer\'s: dense cycles = N x groups x ceil(Mg / G) x E x R x Cg x W_padded; zero-skip cycles = ceil(Mg / G) x the non-zero inputs of the streamed rows (padding is skipped too). One pixel per cycle is read from the global buffer and broadcast.',
  'Zero-skip activity: exact when data.input (the layer\'s input) or data.activity (rowNnz and macsExecuted from conv2dZeroSkip) is given; otherwise every input row is assumed to hold ceil(inputDensity x W) non-zeros and round(real-pixel MACs x inputDensity) MACs to meet a non-zero input (densities.source says which).',
  'Register file: every MAC done (executed or gated) reads its weight from the PE\'s shift register and reads and writes its accumulator; the broadcast pixel is not stored. Inter-PE: each MAC\'s weight arrives over one shift-register hop.',
  'DRAM: compulsory traffic (ifmap N*H*W*C, filters, ofmap) once; each on-chip buffer is double-buffered (half holds the working set). A group\'s input is re-fetched for every pass over the filters when it does not fit in half the ifmap buffer; a pass\'s filters (G x R x S x Cg) are re-fetched for every output row when they do not fit in half the filter buffer; partial sums spill to DRAM when one output row of a pass (G x F) does not fit in half the ofmap buffer. Zero skipping does not change off-chip traffic.',
  'Gating (arch.gating): ZASCAD gates every MAC whose input or weight is zero (padding included); ZASCAS gates the executed MACs with a zero weight (statistically, weightDensity). Gating saves MAC energy, not cycles; skipping saves both.',
  'Stalls: none with dram.interface "calc"; with "user", stall = max(0, ceil(DRAM words / bandwidth) - compute cycles). The off-chip bus width in bytes is dram.bandwidth x wordBytes (the tutorial: a 64-bit interface).',
  'PE-cycles: "idle" = tiles without a filter in the last pass over the filters (and stalls); "folding" = mapped PEs with no MAC to do (row ends, skipped zeros in their window).',
]);

/** Params of the FEIE dataflows: none yet (tiles and PEs per tile are arch.array). */
const FEIE_PARAMS: SchemaNode = {
  type: 'object',
  additionalProperties: false,
  properties: {},
  description: 'The FEIE dataflows take their size from arch.array (rows = tiles, cols = PEs per tile), clock from arch.clockMHz, bus width from arch.dram.bandwidth x arch.wordBytes and buffers from arch.sramKB; no extra parameters.',
};

/** Per-row hit counts: how many (output, kernel tap) pairs read input index i along one axis. */
function hits(n: number, out: number, taps: number, stride: number, dil: number, pad: number): Float64Array {
  const h = new Float64Array(n);
  for (let o = 0; o < out; o++) for (let t = 0; t < taps; t++) {
    const i = o * stride + t * dil - pad;
    if (i >= 0 && i < n) h[i]++;
  }
  return h;
}

/**
 * The zero-skip activity (feieLayer's input) of `info` for the actual input `x` (N*H*W*C values in
 * the layer's layout; `zp` encodes zero): per-(image, row, channel) non-zeros and the MACs that meet
 * a non-zero input. One pass over x (the MAC count is separable: hits per row x hits per column).
 */
export function feieActivityOf(info: Conv2DInfo, x: ArrayLike<number>, zp = 0): FeieActivity {
  const { N, H, W, C, E, F, R, S, Mg } = info;
  const rh = hits(H, E, R, info.strides[0], info.dilations[0], info.pads[0]);
  const ch = hits(W, F, S, info.strides[1], info.dilations[1], info.pads[1]);
  const rowNnz = new Int32Array(N * H * C);
  const nchw = info.layout === 'NCHW';
  let macs = 0;
  for (let n = 0; n < N; n++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let c = 0; c < C; c++) {
    const v = nchw ? x[((n * C + c) * H + h) * W + w] : x[((n * H + h) * W + w) * C + c];
    if (v === zp) continue;
    rowNnz[(n * H + h) * C + c]++;
    macs += rh[h] * ch[w];
  }
  return { rowNnz, macsExecuted: macs * Mg };
}

/** MACs whose input is a real pixel (not padding): separable, like {@link feieActivityOf}. */
function realMacs(info: Conv2DInfo): number {
  const rh = hits(info.H, info.E, info.R, info.strides[0], info.dilations[0], info.pads[0]);
  const ch = hits(info.W, info.F, info.S, info.strides[1], info.dilations[1], info.pads[1]);
  const a = rh.reduce((s, v) => s + v, 0);
  const b = ch.reduce((s, v) => s + v, 0);
  return info.N * info.M * info.Cg * a * b;
}

/** Activity assumed from a density: ceil(density x W) non-zeros per row (ceil: never fewer cycles than the MACs need). */
function assumedActivity(info: Conv2DInfo, density: number): FeieActivity {
  const rowNnz = new Int32Array(info.N * info.H * info.C).fill(Math.ceil(density * info.W));
  return { rowNnz, macsExecuted: Math.round(realMacs(info) * density) };
}

function activityFor(layer: AccelLayer, d: Densities, data: SimulationData | undefined): FeieActivity {
  if (data?.activity !== undefined) return data.activity;
  if (data?.input !== undefined) return feieActivityOf(layer, data.input, data.inputZeroPoint ?? 0);
  return assumedActivity(layer, d.input);
}

/** Logical tiles G and PEs per filter P of a layer on the array (see FEIE_ASSUMPTIONS). */
export function feieMapping(layer: AccelLayer, arch: ArchSpec): { tiles: number; pes: number } {
  const effS = (layer.S - 1) * layer.dilations[1] + 1;
  const P = Math.ceil(effS / layer.strides[1]);
  const { rows, cols } = arch.array;
  const tiles = P <= cols ? rows * Math.floor(cols / P) : Math.floor(rows / Math.ceil(P / cols));
  if (tiles < 1) {
    throw new UnsupportedError('simulate', `layer ${JSON.stringify(layer.name)} needs P = ${fmt(P)} PEs per filter but the ${rows} x ${cols} FEIE array has ${fmt(rows * cols)} PEs.`, `use at least ${Math.ceil(P / cols)} tiles (arch.array.rows) or ${P} PEs per tile (arch.array.cols).`);
  }
  return { tiles, pes: P };
}

/** Action counts of one layer on FEIE, dense (`skip` false) or zero-skipping. */
export function feieCounts(skip: boolean, layer: AccelLayer, arch: ArchSpec, d: Densities, data?: SimulationData): ActionCounts {
  const { tiles: G, pes: P } = feieMapping(layer, arch);
  const pe = arch.array.rows * arch.array.cols;
  const needActivity = skip || arch.gating;
  const act = needActivity ? activityFor(layer, d, data) : undefined;
  const rep = feieLayer(layer, { tiles: G }, skip ? act : undefined);
  const cost: FeieCost = skip ? rep.zeroSkip! : rep.dense;
  const { N, M, Mg, E, F, R, S, Cg, groups, K } = layer;
  const passes = Math.ceil(Mg / G);
  const compute = cost.cycles;

  const total = layer.macs;
  let skipped = 0;
  let gated = 0;
  if (skip) {
    skipped = total - cost.macs;
    if (arch.gating) gated = Math.round(cost.macs * (1 - d.weight));
  } else if (arch.gating) {
    gated = total - Math.round(act!.macsExecuted * d.weight);
  }
  const done = total - skipped; // executed + gated: the MACs the PEs spend a cycle on

  const levels = { dram: level(), globalBuffer: level(), interPE: level(), registerFile: level() };
  const ob = operandBits(arch); // operands of their own bit width fit the buffers (precision.ts)
  const half = (kB: number, bits: number): number => Math.floor(sramOperands(kB, bits) / 2);
  const IFg = N * layer.H * layer.W * Cg;
  const dIf = groups * (IFg <= half(arch.sramKB.ifmap, ob.ifmap) ? IFg : IFg * passes);
  const FL = M * K;
  const dFl = Math.min(G, Mg) * K <= half(arch.sramKB.filter, ob.filter) ? FL : FL * N * E;
  const OF = N * E * F * M;
  const spill = Math.min(G, Mg) * F > half(arch.sramKB.ofmap, ob.ofmap);
  levels.dram.reads = { ifmap: dIf, filter: dFl, ofmap: spill ? cost.psumReads : 0 };
  levels.dram.writes = { ifmap: 0, filter: 0, ofmap: spill ? Math.max(OF, cost.psumWrites) : OF };
  const gb = levels.globalBuffer;
  gb.reads = { ifmap: cost.inputReads, filter: cost.weightReads, ofmap: cost.psumReads + levels.dram.writes.ofmap };
  gb.writes = { ifmap: dIf, filter: dFl, ofmap: cost.psumWrites + levels.dram.reads.ofmap };
  levels.interPE.reads = { ifmap: 0, filter: done, ofmap: 0 };
  levels.registerFile.reads = { ifmap: 0, filter: done, ofmap: done };
  levels.registerFile.writes = { ifmap: 0, filter: 0, ofmap: done };

  let stall = 0;
  if (arch.dram.interface === 'user') stall = Math.max(0, Math.ceil(dramInterfaceWords(arch, levels.dram.reads, levels.dram.writes) / arch.dram.bandwidth) - compute);
  const cycles = compute + stall;
  const edges = (pe - G * P) * compute;
  const idle = ((passes * G - Mg) * P * compute) / passes + stall * pe;
  const busy = done;
  return {
    cycles,
    stallCycles: stall,
    peCount: pe,
    macs: { total, executed: done - gated, gated, skipped },
    peCycles: { busy, edges, folding: pe * cycles - busy - edges - idle, idle },
    mappingEfficiency: (Mg * P) / (passes * pe),
    computeUtilization: compute > 0 ? busy / (pe * compute) : 0,
    levels,
    mapping: { logicalTiles: G, pesPerFilter: P, passes, paddedWidth: rep.paddedWidth, groups, R, S },
  };
}

function feie(skip: boolean): Dataflow {
  return Object.freeze({
    name: skip ? 'zascas' : 'zascad',
    title: skip
      ? 'FEIE / ZASCAS: zero-skipping 1-D time-multiplexed dataflow (our generalisation of the seed\'s dataflow, not the paper\'s tables)'
      : 'FEIE / ZASCAD: dense 1-D time-multiplexed dataflow (our generalisation of the seed\'s dataflow, not the paper\'s tables)',
    assumptions: Object.freeze([
      skip ? 'ZASCAS: zero inputs (and padding) are not streamed: no cycle, no input read, no MAC.' : 'ZASCAD: every input pixel of the padded rows is streamed, one per cycle.',
      ...FEIE_ASSUMPTIONS,
    ]),
    paramsSchema: FEIE_PARAMS,
    count: (layer: AccelLayer, arch: ArchSpec, d: Densities, data?: SimulationData) => feieCounts(skip, layer, arch, d, data),
  });
}

/** FEIE dense (ZASCAD). */
export const FEIE_ZASCAD: Dataflow = feie(false);
/** FEIE zero-skipping (ZASCAS). */
export const FEIE_ZASCAS: Dataflow = feie(true);
