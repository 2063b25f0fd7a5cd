/**
 * Pruning (Han et al., NIPS 2015; Deep Compression, ICLR 2016) on float32 weights (before
 * quantisation) or int8 weights, plus the storage cost of the result.
 *
 * Conventions (one place):
 * - Magnitude: |w| for float32; |w - zeroPoint[row]| for int8 (the distance from real 0). A
 *   pruned weight becomes real 0: 0.0 for float32, the row's zero point for int8.
 * - Rows are output channels / features (shape[0]); a row's elements are the rest of the shape
 *   flattened (for OHWI conv weights: (r, s, c)).
 * - Target sparsity s prunes exactly k = Math.round(s * count) weights (count = all weights of
 *   the layer, or of all layers for {@link pruneGlobal}).
 * - Ties (deterministic): weights are pruned in ascending order of (magnitude, position), position
 *   being the flat row-major index (for global pruning: layer order first, then the index). So
 *   among equal magnitudes the LOWER index is pruned first. Filters: ascending (norm, filter
 *   index). N:M: in each group the m - n weights first in that order are pruned.
 * - Threshold mode prunes every weight with magnitude strictly below the threshold (in the
 *   data's units: real values for float32, quantisation steps for int8).
 * @module
 */
import { ShapeError, ValueError, fmt } from '../errors.js';
import { CsrMatrix } from '../sparse/csr.js';

/** Weight data pruning accepts. */
export type PrunableArray = Float32Array | Int8Array;

/** Result of a pruning call on one layer. */
export interface PruneResult<A extends PrunableArray = PrunableArray> {
  /** The pruned weights (a copy; pruned positions hold real 0). */
  data: A;
  /** 1 = kept, 0 = pruned, per weight. */
  mask: Uint8Array;
  /** Remaining weights. */
  kept: number;
  /** All weights of the layer. */
  total: number;
  /** kept / total. */
  density: number;
  /** Magnitude at which pruning stopped: every pruned weight has magnitude <= it, every kept one >= it. */
  threshold: number;
}

/** Options of {@link pruneMagnitude}: exactly one of `sparsity` and `threshold`. */
export interface MagnitudePruneOptions {
  /** Fraction of weights to prune, in [0, 1]. */
  sparsity?: number;
  /** Prune every weight with magnitude < threshold (>= 0). */
  threshold?: number;
  /** int8 weights: zero point (one, or one per row). Default 0. */
  zeroPoint?: number | ArrayLike<number>;
}

interface Layer {
  data: PrunableArray;
  rows: number;
  cols: number;
  zp: Int32Array;
}

function checkLayer(op: string, data: unknown, shape: unknown, zeroPoint: unknown): Layer {
  if (!(data instanceof Float32Array) && !(data instanceof Int8Array)) throw new ValueError(op, `weights must be a Float32Array or Int8Array, got ${Object.prototype.toString.call(data)}.`, 'pass float32 weights (before quantisation) or int8 weights.');
  if (!Array.isArray(shape) || shape.length < 2 || !shape.every((d) => Number.isInteger(d) && d >= 1)) throw new ShapeError(op, `shape ${fmt(shape)} must have rank >= 2 ([out, ...]) of positive integers.`, 'pass [out, in] or OHWI [M, R, S, C/groups].');
  const rows = shape[0] as number;
  const cols = (shape as number[]).slice(1).reduce((a, b) => a * b, 1);
  if (data.length !== rows * cols) throw new ShapeError(op, `weights have ${fmt(data.length)} elements but shape ${fmt(shape)} needs ${fmt(rows * cols)}.`, 'make the data length the product of the shape.');
  if (data instanceof Float32Array) {
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) throw new ValueError(op, `weights[${fmt(i)}] = ${fmt(data[i])}; weights must be finite.`, 'clean the weights first.');
  }
  const zp = new Int32Array(rows);
  const z = zeroPoint ?? 0;
  const checkZ = (v: unknown, what: string): number => {
    if (data instanceof Float32Array ? v !== 0 : !Number.isInteger(v) || (v as number) < -128 || (v as number) > 127) {
      throw new ValueError(op, `${what} = ${fmt(v)} is not valid for ${data instanceof Float32Array ? 'float32 weights (real 0 is 0)' : 'int8 weights'}.`, data instanceof Float32Array ? 'omit zeroPoint for float weights.' : 'pass an integer in [-128, 127].');
    }
    return v as number;
  };
  if (typeof z === 'number') zp.fill(checkZ(z, 'zeroPoint'));
  else {
    const a = z as ArrayLike<number>;
    if (typeof a !== 'object' || a === null || (a.length !== rows && a.length !== 1)) throw new ShapeError(op, `zeroPoint must be one number or ${fmt(rows)} (one per row).`, 'pass one zero point per output channel.');
    for (let r = 0; r < rows; r++) zp[r] = checkZ(a.length === 1 ? a[0] : a[r], `zeroPoint[${r}]`);
  }
  return { data, rows, cols, zp };
}

function magnitudes(l: Layer): Float64Array {
  const m = new Float64Array(l.data.length);
  for (let r = 0; r < l.rows; r++) for (let c = 0; c < l.cols; c++) m[r * l.cols + c] = Math.abs(l.data[r * l.cols + c] - l.zp[r]);
  return m;
}

function checkFraction(op: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new ValueError(op, `${what} = ${fmt(v)} must be a number in [0, 1].`, `pass the fraction of weights to remove, e.g. ${what}: 0.9.`);
  return v;
}

/**
 * The prune mask for exactly k of the magnitudes, in ascending (magnitude, index) order.
 * Returns the mask (1 = kept) and the magnitude of the last pruned weight.
 */
function selectSmallest(mags: Float64Array, k: number): { mask: Uint8Array; threshold: number } {
  const mask = new Uint8Array(mags.length).fill(1);
  if (k <= 0) return { mask, threshold: 0 };
  const t = mags.slice().sort()[k - 1];
  let ties = k;
  for (let i = 0; i < mags.length; i++) if (mags[i] < t) ties--;
  for (let i = 0; i < mags.length; i++) {
    if (mags[i] < t) mask[i] = 0;
    else if (mags[i] === t && ties > 0) {
      mask[i] = 0;
      ties--;
    }
  }
  return { mask, threshold: t };
}

function apply<A extends PrunableArray>(l: Layer, mask: Uint8Array, threshold: number): PruneResult<A> {
  const data = l.data.slice() as A;
  let kept = 0;
  for (let r = 0; r < l.rows; r++) {
    for (let c = 0; c < l.cols; c++) {
      const i = r * l.cols + c;
      if (mask[i]) kept++;
      else data[i] = l.zp[r];
    }
  }
  return { data, mask, kept, total: data.length, density: kept / data.length, threshold };
}

function modeOf(op: string, o: { sparsity?: number; threshold?: number }): { sparsity?: number; threshold?: number } {
  if (o === null || typeof o !== 'object') throw new ValueError(op, `options must be an object, got ${fmt(o)}.`, 'pass { sparsity } or { threshold }.');
  if ((o.sparsity === undefined) === (o.threshold === undefined)) throw new ValueError(op, 'pass exactly one of sparsity and threshold.', 'e.g. { sparsity: 0.9 } or { threshold: 0.01 }.');
  if (o.sparsity !== undefined) return { sparsity: checkFraction(op, 'sparsity', o.sparsity) };
  if (typeof o.threshold !== 'number' || !(o.threshold >= 0) || !Number.isFinite(o.threshold)) throw new ValueError(op, `threshold = ${fmt(o.threshold)} must be a finite number >= 0.`, 'pass a magnitude below which weights are removed.');
  return { threshold: o.threshold };
}

/**
 * Magnitude pruning of one layer to a target sparsity (exactly round(sparsity * count) weights)
 * or below a threshold. See the module notes for ties and int8 zero points.
 *
 * @param w float32 or int8 weights, row-major `shape` ([out, in] or OHWI [M, R, S, C/groups]).
 * @example
 * ```ts
 * const p = pruneMagnitude(w, [4096, 4096], { sparsity: 0.9 }); // p.kept === 1,677,722
 * const csr = denseToCsr(p.data, [4096, 4096]);
 * ```
 */
export function pruneMagnitude<A extends PrunableArray>(w: A, shape: readonly number[], options: MagnitudePruneOptions): PruneResult<A> {
  const op = 'pruneMagnitude';
  const mode = modeOf(op, options);
  const l = checkLayer(op, w, shape, options.zeroPoint);
  const mags = magnitudes(l);
  if (mode.threshold !== undefined) {
    const mask = new Uint8Array(mags.length);
    for (let i = 0; i < mags.length; i++) mask[i] = mags[i] < mode.threshold ? 0 : 1;
    return apply(l, mask, mode.threshold);
  }
  const { mask, threshold } = selectSmallest(mags, Math.round(mode.sparsity! * mags.length));
  return apply(l, mask, threshold);
}

/** One layer for {@link pruneGlobal}. */
export interface PruneLayer<A extends PrunableArray = PrunableArray> {
  name?: string;
  data: A;
  shape: readonly number[];
  zeroPoint?: number | ArrayLike<number>;
}

/** Result of {@link pruneGlobal}: per-layer results (remaining weights per layer) and totals. */
export interface GlobalPruneResult {
  layers: (PruneResult & { name: string })[];
  kept: number;
  total: number;
  density: number;
  threshold: number;
}

/**
 * Global magnitude pruning: one threshold (given, or chosen so that exactly
 * round(sparsity * all weights) are pruned) across all layers, ties in (magnitude, layer order,
 * index) order. Magnitudes of int8 layers are in their own quantisation steps, so mix float32
 * layers or int8 layers of one scale.
 */
export function pruneGlobal(layers: readonly PruneLayer[], options: { sparsity?: number; threshold?: number }): GlobalPruneResult {
  const op = 'pruneGlobal';
  const mode = modeOf(op, options);
  if (!Array.isArray(layers) || layers.length === 0) throw new ValueError(op, 'layers must be a non-empty array of { data, shape }.', 'pass the layers to prune.');
  const ls = layers.map((x, i) => checkLayer(`${op} (layer ${x?.name ?? i})`, x?.data, x?.shape, x?.zeroPoint));
  const per = ls.map(magnitudes);
  const total = per.reduce((a, m) => a + m.length, 0);
  const all = new Float64Array(total);
  let o = 0;
  for (const m of per) {
    all.set(m, o);
    o += m.length;
  }
  let mask: Uint8Array;
  let threshold: number;
  if (mode.threshold !== undefined) {
    threshold = mode.threshold;
    mask = new Uint8Array(total);
    for (let i = 0; i < total; i++) mask[i] = all[i] < threshold ? 0 : 1;
  } else ({ mask, threshold } = selectSmallest(all, Math.round(mode.sparsity! * total)));
  o = 0;
  const results = ls.map((l, i) => {
    const r = apply(l, mask.slice(o, o + l.data.length), threshold);
    o += l.data.length;
    return { ...r, name: layers[i].name ?? `layer${i}` };
  });
  const kept = results.reduce((a, r) => a + r.kept, 0);
  return { layers: results, kept, total, density: kept / total, threshold };
}

/** Options of {@link pruneFilters}: `sparsity` (fraction of filters) or `filters` (count). */
export interface FilterPruneOptions {
  /** Fraction of filters (rows) to remove: round(sparsity * rows). */
  sparsity?: number;
  /** Number of filters to remove. */
  filters?: number;
  /** Norm ranking the filters. Default `'l1'`. */
  norm?: 'l1' | 'l2';
  /** int8: zero point (one, or one per row). */
  zeroPoint?: number | ArrayLike<number>;
}

/** Result of {@link pruneFilters}. */
export interface FilterPruneResult<A extends PrunableArray = PrunableArray> extends PruneResult<A> {
  /** Indices of the filters kept / removed, ascending. */
  keptFilters: number[];
  removedFilters: number[];
  /** The kept filters only: shape [keptFilters.length, ...shape.slice(1)]. */
  compact: A;
  compactShape: number[];
  /** Norm of every filter (of w - zeroPoint). */
  norms: Float64Array;
}

/**
 * Filter (node) pruning: removes whole output channels with the smallest L1 or L2 norm, ties by
 * lower filter index first. `data` keeps the shape (removed rows hold real 0); `compact` drops them.
 */
export function pruneFilters<A extends PrunableArray>(w: A, shape: readonly number[], options: FilterPruneOptions): FilterPruneResult<A> {
  const op = 'pruneFilters';
  if (options === null || typeof options !== 'object') throw new ValueError(op, `options must be an object, got ${fmt(options)}.`, 'pass { sparsity } or { filters }.');
  const l = checkLayer(op, w, shape, options.zeroPoint);
  const norm = options.norm ?? 'l1';
  if (norm !== 'l1' && norm !== 'l2') throw new ValueError(op, `norm = ${fmt(norm)} is not known.`, "use 'l1' or 'l2'.");
  if ((options.sparsity === undefined) === (options.filters === undefined)) throw new ValueError(op, 'pass exactly one of sparsity and filters.', 'e.g. { sparsity: 0.5 } or { filters: 16 }.');
  let k: number;
  if (options.filters !== undefined) {
    k = options.filters;
    if (!Number.isInteger(k) || k < 0 || k > l.rows) throw new ValueError(op, `filters = ${fmt(k)} must be an integer in [0, ${l.rows}].`, 'pass how many output channels to remove.');
  } else k = Math.round(checkFraction(op, 'sparsity', options.sparsity) * l.rows);
  const mags = magnitudes(l);
  // L2 ranks by the sum of squares (same order as the norm, exact for int8).
  const norms = new Float64Array(l.rows);
  for (let r = 0; r < l.rows; r++) {
    let s = 0;
    for (let c = 0; c < l.cols; c++) s += norm === 'l1' ? mags[r * l.cols + c] : mags[r * l.cols + c] ** 2;
    norms[r] = s;
  }
  const { mask: rowMask, threshold } = selectSmallest(norms, k);
  const mask = new Uint8Array(l.data.length);
  const keptFilters: number[] = [];
  const removedFilters: number[] = [];
  for (let r = 0; r < l.rows; r++) {
    (rowMask[r] ? keptFilters : removedFilters).push(r);
    if (rowMask[r]) mask.fill(1, r * l.cols, (r + 1) * l.cols);
  }
  const res = apply<A>(l, mask, norm === 'l2' ? Math.sqrt(threshold) : threshold);
  const compact = new (w.constructor as new (n: number) => A)(keptFilters.length * l.cols);
  keptFilters.forEach((r, i) => compact.set(w.subarray(r * l.cols, (r + 1) * l.cols) as never, i * l.cols));
  if (norm === 'l2') for (let r = 0; r < l.rows; r++) norms[r] = Math.sqrt(norms[r]);
  return { ...res, keptFilters, removedFilters, compact, compactShape: [keptFilters.length, ...shape.slice(1)], norms };
}

/**
 * N:M structured pruning: in every group of m consecutive weights along a row (the input
 * dimension; for OHWI conv the (r, s, c) order), keep the n of largest magnitude. A shorter last
 * group of L < m weights keeps min(n, L). E.g. 2:4 (n = 2, m = 4) keeps half.
 */
export function pruneNM<A extends PrunableArray>(w: A, shape: readonly number[], options: { n: number; m: number; zeroPoint?: number | ArrayLike<number> }): PruneResult<A> {
  const op = 'pruneNM';
  if (options === null || typeof options !== 'object') throw new ValueError(op, `options must be { n, m }, got ${fmt(options)}.`, 'pass e.g. { n: 2, m: 4 }.');
  const { n, m } = options;
  if (!Number.isInteger(m) || m < 1 || !Number.isInteger(n) || n < 0 || n > m) throw new ValueError(op, `n:m = ${fmt(n)}:${fmt(m)} must be integers with 0 <= n <= m, m >= 1.`, 'pass e.g. { n: 2, m: 4 }.');
  const l = checkLayer(op, w, shape, options.zeroPoint);
  const mags = magnitudes(l);
  const mask = new Uint8Array(mags.length);
  let maxPruned = 0;
  for (let r = 0; r < l.rows; r++) {
    for (let g = 0; g < l.cols; g += m) {
      const len = Math.min(m, l.cols - g);
      const base = r * l.cols + g;
      const { mask: gm, threshold } = selectSmallest(mags.subarray(base, base + len), len - Math.min(n, len));
      mask.set(gm, base);
      if (len > Math.min(n, len)) maxPruned = Math.max(maxPruned, threshold);
    }
  }
  return apply(l, mask, maxPruned);
}

/** Options of {@link storageCost}. */
export interface StorageCostOptions {
  /** `'fc'` (5-bit relative indices) or `'conv'` (8-bit), as Deep Compression. */
  kind: 'fc' | 'conv';
  /** Override the relative index width in bits. */
  indexBits?: number;
  /** Bits per stored value. Default 8 for int8 matrices, 32 for float32. */
  valueBits?: number;
}

/** Storage of a sparse layer, in bits. */
export interface StorageCost {
  rows: number;
  cols: number;
  /** Stored (non-pruned) weights. */
  nnz: number;
  /** Filler (padding zero) entries inserted where a gap overflows the relative index. */
  fillers: number;
  /** nnz + fillers: entries of the relative-index encoding. */
  entries: number;
  indexBits: number;
  valueBits: number;
  /** Deep Compression relative indexing: entries * (valueBits + indexBits). */
  relativeBits: number;
  /** Plain CSR with 32-bit column indices and (rows + 1) 32-bit row pointers. */
  csr32Bits: number;
  /** Plain CSR with 16-bit column indices (only when cols <= 65,536) and 32-bit row pointers. */
  csr16Bits: number | undefined;
  /** Dense: rows * cols * valueBits. */
  denseBits: number;
  /** denseBits / relativeBits. */
  compression: number;
}

/**
 * Storage cost of a CSR matrix as Deep Compression counts it: entries are stored in row-major
 * order over the whole layer with the GAP to the previous entry (zeros skipped, the first entry
 * counting from position -1) in `indexBits` bits: gaps up to 2^indexBits - 1 fit; a longer gap
 * inserts a filler entry (a stored zero) after each 2^indexBits positions, i.e.
 * floor(gap / 2^indexBits) fillers. Zeros after the last entry cost nothing (the size is known).
 * Each entry costs valueBits + indexBits. Compared with plain CSR (32- or 16-bit column indices
 * plus 32-bit row pointers) and dense storage.
 */
export function storageCost(csr: CsrMatrix, options: StorageCostOptions): StorageCost {
  const op = 'storageCost';
  if (!(csr instanceof CsrMatrix)) throw new ValueError(op, 'the matrix must be a CsrMatrix.', 'build it with denseToCsr() or csrFromArrays().');
  csr.validate(op);
  if (options === null || typeof options !== 'object' || (options.kind !== 'fc' && options.kind !== 'conv')) throw new ValueError(op, `options.kind = ${fmt(options?.kind)} must be 'fc' or 'conv'.`, "pass { kind: 'fc' } (5-bit indices) or { kind: 'conv' } (8-bit).");
  const indexBits = options.indexBits ?? (options.kind === 'fc' ? 5 : 8);
  const valueBits = options.valueBits ?? (csr.dtype === 'int8' ? 8 : 32);
  for (const [k, v] of [['indexBits', indexBits], ['valueBits', valueBits]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 32) throw new ValueError(op, `${k} = ${fmt(v)} must be an integer in [1, 32].`, `pass a bit width, or omit ${k}.`);
  }
  const span = 2 ** indexBits;
  let fillers = 0;
  let prev = -1;
  for (let r = 0; r < csr.rows; r++) {
    for (let i = csr.rowPtr[r]; i < csr.rowPtr[r + 1]; i++) {
      const pos = r * csr.cols + csr.colIdx[i];
      fillers += Math.floor((pos - prev - 1) / span);
      prev = pos;
    }
  }
  const nnz = csr.nnz;
  const entries = nnz + fillers;
  const relativeBits = entries * (valueBits + indexBits);
  const ptrBits = (csr.rows + 1) * 32;
  const denseBits = csr.rows * csr.cols * valueBits;
  return {
    rows: csr.rows, cols: csr.cols, nnz, fillers, entries, indexBits, valueBits, relativeBits,
    csr32Bits: nnz * (valueBits + 32) + ptrBits,
    csr16Bits: csr.cols <= 65536 ? nnz * (valueBits + 16) + ptrBits : undefined,
    denseBits,
    compression: relativeBits > 0 ? denseBits / relativeBits : Infinity,
  };
}
