/**
 * The FEIE / ZASCA cycle model (Ardakani, Condo, Gross, "Fast and Efficient Convolutional
 * Accelerator for Edge Computing", IEEE Trans. Computers 2020; the seed tutorial's FEIE slides).
 * ZASCAD is the dense variant, ZASCAS the zero-skipping one.
 *
 * This is OUR layer-level generalisation of the seed's 1-D dataflow (notes/domain.md section 1),
 * not the paper's tables: the paper's tile counts, clock and per-layer results are not used, and
 * every architectural parameter (the tile count G) is a configurable value.
 *
 * The dataflow: G tiles of P PEs. Each clock cycle ONE input pixel is read and broadcast to every
 * PE of every tile; the P PEs of a tile each own one partial sum of the same filter (output
 * channel), weights reach them through a shift ring; each tile works on a different filter. For
 * one output row e, one kernel row r and one input channel c, the padded input row
 * e*U + r*dh - top is streamed from left to right (W_p = W + left + right pixels). Hence:
 * - P = ceil(effS / U), effS = (S - 1) * dw + 1 (the seed: ceil(S / U); an output stays in its PE
 *   for effS inputs and a new one starts every U inputs);
 * - dense cycles  = N * groups * ceil(Mg / G) * E * R * Cg * W_p
 * - ZASCAS cycles = N * sum over groups g of ceil(Mg / G) * sum over (e, r, c in g) of
 *   nnz(input row e*U + r*dh - top of channel c) (padding zeros are zeros: skipped too);
 * - utilisation = MACs / (cycles * G * P), MACs = the MACs the variant performs (dense: every
 *   MAC of the layer, padding included; ZASCAS: the MACs with a non-zero input);
 * - input reads = cycles (one pixel per cycle per pass over the filters);
 * - weight reads: S weights per filter per streamed (e, r, c) row (then recirculated in the
 *   ring): dense N * M * E * R * S * Cg; ZASCAS skips rows with no non-zero input;
 * - psum traffic: one read and one write of the F outputs per filter per streamed (e, r, c) row
 *   (no in-place accumulation across rows assumed); ZASCAS skips all-zero rows likewise.
 * Sanity (tested): the seed's example gives 16 dense and 10 zero-skip cycles; a 3x3, stride 1,
 * pad 1 layer has dense utilisation F / (F + 2).
 * @module
 */
import type { Conv2DInfo } from '../descriptors/conv.js';
import { ValueError, fmt } from '../errors.js';

/** Default tile count G of {@link feieLayer}: a configurable value of ours, not the paper's. */
export const FEIE_DEFAULT_TILES = 16;

/** Architecture of the FEIE model. */
export interface FeieArch {
  /** Tiles G: filters processed in parallel, all sharing the broadcast pixel. Default {@link FEIE_DEFAULT_TILES}. */
  tiles?: number;
}

/** What the actual data did, as counted by the zero-skip kernel (conv2dZeroSkip). */
export interface FeieActivity {
  /** Non-zero inputs per (image, input row, channel): [N][H][C] (NHWC order of x). */
  rowNnz: Int32Array;
  /** MACs with a non-zero input (the zero-skip kernel's executed MACs). */
  macsExecuted: number;
}

/** Cycles and action counts of one variant (dense ZASCAD or zero-skipping ZASCAS). */
export interface FeieCost {
  /** Clock cycles. */
  cycles: number;
  /** MACs performed. */
  macs: number;
  /** macs / (cycles * G * P), in [0, 1]. */
  utilisation: number;
  /** Input pixel reads (= cycles). */
  inputReads: number;
  /** Weight reads into the rings. */
  weightReads: number;
  /** Partial-sum reads and writes. */
  psumReads: number;
  psumWrites: number;
}

/** The result of {@link feieLayer}. */
export interface FeieReport {
  /** Tiles G and PEs per tile P (G * P PEs in total). */
  tiles: number;
  pesPerTile: number;
  /** Padded input width W_p. */
  paddedWidth: number;
  dense: FeieCost;
  /** Present when the activity (from the data) is given. */
  zeroSkip?: FeieCost;
}

/**
 * Cycles, utilisation and action counts of a conv layer on FEIE: dense (ZASCAD) always, zero
 * skipping (ZASCAS) when `activity` counted on the actual data is given. Pure function. See the
 * module comment for the model (our generalisation of the seed's dataflow, not the paper's).
 *
 * @example
 * ```ts
 * const info = conv2dInfo([1, 2, 8, 1], [1, 1, 3, 1]); // the seed's example
 * feieLayer(info, { tiles: 1 }).dense.cycles; // 16
 * ```
 */
export function feieLayer(info: Conv2DInfo, arch: FeieArch = {}, activity?: FeieActivity): FeieReport {
  const op = 'feieLayer';
  const G = arch.tiles ?? FEIE_DEFAULT_TILES;
  if (!Number.isInteger(G) || G < 1) throw new ValueError(op, `tiles = ${fmt(G)} must be an integer >= 1.`, `pass the tile count G, e.g. ${FEIE_DEFAULT_TILES}.`);
  const { N, H, C, M, R, S, E, F, Cg, Mg, groups } = info;
  const [U, uw] = info.strides;
  const [dh, dw] = info.dilations;
  const [top, left, , right] = info.pads;
  const Wp = info.W + left + right;
  const effS = (S - 1) * dw + 1;
  const P = Math.ceil(effS / uw);
  const passes = Math.ceil(Mg / G); // filter passes per group
  const denseCycles = N * groups * passes * E * R * Cg * Wp;
  const pes = G * P;
  const dense: FeieCost = {
    cycles: denseCycles,
    macs: info.macs,
    utilisation: info.macs / (denseCycles * pes),
    inputReads: denseCycles,
    weightReads: N * M * E * R * S * Cg,
    psumReads: N * M * E * F * R * Cg,
    psumWrites: N * M * E * F * R * Cg,
  };
  const report: FeieReport = { tiles: G, pesPerTile: P, paddedWidth: Wp, dense };
  if (!activity) return report;
  const { rowNnz } = activity;
  if (!(rowNnz instanceof Int32Array) || rowNnz.length !== N * H * C) {
    throw new ValueError(op, `activity.rowNnz must be an Int32Array of N*H*C = ${fmt(N * H * C)} counts, got ${rowNnz instanceof Int32Array ? `${fmt(rowNnz.length)}` : typeof rowNnz}.`, 'pass the counts reported by conv2dZeroSkip for this layer.');
  }
  let cycles = 0;
  let liveRows = 0; // (n, e, r, c) rows with at least one non-zero input, weighted by Mg
  for (let n = 0; n < N; n++) {
    for (let e = 0; e < E; e++) {
      for (let r = 0; r < R; r++) {
        const ih = e * U + r * dh - top;
        if (ih < 0 || ih >= H) continue; // a padding row: all zeros, nothing streamed
        const row = (n * H + ih) * C;
        for (let g = 0; g < groups; g++) {
          let sum = 0;
          let live = 0;
          for (let c = g * Cg; c < (g + 1) * Cg; c++) {
            const z = rowNnz[row + c];
            sum += z;
            if (z > 0) live++;
          }
          cycles += passes * sum;
          liveRows += Mg * live;
        }
      }
    }
  }
  const macs = activity.macsExecuted;
  report.zeroSkip = {
    cycles,
    macs,
    utilisation: cycles === 0 ? 0 : macs / (cycles * pes),
    inputReads: cycles,
    weightReads: liveRows * S,
    psumReads: liveRows * F,
    psumWrites: liveRows * F,
  };
  return report;
}

/** Options of {@link feieSchedule}. */
export interface FeieScheduleOptions {
  /** Filter width S (taps per row). */
  S: number;
  /** Filter height R. Default 1 (the seed's example: each input row gives one output row). */
  R?: number;
  /** Stride U in both directions. Default 1. */
  stride?: number;
  /** ZASCAS: zero inputs are not streamed (no cycle). Default false (dense ZASCAD). */
  skipZeros?: boolean;
}

/** One clock cycle of a {@link feieSchedule}. */
export interface FeieScheduleCycle {
  /** Clock cycle, from 1 (the seed's CC #1). */
  cycle: number;
  /** The input pixel broadcast this cycle: its 1-based row-major number (the seed's X index), row, column (0-based) and value. */
  input: { index: number; row: number; col: number; value: number };
  /** Which weight (1-based, row-major over R x S: the seed's W index) each partial sum (1-based, row-major over E x F) receives, and in which PE (1-based). Ordered by psum. */
  macs: { psum: number; weight: number; pe: number }[];
  /** Partial sums complete after this cycle. */
  ready: number[];
}

/** The per-cycle FEIE schedule of one filter over one input channel (see {@link feieSchedule}). */
export interface FeieSchedule {
  /** PEs P = ceil(S / stride). */
  pes: number;
  /** Output rows E and columns F (valid convolution). */
  E: number;
  F: number;
  cycles: FeieScheduleCycle[];
  /** Every partial sum: its output position and the cycle after which it is complete (null: every input it meets is zero, so it is never computed and stays 0). */
  psums: { psum: number; row: number; col: number; readyAt: number | null }[];
}

/** Most cycles {@link feieSchedule} materialises: a view for small layers, not a simulator. */
export const FEIE_SCHEDULE_MAX_CYCLES = 100_000;

/**
 * The cycle-by-cycle FEIE schedule of one filter (R x S) over one input channel (H x W rows of
 * numbers), valid convolution: for each output row e and kernel row r, input row e*U + r is
 * streamed left to right, one pixel per cycle, broadcast to the P PEs; the partial sum of output
 * column j (held by PE j mod P) receives weight (r, t - j*U) when 0 <= t - j*U < S. With
 * `skipZeros`, zero pixels take no cycle (ZASCAS). Reproduces the seed's two FEIE tables cell by
 * cell (16 cycles dense; 10 with X6..X11 = 0). For small layers only (at most
 * {@link FEIE_SCHEDULE_MAX_CYCLES} cycles).
 *
 * @example
 * ```ts
 * const x = [[1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11, 12, 13, 14, 15, 16]];
 * feieSchedule(x, { S: 3 }).cycles[1]; // { cycle: 2, input: { index: 2, ... }, macs: [{ psum: 1, weight: 2, pe: 1 }, { psum: 2, weight: 1, pe: 2 }], ready: [] }
 * ```
 */
export function feieSchedule(input: readonly (readonly number[])[], options: FeieScheduleOptions): FeieSchedule {
  const op = 'feieSchedule';
  if (!Array.isArray(input) || input.length === 0 || !input.every((row) => Array.isArray(row) && row.length === input[0].length && row.length > 0)) {
    throw new ValueError(op, 'input must be a non-empty array of equally long, non-empty rows of numbers.', 'pass rows such as [[x1, x2, ...], [x9, x10, ...]].');
  }
  if (!input.every((row) => row.every((v: unknown) => typeof v === 'number' && Number.isFinite(v)))) throw new ValueError(op, 'input holds a value that is not a finite number.', 'pass finite numbers.');
  const { S } = options;
  const R = options.R ?? 1;
  const U = options.stride ?? 1;
  for (const [name, v] of [['S', S], ['R', R], ['stride', U]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ValueError(op, `${name} = ${fmt(v)} must be an integer >= 1.`, `pass ${name} as a whole number >= 1.`);
  }
  const H = input.length;
  const W = input[0].length;
  if (R > H || S > W) throw new ValueError(op, `the ${R}x${S} filter is larger than the ${H}x${W} input.`, 'use a smaller filter or a larger input.');
  const E = Math.floor((H - R) / U) + 1;
  const F = Math.floor((W - S) / U) + 1;
  const P = Math.ceil(S / U);
  const skip = options.skipZeros ?? false;
  const denseCycles = E * R * W;
  if (denseCycles > FEIE_SCHEDULE_MAX_CYCLES) throw new ValueError(op, `this layer needs ${fmt(denseCycles)} dense cycles, more than the ${fmt(FEIE_SCHEDULE_MAX_CYCLES)} a schedule lists.`, 'use feieLayer for cycle counts of large layers.');
  const cycles: FeieScheduleCycle[] = [];
  const readyAt: (number | null)[] = new Array(E * F).fill(null);
  for (let e = 0; e < E; e++) {
    for (let r = 0; r < R; r++) {
      const ih = e * U + r;
      for (let t = 0; t < W; t++) {
        const value = input[ih][t];
        if (skip && value === 0) continue;
        const cycle = cycles.length + 1;
        const macs: FeieScheduleCycle['macs'] = [];
        const jLo = Math.max(0, Math.ceil((t - S + 1) / U));
        const jHi = Math.min(F - 1, Math.floor(t / U));
        for (let j = jLo; j <= jHi; j++) {
          const psum = e * F + j + 1;
          macs.push({ psum, weight: r * S + (t - j * U) + 1, pe: (j % P) + 1 });
          readyAt[psum - 1] = cycle;
        }
        cycles.push({ cycle, input: { index: ih * W + t + 1, row: ih, col: t, value }, macs, ready: [] });
      }
    }
  }
  readyAt.forEach((c, i) => {
    if (c !== null) cycles[c - 1].ready.push(i + 1);
  });
  return {
    pes: P, E, F, cycles,
    psums: readyAt.map((c, i) => ({ psum: i + 1, row: Math.floor(i / F), col: i % F, readyAt: c })),
  };
}
